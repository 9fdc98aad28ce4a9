package dev.eden.artifacts.server.cli;

import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.maintenance.GarbageCollector;
import dev.eden.artifacts.maintenance.GcReport;
import dev.eden.artifacts.server.AccessLog;
import dev.eden.artifacts.server.AdminHandler;
import dev.eden.artifacts.server.ArtifactHandler;
import dev.eden.artifacts.server.ExchangeListener;
import dev.eden.artifacts.server.auth.FileAuthenticator;
import dev.eden.artifacts.server.cli.BlobStoreOptions.OpenedBlobStore;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.server.auth.WorkerRegistry;
import dev.eden.artifacts.server.internal.CachingArtifactStore;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code serve}: runs the reference server on its embedded defaults. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
        "Serves the EDEN v0 artifact endpoints (deposit and fetch) over HTTP/1.1.",
        "",
        "Metadata goes to SQLite under the data directory unless --db names another database; bytes go to <data-dir>/blobs unless --blob-store names another directory or an S3 bucket (s3://BUCKET[/PREFIX]).",
        "The admin bearer is 'admin:<token>', the token taken from the environment variable EDEN_ADMIN_TOKEN or else generated once into <data-dir>/admin-token.",
        "Liveness: GET /healthz. Admin listing API (admin or admins members only): GET /admin/v1/experiments/{E}/artifacts and /summary; web console at /console/ (see --console).",
        "One access line per request on standard output (see --access-log); every other log line on standard error. Prometheus metrics with --metrics-port.",
        "SIGTERM lets in-flight requests finish, then exits."})
final class ServeCommand implements Callable<Integer> {
  static final String ADMIN_TOKEN_ENV = "EDEN_ADMIN_TOKEN";
  private static final String ACCESS_LOG_OFF = "off";
  private static final List<String> ACCESS_LOG_FORMATS = List.of("text", "json", ACCESS_LOG_OFF);

  @Spec CommandSpec spec;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--max-artifact-bytes", defaultValue = "104857600", description = "Largest accepted artifact in bytes; larger deposits get 413 (default: ${DEFAULT-VALUE}).")
  long maxArtifactBytes;

  @Mixin StorageOptions storage;

  @Mixin ExperimentOptions experimentOptions;

  @Option(names = "--idle-timeout-seconds", defaultValue = "30", description = "Cut off a connection (and abandon its upload) after this many seconds without progress (default: ${DEFAULT-VALUE}).")
  int idleTimeoutSeconds;

  @Option(names = "--request-head-timeout-seconds", defaultValue = "" + JettyArtifactServer.DEFAULT_REQUEST_HEAD_TIMEOUT_SECONDS, description = {
      "Close a connection that has not delivered a complete request line and headers this many seconds after it was accepted",
      "(or after the first byte of a later request on it), without an answer (default: ${DEFAULT-VALUE})."})
  int requestHeadTimeoutSeconds;

  @Option(names = "--max-connections", defaultValue = "" + JettyArtifactServer.DEFAULT_MAX_CONNECTIONS, description = {
      "Open connections at most; beyond it new ones wait in the system's accept queue until one closes.",
      "Keep it below the open-file limit (ulimit -n) (default: ${DEFAULT-VALUE})."})
  int maxConnections;

  @Option(names = "--max-threads", defaultValue = "" + JettyArtifactServer.DEFAULT_MAX_THREADS, description = "Request threads at most (default: ${DEFAULT-VALUE}).")
  int maxThreads;

  @Option(names = "--max-concurrent-deposits", defaultValue = "" + ArtifactHandler.DEFAULT_MAX_CONCURRENT_DEPOSITS, description = {
      "Deposits in flight at most; more get 503 with Retry-After at once, body unread, nothing stored.",
      "Keep it well below --max-threads, so fetches and /healthz always find a thread (default: ${DEFAULT-VALUE})."})
  int maxConcurrentDeposits;

  @Option(names = "--max-concurrent-deposits-per-worker",
      defaultValue = "" + ArtifactHandler.DEFAULT_MAX_CONCURRENT_DEPOSITS_PER_PRINCIPAL, description = {
      "Deposits of one worker (or of the admin) in flight at most; more get 503 as above (default: ${DEFAULT-VALUE})."})
  int maxConcurrentDepositsPerWorker;

