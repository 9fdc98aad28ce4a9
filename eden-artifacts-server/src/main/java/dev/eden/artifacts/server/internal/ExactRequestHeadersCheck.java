package dev.eden.artifacts.server.internal;

import jakarta.servlet.ServletContext;

/**
 * Refuses to serve from a servlet container known to hand request header values over inexactly.
 * Today that is Jetty 12 ee10 with a connector not configured by
 * {@link dev.eden.artifacts.server.jetty.ExactRequestHeaders#apply}: its header cache can give a
 * kept-alive connection an earlier request's {@code Authorization} value that differs only in
 * letter case. Other containers pass. Thread-safe.
 */
public final class ExactRequestHeadersCheck {
  private static final String JETTY_EE10_PACKAGE = "org.eclipse.jetty.ee10.servlet.";

  private ExactRequestHeadersCheck() {}

  /**
   * A description of why {@code context}'s container cannot be trusted with request header values,
   * or null if it can (or is not one this check knows).
   */
  public static String problem(ServletContext context) {
    if (!context.getClass().getName().startsWith(JETTY_EE10_PACKAGE)) {
      return null;
    }
    String connector = JettyEe10Connectors.firstInexact(context);
    return connector == null ? null : "Jetty connector " + connector + " may hand over cached header"
        + " values that differ in letter case from the ones sent; configure its HttpConfiguration"
        + " with ExactRequestHeaders.apply(...)";
  }
}
