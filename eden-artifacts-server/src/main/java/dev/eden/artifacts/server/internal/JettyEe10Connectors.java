package dev.eden.artifacts.server.internal;

import dev.eden.artifacts.server.jetty.ExactRequestHeaders;
import jakarta.servlet.ServletContext;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;

/**
 * Jetty 12 ee10: finds the HTTP/1.1 connectors of the server a servlet context runs in that may
 * hand a kept-alive connection a cached header value differing in letter case from the one sent
 * (see {@link ExactRequestHeaders}). Loaded only on Jetty ee10.
 */
final class JettyEe10Connectors {
  private JettyEe10Connectors() {}

  /** The first such connector, described for an error message, or null if there is none. */
  static String firstInexact(ServletContext context) {
    ServletContextHandler handler = ServletContextHandler.getServletContextHandler(context);
    Server server = handler == null ? null : handler.getServer();
    for (Connector connector : server == null ? new Connector[0] : server.getConnectors()) {
      for (ConnectionFactory factory : connector.getConnectionFactories()) {
        if (factory instanceof HttpConnectionFactory http11
            && !ExactRequestHeaders.isApplied(http11.getHttpConfiguration())) {
          return connector.toString();
        }
      }
    }
    return null;
  }
}
