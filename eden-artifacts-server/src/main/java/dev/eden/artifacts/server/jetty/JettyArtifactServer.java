package dev.eden.artifacts.server.jetty;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.server.AdminHandler;
import dev.eden.artifacts.server.ArtifactHandler;
import dev.eden.artifacts.server.Authenticator;
import dev.eden.artifacts.server.internal.JettyServerAccess;
import java.net.URI;
import java.time.Duration;
import java.util.function.Predicate;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The artifact endpoints on an embedded Jetty 12 server: one HTTP/1.1 connector, the
 * {@link ArtifactJettyHandler} at the root (Jetty's core API, no servlet layer), idle time-outs that cut off stalled uploads, bounded request
 * headers read byte for byte ({@link ExactRequestHeaders}), and a graceful stop that lets in-flight
 * requests finish.
 *
 * <p>Its limits under connection pressure, each a builder setting: a request-head time-out
 * ({@link Builder#requestHeadTimeout}), the idle time-out, a bound on open connections ({@link
 * Builder#maxConnections}), the request thread pool ({@link Builder#maxThreads}), and, applied by
 * the handler it builds, a cap on deposits in flight ({@link Builder#maxConcurrentDeposits}) and a
 * minimum deposit data rate ({@link Builder#minDepositDataRate}). Together they keep threads for
 * fetches, {@code /healthz} and the admin API however many connections idle, trickle or stall.
 *
 * <pre>{@code
 * try (JettyArtifactServer server = JettyArtifactServer.builder()
 *     .service(service)
 *     .authenticator(authenticator)
 *     .servedExperiments(experimentId)
 *     .host("127.0.0.1").port(0)
 *     .build()
 *     .start()) {
 *   URI base = server.baseUri(); // http://127.0.0.1:PORT
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the server and is idempotent.
 */
public final class JettyArtifactServer implements AutoCloseable {
  /** Default of {@link Builder#maxThreads}. */
  public static final int DEFAULT_MAX_THREADS = 200;
  /** Default of {@link Builder#maxConnections}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /** Default of {@link Builder#requestHeadTimeout}, in seconds. */
  public static final int DEFAULT_REQUEST_HEAD_TIMEOUT_SECONDS = 10;
  /** Default of {@link Builder#requestHeadTimeout}. */
  public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(DEFAULT_REQUEST_HEAD_TIMEOUT_SECONDS);

  private final Server server;
  private final ServerConnector connector;
  private final String host;

  static {
    // The Jetty server reaches this module's instrumentation only, never a public signature.
    JettyServerAccess.install(server -> server.server);
  }

  private JettyArtifactServer(Builder builder, ArtifactHandler handler, AdminHandler admin) {
    this.host = builder.host;
    QueuedThreadPool threads = new QueuedThreadPool(builder.maxThreads, Math.min(8, builder.maxThreads));
    threads.setName("eden-artifacts");
    this.server = new Server(threads);
    HttpConfiguration http = ExactRequestHeaders.apply(new HttpConfiguration());
    http.setRequestHeaderSize(builder.maxRequestHeaderBytes);
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setOutputBufferSize(64 * 1024);
    HttpConnectionFactory http11 = new HttpConnectionFactory(http);
    // Larger network reads: a deposit body then arrives in fewer, bigger chunks (fewer wake-ups per GiB).
    http11.setInputBufferSize(64 * 1024);
    RequestHeadTimeout headTimeout = new RequestHeadTimeout(builder.requestHeadTimeout.toNanos());
    this.connector = headTimeout.connector(server, http11);
    connector.setHost(builder.host);
    connector.setPort(builder.port);
    connector.setIdleTimeout(builder.idleTimeout.toMillis());
    server.addConnector(connector);
    // Beyond the bound Jetty stops accepting: new connections wait in the kernel's accept queue.
    server.addBean(new NetworkConnectionLimit(builder.maxConnections, server));

    server.setErrorHandler(new ProblemErrorHandler());
    server.setHandler(headTimeout.marking(new GracefulHandler(new ArtifactJettyHandler(handler, admin))));
    server.setStopTimeout(builder.stopTimeout.toMillis());
    server.setStopAtShutdown(builder.stopAtShutdown);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port and starts serving.
   *
   * @return this server
   * @throws IllegalStateException wrapping the cause if the server cannot start (port in use)
   */
  public JettyArtifactServer start() {
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new IllegalStateException("could not start the artifact server on " + host, e);
    }
    return this;
  }

  /** The bound port (the actual one when built with port 0); -1 before {@link #start()}. */
  public int port() {
    return connector.getLocalPort();
  }

  /** {@code http://HOST:PORT}, without a trailing slash. */
  public URI baseUri() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return URI.create("http://" + h + ":" + port());
  }

  /** Waits until the server has stopped (for example after a shutdown hook stopped it). */
  public void join() throws InterruptedException {
    server.join();
  }

  /**
   * Stops gracefully: stops accepting, lets in-flight requests finish for up to the stop timeout,
   * then closes connections. Idempotent.
   */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("could not stop the artifact server cleanly", e);
    }
  }

  /** Configures a {@link JettyArtifactServer}. Not thread-safe. */
  public static final class Builder {
    private final ArtifactHandler.Builder handlerBuilder = ArtifactHandler.builder();
    private ArtifactHandler handler;
    private AdminHandler adminHandler;
    private String host = "127.0.0.1";
    private int port = 8080;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private Duration stopTimeout = Duration.ofSeconds(30);
    private int maxRequestHeaderBytes = 16 * 1024;
    private int maxThreads = DEFAULT_MAX_THREADS;
    private Duration requestHeadTimeout = DEFAULT_REQUEST_HEAD_TIMEOUT;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private boolean handlerSettingsGiven;
    private boolean stopAtShutdown;

    private Builder() {}

    /** The service behind the endpoints; its cap applies. Required unless {@link #handler} is given. */
    public Builder service(ArtifactService service) {
      handlerBuilder.service(service);
      return this;
    }

    /** Required unless {@link #handler} is given. */
    public Builder authenticator(Authenticator authenticator) {
      handlerBuilder.authenticator(authenticator);
      return this;
    }

    /** Serves exactly these experiments. */
    public Builder servedExperiments(ExperimentId... experimentIds) {
      handlerBuilder.servedExperiments(experimentIds);
      return this;
    }

    /** Serves the experiments the predicate accepts (it must be thread-safe). */
    public Builder servedExperiments(Predicate<ExperimentId> servedExperiments) {
      handlerBuilder.servedExperiments(servedExperiments);
      return this;
    }

    /** A fully configured handler, instead of service, authenticator and served experiments. */
    public Builder handler(ArtifactHandler handler) {
      this.handler = requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Also serves the admin API under {@value AdminHandler#API_PREFIX} (and the console under
     * {@value AdminHandler#CONSOLE_PATH} if {@code adminHandler} has it); default none.
     */
    public Builder adminHandler(AdminHandler adminHandler) {
      this.adminHandler = requireNonNull(adminHandler, "adminHandler");
      return this;
    }

    /** The interface to bind; default {@code 127.0.0.1}. */
    public Builder host(String host) {
      this.host = requireNonNull(host, "host");
      return this;
    }

    /** The port; 0 picks a free one; default 8080. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * How long a connection may sit without a byte moving before it is cut off — a client stalling
     * mid-upload loses its pending deposit; default 30 s.
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = positive(idleTimeout, "idleTimeout");
      return this;
    }

    /** How long {@link #close()} waits for in-flight requests; default 30 s. */
    public Builder stopTimeout(Duration stopTimeout) {
      this.stopTimeout = positive(stopTimeout, "stopTimeout");
      return this;
    }

    /** The largest accepted request line plus headers; default 16 KiB (larger gets 431). */
    public Builder maxRequestHeaderBytes(int maxRequestHeaderBytes) {
      if (maxRequestHeaderBytes < 1024) {
        throw new IllegalArgumentException("maxRequestHeaderBytes must be at least 1024");
      }
      this.maxRequestHeaderBytes = maxRequestHeaderBytes;
      return this;
    }

    /**
     * How long a connection may take to deliver a complete request line and headers, counted from
     * its accept for the first request and from the first byte of each later one (an idle
     * kept-alive connection waits under the {@linkplain #idleTimeout idle time-out} instead);
     * default {@value #DEFAULT_REQUEST_HEAD_TIMEOUT_SECONDS} s. A connection over it is closed
     * without an answer, within about a quarter of the bound more. Jetty 12 has no such setting:
     * its idle time-out alone lets a client keep a connection by sending one header byte a second.
     */
    public Builder requestHeadTimeout(Duration requestHeadTimeout) {
      this.requestHeadTimeout = positive(requestHeadTimeout, "requestHeadTimeout");
      return this;
    }

    /**
     * The most open connections; default {@value #DEFAULT_MAX_CONNECTIONS}. At the bound the server
     * stops accepting (Jetty's {@link NetworkConnectionLimit}): a new connection waits in the
     * operating system's accept queue, and is accepted as soon as another one closes, or is refused
     * by the system if that queue is full too. Keep it below the process's open-file limit
     * ({@code ulimit -n}), which must also cover blob files and the database.
     */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 1) {
        throw new IllegalArgumentException("maxConnections must be positive");
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * The cap on deposits in flight, overall and per principal, for the handler this builder makes;
     * see {@link ArtifactHandler.Builder#maxConcurrentDeposits}. Defaults {@value
     * ArtifactHandler#DEFAULT_MAX_CONCURRENT_DEPOSITS} and {@value
     * ArtifactHandler#DEFAULT_MAX_CONCURRENT_DEPOSITS_PER_PRINCIPAL}, well below the {@value
     * #DEFAULT_MAX_THREADS} threads. With {@link #handler} set it belongs on that handler's builder.
     */
    public Builder maxConcurrentDeposits(int total, int perPrincipal) {
      handlerBuilder.maxConcurrentDeposits(total, perPrincipal);
      handlerSettingsGiven = true;
      return this;
    }

    /**
     * The minimum deposit data rate for the handler this builder makes; see {@link
     * ArtifactHandler.Builder#minDepositDataRate}. With {@link #handler} set it belongs on that
     * handler's builder.
     */
    public Builder minDepositDataRate(long bytesPerSecond, Duration grace) {
      handlerBuilder.minDepositDataRate(bytesPerSecond, grace);
      handlerSettingsGiven = true;
      return this;
    }

    /** The largest number of request threads; default {@value #DEFAULT_MAX_THREADS}. */
    public Builder maxThreads(int maxThreads) {
      if (maxThreads < 4) {
        throw new IllegalArgumentException("maxThreads must be at least 4");
      }
      this.maxThreads = maxThreads;
      return this;
    }

    /** Whether a JVM shutdown (SIGTERM) stops the server gracefully; default false. */
    public Builder stopAtShutdown(boolean stopAtShutdown) {
      this.stopAtShutdown = stopAtShutdown;
      return this;
    }

    /**
     * @throws IllegalStateException if no handler is given and the service, authenticator or
     *     served experiments are missing, or if a handler is given together with a setting that
     *     configures the handler this builder would make (deposit cap, minimum data rate)
     */
    public JettyArtifactServer build() {
      if (handler != null && handlerSettingsGiven) {
        throw new IllegalStateException("with handler(...) set, configure maxConcurrentDeposits and"
            + " minDepositDataRate on that handler's builder");
      }
      return new JettyArtifactServer(this, handler != null ? handler : handlerBuilder.build(), adminHandler);
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return d;
    }
  }
}
