package dev.eden.artifacts.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.FetchedArtifact;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.server.ArtifactHandler;
import dev.eden.artifacts.server.Authenticator;
import dev.eden.artifacts.server.jdk.JdkHttpServerHandler;
import dev.eden.artifacts.server.jdk.JdkHttpServers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An orchestrator that embeds the artifact server instead of running it as a separate process:
 *
 * <ul>
 *   <li>metadata in its own SQLite file ({@link JdbiArtifactStore}), bytes in a local directory
 *       ({@link FileArtifactBackend}), both under its data directory;
 *   <li>its own worker registry ({@link WorkerRegistry}) as the {@link Authenticator} — it
 *       already knows its workers;
 *   <li>its own notion of which experiments are running as the served-experiments predicate;
 *   <li>the endpoints mounted on the JDK {@link HttpServer} it already runs, next to its own
 *       {@code /status} endpoint, through {@link JdkHttpServerHandler};
 *   <li>reading an artifact in-process as admin with {@link ArtifactService#open}, no HTTP.
 * </ul>
 *
 * <p>{@code main} starts it, registers one worker and prints how to run {@link WorkerExample}
 * against it; paste a URI the worker printed and the orchestrator reads it back in-process.
 */
public final class EmbeddedOrchestratorExample implements AutoCloseable {
  private final HttpServer http;
  private final ExecutorService requestThreads;
  private final JdbiArtifactStore store;
  private final ArtifactService artifacts;
  private final WorkerRegistry workers = new WorkerRegistry();
  private final Set<ExperimentId> runningExperiments = ConcurrentHashMap.newKeySet();

  private EmbeddedOrchestratorExample(Path dataDir, InetSocketAddress address) throws IOException {
    // The application's own HTTP server. nodelay must be on before the JVM creates its first
    // HttpServer, or every small response waits ~40 ms for a delayed ACK.
    JdkHttpServers.enableNoDelay();
    http = HttpServer.create(address, 0);
    // Deposits and fetches block while bytes stream: never leave the JDK's single default thread.
    requestThreads = Executors.newFixedThreadPool(16);
    http.setExecutor(requestThreads);
    http.createContext("/status", this::status);

    // Storage: the SQLite store owns its connections and must be closed; the blob directory needs
    // no closing. Blobs are made durable before the metadata row commits.
    FileArtifactBackend blobs;
    try {
      blobs = new FileArtifactBackend(dataDir.resolve("blobs"));
      store = JdbiArtifactStore.sqlite(dataDir.resolve("artifacts.db"));
    } catch (IOException | RuntimeException e) {
      http.stop(0); // release the bound port
      requestThreads.shutdown();
      throw e;
    }
    artifacts = ArtifactService.builder()
        .backend(blobs)
        .store(store)
        .maxArtifactBytes(64L * 1024 * 1024)
        .build();

    // The HTTP binding: our registry decides who is who, our running set which experiments are
    // served (a finished experiment answers 400 experiment-id-mismatch).
    ArtifactHandler endpoints = ArtifactHandler.builder()
        .service(artifacts)
        .authenticator(workers)
        .servedExperiments(runningExperiments::contains)
        .build();
    // Mounted at "/": workers use http://host:port as their base URL. The JDK routes to the longest
    // matching context, so /status stays ours.
    http.createContext("/", new JdkHttpServerHandler(endpoints));
  }

  /** Starts the orchestrator; port 0 picks a free one. Close it to stop. */
  public static EmbeddedOrchestratorExample start(Path dataDir, InetSocketAddress address)
      throws IOException {
    EmbeddedOrchestratorExample app = new EmbeddedOrchestratorExample(dataDir, address);
    app.http.start();
    return app;
  }

  /** The base URL workers are given, for example {@code http://127.0.0.1:8080}. */
  public URI baseUri() {
    InetSocketAddress bound = http.getAddress();
    return URI.create("http://" + bound.getHostString() + ":" + bound.getPort());
  }

  /** The orchestrator's own bookkeeping: from now on workers may deposit into the experiment. */
  public ExperimentId startExperiment() {
    ExperimentId experiment = ExperimentId.mint();
    runningExperiments.add(experiment);
    return experiment;
  }

  /** Stops serving the experiment over HTTP; its artifacts stay readable in-process. */
  public void finishExperiment(ExperimentId experiment) {
    runningExperiments.remove(experiment);
  }

  /** The worker registry, to register workers and hand them their bearer. */
  public WorkerRegistry workers() {
    return workers;
  }

  /**
   * Reads an artifact in-process with admin rights and copies its bytes to {@code out} (streamed,
   * never held in memory). This is how the orchestrator itself uses what workers deposited.
   *
   * @throws dev.eden.artifacts.ArtifactNotFoundException if the URI is unknown in this experiment
   */
  public ArtifactMetadata readAsAdmin(ExperimentId experiment, String uri, OutputStream out)
      throws IOException {
    try (FetchedArtifact artifact = artifacts.open(experiment, Principal.admin(), uri)) {
      artifact.content().transferTo(out);
      return artifact.metadata();
    }
  }

  @Override
  public void close() {
    // Lets in-flight exchanges finish for up to a second (the JDK 17 server waits the full delay).
    http.stop(1);
    requestThreads.shutdown();
    store.close();
  }

  private void status(HttpExchange exchange) throws IOException {
    byte[] body = ("running experiments: " + runningExperiments.size() + "\n")
        .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  public static void main(String[] args) throws IOException {
    Path dataDir = Path.of(args.length > 0 ? args[0] : "orchestrator-data");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
    try (EmbeddedOrchestratorExample app =
        start(dataDir, new InetSocketAddress("127.0.0.1", port))) {
      ExperimentId experiment = app.startExperiment();
      String bearer = app.workers().register();
      System.out.println("orchestrator listening on " + app.baseUri());
      System.out.println("run a worker against it, in another terminal:");
      System.out.println("  java -cp ... dev.eden.artifacts.examples.WorkerExample "
          + app.baseUri() + " " + experiment + " " + bearer);
      System.out.println("then paste an artifact URI here to read it in-process (Ctrl-D stops):");

      Path readBack = Files.createDirectories(dataDir.resolve("read-back"));
      BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = stdin.readLine()) != null; ) {
        String uri = line.trim();
        if (uri.isEmpty()) {
          continue;
        }
        Path partial = Files.createTempFile(readBack, "reading-", ".part");
        try {
          ArtifactMetadata read;
          try (OutputStream out = Files.newOutputStream(partial)) {
            read = app.readAsAdmin(experiment, uri, out);
          }
          Path copy = Files.move(partial, readBack.resolve(read.id().value()),
              StandardCopyOption.REPLACE_EXISTING);
          System.out.println(read.sizeBytes() + " bytes of " + read.contentType() + " by "
              + read.createdBy().name() + ", sha256 " + read.sha256() + " -> " + copy);
        } catch (ArtifactException e) {
          System.out.println("cannot read " + uri + ": " + e.getMessage());
        } finally {
          Files.deleteIfExists(partial);
        }
      }
    }
  }
}
