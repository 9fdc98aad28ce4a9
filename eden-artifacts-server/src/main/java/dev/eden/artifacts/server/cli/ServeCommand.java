package dev.eden.artifacts.server.cli;

import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.server.ArtifactHandler;
import dev.eden.artifacts.server.auth.CredentialRegistry;
import dev.eden.artifacts.server.auth.FileAuthenticator;
import dev.eden.artifacts.server.internal.CachingArtifactStore;
import dev.eden.artifacts.server.internal.Secrets;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
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
        "Metadata goes to SQLite under the data directory unless --db names another database; bytes go to <data-dir>/blobs.",
        "The admin bearer is 'admin:<token>', the token taken from the environment variable EDEN_ADMIN_TOKEN or else generated once into <data-dir>/admin-token.",
        "Liveness: GET /healthz. SIGTERM lets in-flight requests finish, then exits."})
final class ServeCommand implements Callable<Integer> {
  static final String ADMIN_TOKEN_ENV = "EDEN_ADMIN_TOKEN";
  static final String ADMIN_TOKEN_FILE = "admin-token";
  static final String EXPERIMENT_FILE = "experiment-id";

  @Spec CommandSpec spec;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data-dir", defaultValue = "./eden-data", description = "Directory for blobs, SQLite metadata, the worker registry and the generated admin token (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--experiment-id", paramLabel = "exp_...", description = "An experiment to serve; repeat for several. Without it, one experiment id is minted at first start, kept in <data-dir>/experiment-id and served.")
  List<String> experimentIds = new ArrayList<>();

  @Option(names = "--max-artifact-bytes", defaultValue = "104857600", description = "Largest accepted artifact in bytes; larger deposits get 413 (default: ${DEFAULT-VALUE}).")
  long maxArtifactBytes;

  @Option(names = "--db", paramLabel = "<jdbc url>", description = "Metadata database: jdbc:postgresql://... or jdbc:sqlite:<file> (default: SQLite at <data-dir>/metadata.db).")
  String db;

  @Option(names = "--idle-timeout-seconds", defaultValue = "30", description = "Cut off a connection (and abandon its upload) after this many seconds without progress (default: ${DEFAULT-VALUE}).")
  int idleTimeoutSeconds;

  @Option(names = "--stop-timeout-seconds", defaultValue = "30", description = "On SIGTERM, wait this long for in-flight requests (default: ${DEFAULT-VALUE}).")
  int stopTimeoutSeconds;

  @Option(names = "--sweep-temps-older-than", defaultValue = "PT15M", paramLabel = "<ISO-8601 duration>", description = "At start, delete blob temp files (left by a crash) older than this (default: ${DEFAULT-VALUE}).")
  Duration sweepTempsOlderThan;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    validate();
    Path data = dataDir.toAbsolutePath().normalize();
    createOwnerOnlyDirectory(data);

    String adminToken = adminToken(data, out);
    List<ExperimentId> experiments = experiments(data, out);

    FileArtifactBackend backend = new FileArtifactBackend(data.resolve("blobs"));
    int swept = backend.sweepStaleTemps(sweepTempsOlderThan);
    if (swept > 0) {
      out.println("removed " + swept + " stale temp file(s) from " + backend.root());
    }
    JdbiArtifactStore store = openStore(data);
    CredentialRegistry registry = CredentialRegistry.open(data.resolve(CredentialRegistry.FILE_NAME));
    ArtifactService service = ArtifactService.builder()
        .backend(backend)
        // rows never change once written: a short-lived cache spares repeat fetches a database trip
        .store(new CachingArtifactStore(store, Duration.ofSeconds(60), 100_000))
        .maxArtifactBytes(maxArtifactBytes)
        .build();
    ArtifactHandler handler = ArtifactHandler.builder()
        .service(service)
        .authenticator(FileAuthenticator.builder().registry(registry).adminToken(adminToken).build())
        .servedExperiments(experiments.toArray(ExperimentId[]::new))
        .build();
    JettyArtifactServer server = JettyArtifactServer.builder()
        .handler(handler)
        .host(host)
        .port(port)
        .idleTimeout(Duration.ofSeconds(idleTimeoutSeconds))
        .stopTimeout(Duration.ofSeconds(stopTimeoutSeconds))
        .build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close(); // stop accepting, let in-flight requests finish
      } finally {
        store.close();
        stopped.countDown();
      }
    }, "eden-artifacts-shutdown"));
    try {
      server.start();
    } catch (IllegalStateException e) {
      store.close();
      throw e;
    }
    out.println("metadata: " + (db == null ? "sqlite " + data.resolve("metadata.db") : redact(db)));
    out.println("blobs: " + backend.root());
    out.println("workers: " + registry.file() + " (enrol with: add-worker --data-dir " + data + ")");
    out.println("max artifact bytes: " + maxArtifactBytes);
    out.println("listening on " + server.baseUri());
    out.flush();
    server.join();
    stopped.await();
    return 0;
  }

  private void validate() {
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port must be in 0..65535");
    }
    if (maxArtifactBytes < 0) {
      throw new ParameterException(spec.commandLine(), "--max-artifact-bytes must not be negative");
    }
    if (idleTimeoutSeconds < 1 || stopTimeoutSeconds < 1) {
      throw new ParameterException(spec.commandLine(), "time-outs must be at least one second");
    }
    for (String e : experimentIds) {
      if (!ExperimentId.isValid(e)) {
        throw new ParameterException(spec.commandLine(),
            "--experiment-id must be 'exp_' followed by 26 lowercase Crockford base32 characters: " + e);
      }
    }
  }

  private String adminToken(Path data, PrintWriter out) throws IOException {
    String fromEnv = System.getenv(ADMIN_TOKEN_ENV);
    if (fromEnv != null && !fromEnv.isEmpty()) {
      out.println("admin token: from " + ADMIN_TOKEN_ENV);
      return fromEnv;
    }
    Path file = data.resolve(ADMIN_TOKEN_FILE);
    if (!Files.exists(file)) {
      writeOwnerOnly(file, Secrets.randomToken(32) + "\n");
      out.println("admin token: generated into " + file + " (bearer: admin:<contents of that file>)");
    } else {
      out.println("admin token: read from " + file + " (bearer: admin:<contents of that file>)");
    }
    String token = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (token.isEmpty()) {
      throw new IOException("the admin token file " + file + " is empty");
    }
    return token;
  }

  private List<ExperimentId> experiments(Path data, PrintWriter out) throws IOException {
    List<ExperimentId> served = new ArrayList<>();
    if (!experimentIds.isEmpty()) {
      experimentIds.forEach(e -> served.add(ExperimentId.parse(e)));
    } else {
      Path file = data.resolve(EXPERIMENT_FILE);
      if (!Files.exists(file)) {
        writeOwnerOnly(file, ExperimentId.mint().value() + "\n");
      }
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (!ExperimentId.isValid(text)) {
        throw new IOException(file + " does not hold a valid experiment id");
      }
      served.add(ExperimentId.parse(text));
    }
    for (ExperimentId e : served) {
      out.println("experiment: " + e);
    }
    return served;
  }

  private JdbiArtifactStore openStore(Path data) throws IOException {
    if (db == null) {
      return JdbiArtifactStore.sqlite(data.resolve("metadata.db"));
    }
    if (db.startsWith("jdbc:postgresql:")) {
      return JdbiArtifactStore.postgres(db);
    }
    if (db.startsWith("jdbc:sqlite:")) {
      return JdbiArtifactStore.sqlite(Path.of(db.substring("jdbc:sqlite:".length())));
    }
    throw new ParameterException(spec.commandLine(), "--db must be a jdbc:postgresql: or jdbc:sqlite: URL");
  }

  /** The URL without its query (which may carry a password). */
  private static String redact(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q) + "?<redacted>";
  }

  static void createOwnerOnlyDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(dir);
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  private static void writeOwnerOnly(Path file, String content) throws IOException {
    boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (posix) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
    Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
  }
}
