package dev.eden.artifacts.server.internal;

import dev.eden.artifacts.server.jetty.ExactRequestHeaders;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;

/**
 * The one check that a Jetty 12 server hands header values over byte for byte: no HTTP/1.1
 * connector may hand a kept-alive connection a cached header value differing in letter case from
 * the one sent (see {@link ExactRequestHeaders}). Used by the core Jetty handler at start and by
 * the servlet at init, in any servlet environment (ee9, ee10, ee11; a plain
 * {@code ServletContextHandler}, a {@code WebAppContext}, Spring Boot's), through Jetty's core API.
 * Loaded only on Jetty. Not API.
 */
public final class JettyConnectors {
  private JettyConnectors() {}

  /**
   * Why {@code server} cannot be trusted with header values — its first inexact connector, or that
   * there is no server to inspect — or null if every HTTP/1.1 connector is configured.
   */
  public static String problem(Server server) {
    if (server == null) {
      return "cannot find the Jetty server to check that its connectors hand header values over"
          + " byte for byte";
    }
    for (Connector connector : server.getConnectors()) {
      for (ConnectionFactory factory : connector.getConnectionFactories()) {
        if (factory instanceof HttpConnectionFactory http11
            && !ExactRequestHeaders.isApplied(http11.getHttpConfiguration())) {
          return "Jetty connector " + connector + " may hand over cached header values that differ"
              + " in letter case from the ones sent; configure its HttpConfiguration with"
              + " ExactRequestHeaders.apply(...)";
        }
      }
    }
    return null;
  }

  /** {@link #problem(Server)} of the server the current context runs in; call within its scope. */
  static String problemOfCurrentContext() {
    ContextHandler context = ContextHandler.getCurrentContextHandler();
    return problem(context == null ? null : context.getServer());
  }
}
