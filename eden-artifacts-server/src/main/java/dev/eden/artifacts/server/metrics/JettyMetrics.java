package dev.eden.artifacts.server.metrics;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.server.internal.JettyServerAccess;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import org.eclipse.jetty.server.Server;

/**
 * Micrometer's own Jetty meters for a {@link JettyArtifactServer}: its request thread pool ({@code
 * jetty_threads_current}, {@code _busy}, {@code _idle}, {@code _jobs}, {@code _config_min}, {@code
 * _config_max}) and its connector ({@code jetty_connections_current_connections}, {@code
 * _max_connections}, {@code jetty_connections_request_seconds}, {@code
 * jetty_connections_messages_in_messages_total}, {@code _out_}). Micrometer's standard names, not
 * under {@value ArtifactMetrics#PREFIX}, so that ready-made Jetty dashboards work. Kept apart from
 * {@link ArtifactMetrics} so that only a user of the embedded Jetty server needs Jetty on the class
 * path.
 */
public final class JettyMetrics {
  private JettyMetrics() {}

  /**
   * Binds the meters of {@code server}'s thread pool and connectors to {@code registry}, before or
   * after it started; the server keeps them as long as it lives.
   */
  public static void bind(JettyArtifactServer server, MeterRegistry registry) {
    requireNonNull(registry, "registry");
    Server jetty = JettyServerAccess.server(requireNonNull(server, "server"));
    new JettyServerThreadPoolMetrics(jetty.getThreadPool(), Tags.empty()).bindTo(registry);
    JettyConnectionMetrics.addToAllConnectors(jetty, registry);
  }
}