  @Option(names = "--min-deposit-rate", defaultValue = "1KiB", paramLabel = "<rate>", description = {
      "A deposit body slower than this on average, after the grace below, is cut off with 408 and nothing is stored;",
      "e.g. 1KiB, 500B, 0 for no minimum (default: ${DEFAULT-VALUE} per second)."})
  String minDepositRate;

  @Option(names = "--min-deposit-rate-grace-seconds", defaultValue = "10", description = {
      "How long a deposit body may take before --min-deposit-rate applies (default: ${DEFAULT-VALUE})."})
  int minDepositRateGraceSeconds;

  @Option(names = "--stop-timeout-seconds", defaultValue = "30", description = "On SIGTERM, wait this long for in-flight requests (default: ${DEFAULT-VALUE}).")
  int stopTimeoutSeconds;

  @Option(names = "--sweep-temps-older-than", defaultValue = "PT15M", paramLabel = "<ISO-8601 duration>", description = {
      "At start, remove what crashed deposits left in the blob store (temp files; incomplete S3 multipart uploads) once older than this;",
      "a blob directory's temp files whose writing process is gone (a server killed before this start) go at any age.",
      "When several servers share a bucket, keep it well above the longest upload (default: ${DEFAULT-VALUE})."})
  Duration sweepTempsOlderThan;

  @Option(names = "--gc-interval", paramLabel = "<ISO-8601 duration>", description = {
      "Run a garbage collection (see 'gc --help') in the background every this long, the first one this long after start;"
          + " off unless given. Each run logs its summary line."})
  Duration gcInterval;

  @Option(names = "--gc-grace", defaultValue = "PT24H", paramLabel = "<ISO-8601 duration>", description = {
      "The grace of the background garbage collection (--gc-interval), as 'gc --grace'; at least PT10M (default: ${DEFAULT-VALUE})."})
  Duration gcGrace;

  @Option(names = "--metrics-port", paramLabel = "PORT", description = {
      "Serve Prometheus metrics at GET /metrics on this port of --host (never on --port); 0 picks a free one.",
      "Off unless given."})
  Integer metricsPort;

  @Option(names = "--access-log", defaultValue = "text", paramLabel = "text|json|off", description = {
      "One line per request on standard output: method, path, status, body bytes in and out, duration, principal",
      "(and the incident id of a 500), as text or as one JSON object per line; off for none (default: ${DEFAULT-VALUE})."})
  String accessLog;

  @Option(names = "--console", negatable = true, description = {
      "Serve the web console at /console/ (--no-console: do not). Default: on only when --host is a loopback address,",
      "since operators paste an admin bearer into it and plain HTTP beyond this machine would expose it."})
  Boolean console;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    validate();
    Path data = storage.data();
    DataDirectory.createOwnerOnly(data);

    String adminToken = DataDirectory.adminToken(data, System.getenv(ADMIN_TOKEN_ENV), out);
    List<ExperimentId> experiments = DataDirectory.experiments(data, experimentOptions.experimentIds, out);

