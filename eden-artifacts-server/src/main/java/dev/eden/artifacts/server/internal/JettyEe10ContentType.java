package dev.eden.artifacts.server.internal;

import jakarta.servlet.ServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextResponse;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Jetty 12 ee10: the servlet layer's header list ({@code ServletContextResponse.HttpFieldsWrapper})
 * rewrites a {@code Content-Type} whose media type Jetty knows into Jetty's own spelling
 * ({@code text/plain; charset=utf-8} → {@code text/plain;charset=utf-8}). The core response it
 * wraps ({@code getWrapped()}, public API) sends its headers as they are. Loaded only on Jetty ee10.
 */
final class JettyEe10ContentType {
  private JettyEe10ContentType() {}

  static void set(ServletResponse response, String value) {
    ServletContextResponse.getServletContextResponse(response)
        .getWrapped().getHeaders().put(HttpHeader.CONTENT_TYPE, value);
  }
}
