package dev.eden.artifacts.checks.readme;

// snippet: embed
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import java.nio.file.Path;

/** java EmbeddedServer DATA_DIR EXPERIMENT_ID PORT, credentials from the environment. */
public class EmbeddedServer {
  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    ExperimentId experimentId = ExperimentId.parse(args[1]);  // exp_ + 26 Crockford base32
    int port = Integer.parseInt(args[2]);                        // 0 = any free port

    try (JdbiArtifactStore store = JdbiArtifactStore.sqlite(dataDir.resolve("metadata.db"))) {
      ArtifactService service = ArtifactService.builder()
          .backend(new FileArtifactBackend(dataDir.resolve("blobs")))
          .store(store)
          .maxArtifactBytes(100L * 1024 * 1024)
          .build();
      try (JettyArtifactServer server = JettyArtifactServer.builder()
          .service(service)
          .authenticator(InMemoryAuthenticator.builder()
              .adminToken(System.getenv("EDEN_ADMIN_TOKEN"))
              .worker(System.getenv("EDEN_WORKER_ID"), System.getenv("EDEN_WORKER_SECRET"))
              .build())
          .servedExperiments(experimentId)      // or a Predicate<ExperimentId>
          .host("127.0.0.1").port(port)
          .stopAtShutdown(true)                 // Ctrl-C or SIGTERM stops it gracefully
          .build()
          .start()) {
        System.out.println("listening on " + server.baseUri());
        server.join();                          // until the JVM is asked to stop
      }
    }
  }
}
// end snippet
