package dev.eden.artifacts.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.UnauthorizedException;
import dev.eden.artifacts.client.DepositReceipt;
import dev.eden.artifacts.client.StoreClient;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the servlet embedding example on a free port and talks to it through its context path. */
class ServletEmbeddingExampleTest {
  final String workerId = Principal.mintWorkerId();
  final ExperimentId experiment = ExperimentId.mint();
  @TempDir Path dir;
  ServletEmbeddingExample app;

  @BeforeEach
  void start() throws Exception {
    app = ServletEmbeddingExample.start(dir.resolve("data"), 0, experiment,
        InMemoryAuthenticator.builder().worker(workerId, "s3cret").build());
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  @Test
  void depositAndFetchGoThroughTheServletUnderItsContextPath() throws Exception {
    assertThat(app.baseUri().getPath()).isEqualTo("/orchestrator");
    byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8);
    try (StoreClient worker = client(workerId + ":s3cret")) {
      DepositReceipt receipt = worker.depositArtifact(svg, "chart.svg", "image/svg+xml");
      assertThat(receipt.uri()).matches("eden://artifacts/[0-9a-f]{32}");
      assertThat(receipt.contentType()).isEqualTo("image/svg+xml");
      assertThat(worker.fetchArtifactBytes(receipt.uri(), 4096)).isEqualTo(svg);
    }
    // Outside the context nothing is mounted.
    HttpResponse<String> outside = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + app.baseUri().getPort() + "/v0/experiments/" + experiment
                + "/artifacts?uri=x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(outside.statusCode()).isEqualTo(404);
  }

  @Test
  void theWorkerExampleRunsAgainstTheServlet() throws Exception {
    try (StoreClient worker = client(workerId + ":s3cret")) {
      WorkerExample.Deposited deposited = WorkerExample.run(worker,
          Files.createDirectories(dir.resolve("worker")),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertThat(deposited.bundle().contentType()).isEqualTo("application/gzip");
    }
  }

  @Test
  void aWrongSecretIsUnauthorized() {
    try (StoreClient worker = client(workerId + ":wrong")) {
      assertThatThrownBy(() -> worker.depositArtifact(new byte[] {1}, "a.bin", "application/octet-stream"))
          .isInstanceOf(UnauthorizedException.class);
    }
  }

  private StoreClient client(String bearer) {
    return StoreClient.builder()
        .baseUrl(app.baseUri().toString())
        .experimentId(experiment)
        .bearer(bearer)
        .build();
  }
}
