package dev.eden.artifacts.server.cli;

import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.server.metrics.ArtifactMetrics;
import dev.eden.artifacts.server.metrics.JettyMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code serve --metrics-port}: a Prometheus registry holding the artifact meters ({@link
 * ArtifactMetrics}), the JVM's (memory, garbage collection, threads, class loading, CPU, file
 * descriptors, uptime) and the API server's Jetty pool and connections, served as Prometheus text
 * at {@code GET /metrics} by a Jetty server of its own on the metrics port: never on the API port,
 * and still answering when every API thread is busy.
 *
 * <p>The maintenance tasks report to {@link #artifacts()} (see {@link ArtifactMetrics#gcRunSucceeded}
 * and {@link ArtifactMetrics#scrubRunFinished}). Thread-safe.
 */
final class ServerMetrics implements AutoCloseable {
  static final String PATH = "/metrics";
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ArtifactMetrics artifacts = new ArtifactMetrics(registry);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private Server http;

  ServerMetrics() {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  ArtifactMetrics artifacts() {
    return artifacts;
  }

  /** Adds the API server's thread pool and connection meters. */
  void bind(JettyArtifactServer server) {
    JettyMetrics.bind(server, registry);
  }

  /**
   * Serves the registry at {@code http://host:port/metrics}.
   *
   * @return that URL, with the bound port
   * @throws StartupFailure if the port cannot be bound
   */
  URI serve(String host, int port) throws StartupFailure {
    QueuedThreadPool threads = new QueuedThreadPool(8, 2);
    threads.setName("eden-metrics");
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(30_000);
    server.addConnector(connector);
    server.setHandler(new ScrapeHandler());
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new StartupFailure("could not serve metrics on " + host + ":" + port + ": " + e.getMessage());
    }
    this.http = server;
    String h = host.contains(":") ? "[" + host + "]" : host;
    return URI.create("http://" + h + ":" + connector.getLocalPort() + PATH);
  }

  @Override
  public void close() {
    try {
      if (http != null) {
        http.stop();
      }
    } catch (Exception e) {
      // shutting down: nothing is left to tell
    } finally {
      gc.close();
      registry.close();
    }
  }

  /** {@code GET} or {@code HEAD /metrics}: the scrape; 405 for other methods there, 404 elsewhere. */
  private final class ScrapeHandler extends Handler.Abstract {
    ScrapeHandler() {
      super(InvocationType.BLOCKING);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String method = request.getMethod();
      if (!PATH.equals(Request.getPathInContext(request))) {
        return answer(response, callback, HttpStatus.NOT_FOUND_404, "not found; metrics are at " + PATH + "\n", true);
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
        return answer(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "only GET and HEAD\n", true);
      }
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      return answer(response, callback, HttpStatus.OK_200, registry.scrape(), method.equals("GET"));
    }

    private boolean answer(Response response, Callback callback, int status, String text, boolean body) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      response.setStatus(status);
      if (!response.getHeaders().contains(HttpHeader.CONTENT_TYPE)) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
      }
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
      response.write(true, body ? ByteBuffer.wrap(bytes) : ByteBuffer.allocate(0), callback);
      return true;
    }
  }
}
