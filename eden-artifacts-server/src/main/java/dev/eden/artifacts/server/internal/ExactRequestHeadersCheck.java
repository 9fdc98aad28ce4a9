package dev.eden.artifacts.server.internal;

import jakarta.servlet.ServletContext;

/**
 * Refuses to serve from a servlet container known to hand request header values over inexactly.
 * Today that is Jetty 12 (any servlet environment) with a connector not configured by
 * {@link dev.eden.artifacts.server.jetty.ExactRequestHeaders#apply}: its header cache can give a
 * kept-alive connection an earlier request's {@code Authorization} value that differs only in
 * letter case. A Jetty whose connectors cannot be inspected is refused too. Other containers pass.
 * Thread-safe.
 */
public final class ExactRequestHeadersCheck {
  private static final String JETTY_PACKAGE = "org.eclipse.jetty.";

  private ExactRequestHeadersCheck() {}

  /**
   * A description of why {@code context}'s container cannot be trusted with request header values,
   * or null if it can (or is not one this check knows). Call from the servlet's {@code init}.
   */
  public static String problem(ServletContext context) {
    if (!isJetty(context.getClass())) {
      return null;
    }
    return JettyConnectors.problemOfCurrentContext();
  }

  /** Jetty's own context classes, and an application's subclass of one. */
  private static boolean isJetty(Class<?> contextClass) {
    for (Class<?> c = contextClass; c != null; c = c.getSuperclass()) {
      if (c.getName().startsWith(JETTY_PACKAGE)) {
        return true;
      }
    }
    return false;
  }
}
