package dev.eden.artifacts.client;

import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.IOException;
import java.nio.file.Path;

/** This project's real server (Jetty, file backend) on an ephemeral port, with known bearers. */
final class LocalServer implements AutoCloseable {
  static final String ADMIN_TOKEN = "admin-token-for-client-tests";
  static final String WORKER_A = Principal.mintWorkerId();
  static final String WORKER_B = Principal.mintWorkerId();
  static final String ADMIN_CLASS_WORKER = Principal.mintWorkerId();

  final ExperimentId experiment = ExperimentId.mint();
  final ExperimentId otherServedExperiment = ExperimentId.mint();
  final JettyArtifactServer server;

  LocalServer(Path blobDir, long maxArtifactBytes) throws IOException {
    ArtifactService service = ArtifactService.builder()
        .backend(new FileArtifactBackend(blobDir))
        .store(new InMemoryArtifactStore())
        .maxArtifactBytes(maxArtifactBytes)
        .build();
    this.server = JettyArtifactServer.builder()
        .service(service)
        .authenticator(InMemoryAuthenticator.builder()
            .adminToken(ADMIN_TOKEN)
            .worker(WORKER_A, "secret-a")
            .worker(WORKER_B, "secret-b")
            .adminClassWorker(ADMIN_CLASS_WORKER, "secret-admin-class")
            .build())
        .servedExperiments(experiment, otherServedExperiment)
        .host("127.0.0.1")
        .port(0)
        .build()
        .start();
  }

  static String bearerA() {
    return WORKER_A + ":secret-a";
  }

  static String bearerB() {
    return WORKER_B + ":secret-b";
  }

  static String bearerAdminClass() {
    return ADMIN_CLASS_WORKER + ":secret-admin-class";
  }

  static String bearerAdmin() {
    return "admin:" + ADMIN_TOKEN;
  }

  String baseUrl() {
    return server.baseUri().toString();
  }

  StoreClient client(String bearer) {
    return client(bearer, experiment);
  }

  StoreClient client(String bearer, ExperimentId experimentId) {
    return StoreClient.builder().baseUrl(baseUrl()).experimentId(experimentId).bearer(bearer)
        .build();
  }

  @Override
  public void close() {
    server.close();
  }
}
