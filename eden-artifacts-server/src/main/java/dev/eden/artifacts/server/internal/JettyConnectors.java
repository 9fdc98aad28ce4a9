package dev.eden.artifacts.server.internal;

import dev.eden.artifacts.server.jetty.ExactRequestHeaders;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;

/**
 * Jetty 12, any servlet environment (ee9, ee10, ee11; a plain {@code ServletContextHandler}, a
 * {@code WebAppContext}, Spring Boot's): finds an HTTP/1.1 connector of the server the current
 * context runs in that may hand a kept-alive connection a cached header value differing in letter
 * case from the one sent (see {@link ExactRequestHeaders}). Uses Jetty's core API, which every
 * environment shares. Loaded only on Jetty.
 */
final class JettyConnectors {
  private JettyConnectors() {}

  /**
   * Why the server cannot be trusted with header values — the first such connector, or that the
   * server cannot be found — or null if every HTTP/1.1 connector is configured. Call from within
   * the context's scope (a servlet's {@code init} or a request).
   */
  static String problem() {
    ContextHandler context = ContextHandler.getCurrentContextHandler();
    Server server = context == null ? null : context.getServer();
    if (server == null) {
      return "cannot find the Jetty server to check that its connectors hand header values over"
          + " byte for byte";
    }
    for (Connector connector : server.getConnectors()) {
      for (ConnectionFactory factory : connector.getConnectionFactories()) {
        if (factory instanceof HttpConnectionFactory http11
            && !ExactRequestHeaders.isApplied(http11.getHttpConfiguration())) {
          return "Jetty connector " + connector + " may hand over cached header values that differ"
              + " in letter case from the ones sent";
        }
      }
    }
    return null;
  }
}