    OpenedBlobStore blobs = storage.openBlobs();
    sweepLeftovers(blobs, out);
    JdbiArtifactStore store = storage.openStore();
    WorkerRegistry registry = WorkerRegistries.open(data, storage.db, store);
    ServerMetrics metrics = metricsPort == null ? null : new ServerMetrics();
    List<ExchangeListener> listeners = new ArrayList<>();
    if (!accessLog.equals(ACCESS_LOG_OFF)) {
      listeners.add(AccessLog.to(AccessLog.Format.valueOf(accessLog.toUpperCase(Locale.ROOT))));
    }
    ArtifactBackend backend = blobs.backend();
    ArtifactStore metered = store;
    if (metrics != null) {
      listeners.add(metrics.artifacts());
      backend = metrics.artifacts().instrument(backend);
      metered = metrics.artifacts().instrument(metered);
    }
    ArtifactService service = ArtifactService.builder()
        .backend(backend)
        // rows never change once written: a short-lived cache spares repeat fetches a database trip
        .store(new CachingArtifactStore(metered, Duration.ofSeconds(60),
            CachingArtifactStore.maxEntriesForHeap(Runtime.getRuntime().maxMemory())))
        .maxArtifactBytes(maxArtifactBytes)
        .build();
    FileAuthenticator authenticator =
        FileAuthenticator.builder().registry(registry).adminToken(adminToken).build();
    ArtifactHandler.Builder handler = ArtifactHandler.builder()
        .service(service)
        .authenticator(authenticator)
        .servedExperiments(experiments.toArray(ExperimentId[]::new))
        .maxConcurrentDeposits(maxConcurrentDeposits, maxConcurrentDepositsPerWorker)
        .minDepositDataRate(minDepositBytesPerSecond(), Duration.ofSeconds(minDepositRateGraceSeconds));
    AdminHandler.Builder admin = AdminHandler.builder()
        .service(service)
        .authenticator(authenticator)
        .experiments(experiments)
        .console(console != null ? console : consoleByDefault(host));
    listeners.forEach(handler::addExchangeListener);
    listeners.forEach(admin::addExchangeListener);
    AdminHandler adminHandler = admin.build();
    JettyArtifactServer server = JettyArtifactServer.builder()
        .handler(handler.build())
        .adminHandler(adminHandler)
        .host(host)
        .port(port)
        .idleTimeout(Duration.ofSeconds(idleTimeoutSeconds))
        .requestHeadTimeout(Duration.ofSeconds(requestHeadTimeoutSeconds))
        .maxConnections(maxConnections)
        .maxThreads(maxThreads)
        .stopTimeout(Duration.ofSeconds(stopTimeoutSeconds))
        .build();
    BackgroundCollection collection = gcInterval == null ? null : BackgroundCollection.start(
        GarbageCollector.builder().backend(backend).store(metered).grace(gcGrace).build(), gcInterval,
        metrics == null ? BackgroundCollection.RunObserver.NONE : new BackgroundCollection.RunObserver() {
          @Override
          public void succeeded(GcReport report, Duration took) {
            metrics.artifacts().gcRunSucceeded(report, took);
          }

          @Override
          public void failed(Duration took) {
            metrics.artifacts().gcRunFailed(took);
          }
        });
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close(); // stop accepting, let in-flight requests finish
      } finally {
        if (collection != null) {
          collection.close();
        }
        store.close();
        closeQuietly(blobs);
        if (metrics != null) {
          metrics.close();
        }
        stopped.countDown();
      }
    }, "eden-artifacts-shutdown"));
    URI metricsUri = null;
    try {
      if (metrics != null) {
        metrics.bind(server);
        metricsUri = metrics.serve(host, metricsPort);
      }
      server.start();
    } catch (IllegalStateException | StartupFailure e) {
      if (collection != null) {
        collection.close();
      }
      if (metrics != null) {
        metrics.close();
      }
      store.close();
      blobs.close();
      throw e;
    }
    out.println("metadata: " + storage.describeStore());
    out.println("blobs: " + blobs.description());
    out.println(WorkerRegistries.describe(registry, data, storage.db));
    out.println("max artifact bytes: " + maxArtifactBytes);
    out.println("admin API: " + server.baseUri() + AdminHandler.API_PREFIX + "experiments (admin or admins members)");
    out.println("console: " + (adminHandler.consoleEnabled()
        ? server.baseUri() + AdminHandler.CONSOLE_PATH
        : "off (--console serves it)"));
    out.println("gc: " + (gcInterval == null ? "off (--gc-interval runs it in the background)"
        : "every " + gcInterval + ", grace " + gcGrace));
    out.println("metrics: " + (metricsUri != null ? metricsUri : "off (--metrics-port serves them)"));
    out.println("limits: " + maxConnections + " connections, " + maxThreads + " threads, "
        + maxConcurrentDeposits + " deposits in flight (" + maxConcurrentDepositsPerWorker + " per worker), request head within "
        + requestHeadTimeoutSeconds + " s, idle " + idleTimeoutSeconds + " s, deposit body at least "
        + (minDepositBytesPerSecond() == 0 ? "any rate" : minDepositBytesPerSecond() + " B/s after " + minDepositRateGraceSeconds + " s"));
    out.println("access log: " + (accessLog.equals(ACCESS_LOG_OFF) ? "off" : accessLog + ", on standard output"));
    out.println("listening on " + server.baseUri());
    out.flush();
    server.join();
    stopped.await();
    return 0;
  }

  private void validate() {
    storage.validate();
    experimentOptions.validate();
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port must be in 0..65535");
    }
    if (maxArtifactBytes < 0) {
      throw new ParameterException(spec.commandLine(), "--max-artifact-bytes must not be negative");
    }
    GcCommand.checkGrace(spec, "--gc-grace", gcGrace);
    if (gcInterval != null && (gcInterval.isNegative() || gcInterval.compareTo(Duration.ofSeconds(1)) < 0)) {
      throw new ParameterException(spec.commandLine(), "--gc-interval must be at least PT1S: " + gcInterval);
    }
    if (idleTimeoutSeconds < 1 || stopTimeoutSeconds < 1 || requestHeadTimeoutSeconds < 1) {
      throw new ParameterException(spec.commandLine(), "time-outs must be at least one second");
    }
    if (maxConnections < 1 || maxThreads < 4) {
      throw new ParameterException(spec.commandLine(), "--max-connections must be at least 1 and --max-threads at least 4");
    }
    if (maxConcurrentDepositsPerWorker < 1 || maxConcurrentDepositsPerWorker > maxConcurrentDeposits
        || maxConcurrentDeposits >= maxThreads) {
      throw new ParameterException(spec.commandLine(), "need 1 <= --max-concurrent-deposits-per-worker <= --max-concurrent-deposits"
          + " < --max-threads, so that fetches always find a thread");
    }
    if (minDepositRateGraceSeconds < 0) {
      throw new ParameterException(spec.commandLine(), "--min-deposit-rate-grace-seconds must not be negative");
    }
    minDepositBytesPerSecond();
    if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
      throw new ParameterException(spec.commandLine(), "--metrics-port must be in 0..65535");
    }
    if (metricsPort != null && metricsPort != 0 && metricsPort == port) {
      throw new ParameterException(spec.commandLine(), "--metrics-port must differ from --port: metrics are never served on the API port");
    }
    if (!ACCESS_LOG_FORMATS.contains(accessLog)) {
      throw new ParameterException(spec.commandLine(), "--access-log must be text, json or off: " + accessLog);
    }
  }

  /** {@code --min-deposit-rate} in bytes per second; 0 for none. */
  private long minDepositBytesPerSecond() {
    if (minDepositRate.strip().equals("0")) {
      return 0;
    }
    try {
      return ByteRate.parse(minDepositRate).bytesPerSecond();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--min-deposit-rate: " + e.getMessage());
    }
  }

  /**
   * Removes what crashed deposits left in the blob store. A failure (say, credentials that may not
   * list multipart uploads) is reported in one line and does not stop the server: the leftovers
   * only take space, and a later start or a bucket lifecycle rule can remove them.
   */
  private void sweepLeftovers(OpenedBlobStore blobs, PrintWriter out) {
    ArtifactBackend backend = blobs.backend();
    if (!backend.capabilities().contains(ArtifactBackend.Capability.STALE_PENDING_SWEEP)) {
      return;
    }
    try {
      int swept = backend.sweepStalePending(sweepTempsOlderThan);
      if (swept > 0) {
        out.println("removed " + swept + " leftover(s) of crashed deposits (temp files, incomplete uploads) from "
            + blobs.description());
      }
    } catch (IOException | UncheckedIOException e) {
      out.println("warning: could not remove the leftovers of crashed deposits from " + blobs.description()
          + ": " + e.getMessage());
    }
  }

  private static void closeQuietly(OpenedBlobStore blobs) {
    try {
      blobs.close();
    } catch (IOException | RuntimeException e) {
      // shutting down: nothing is left to tell
    }
  }

  /**
   * Whether the console is served when neither {@code --console} nor {@code --no-console} is given:
   * only on a loopback address, where the bearer typed into it never crosses a network in clear.
   * A host name that does not resolve counts as not loopback.
   */
  static boolean consoleByDefault(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

}
