package dev.eden.artifacts.server.internal;

import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets a servlet response's {@code Content-Type} byte for byte. The Servlet API cannot: Tomcat 10.1
 * (so Spring Boot on Tomcat) takes the charset out of the value and appends it again as
 * {@code ;charset=…} ({@code text/plain; charset=utf-8} → {@code text/plain;charset=utf-8},
 * {@code text/csv; charset=utf-8; header=present} → {@code text/csv;header=present;charset=utf-8}),
 * and Jetty's ee10 servlet layer swaps a value it knows for its own spelling. The wire contract
 * (§16.2) wants the recorded type verbatim, so on those two containers the value goes straight
 * into the container's own header list, past the servlet layer; anywhere else, and if that fails,
 * through {@link HttpServletResponse#setHeader}.
 *
 * <p>The container classes are touched only by {@link TomcatContentType} and
 * {@link JettyEe10ContentType}, which are loaded only when the response is that container's; the
 * server module does not depend on either container. Thread-safe.
 */
public final class ExactContentType {
  private static final Logger LOG = LoggerFactory.getLogger(ExactContentType.class);
  private static final String TOMCAT_RESPONSE = "org.apache.catalina.connector.ResponseFacade";
  private static final String JETTY_EE10_PACKAGE = "org.eclipse.jetty.ee10.servlet.";
  private static volatile boolean warned;

  private ExactContentType() {}

  /**
   * Sets {@code Content-Type: value} on {@code response} exactly as given, replacing any earlier
   * value. Call before the response is committed. Wrappers around the container's response (a
   * filter's {@code HttpServletResponseWrapper}) are looked through.
   */
  public static void set(HttpServletResponse response, String value) {
    ServletResponse container = response;
    while (container instanceof ServletResponseWrapper wrapper) {
      container = wrapper.getResponse();
    }
    String type = container.getClass().getName();
    try {
      if (type.equals(TOMCAT_RESPONSE)) {
        TomcatContentType.set(container, value);
        return;
      }
      if (type.startsWith(JETTY_EE10_PACKAGE)) {
        JettyEe10ContentType.set(container, value);
        return;
      }
    } catch (LinkageError | RuntimeException e) {
      // A container version whose internals differ: keep serving, with the container's spelling.
      if (!warned) {
        warned = true;
        LOG.warn("cannot set Content-Type byte for byte on {}; the container may rewrite its parameters",
            type, e);
      }
    }
    response.setHeader("Content-Type", value);
  }
}
