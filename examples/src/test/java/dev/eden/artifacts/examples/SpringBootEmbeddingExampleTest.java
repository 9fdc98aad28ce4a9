package dev.eden.artifacts.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.client.DepositReceipt;
import dev.eden.artifacts.client.StoreClient;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
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
import org.springframework.context.ConfigurableApplicationContext;

/** Runs the Spring Boot example on a free port: the endpoints under /eden, its controller beside them. */
class SpringBootEmbeddingExampleTest {
  final String workerId = Principal.mintWorkerId();
  final ExperimentId experiment = ExperimentId.mint();
  final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;
  ConfigurableApplicationContext app;
  URI base;

  @BeforeEach
  void start() {
    app = SpringBootEmbeddingExample.start(dir.resolve("data"), 0, experiment,
        InMemoryAuthenticator.builder().worker(workerId, "s3cret").build());
    base = SpringBootEmbeddingExample.baseUri(app);
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void depositAndFetchGoThroughTheServletUnderEden() throws Exception {
    assertThat(base.getPath()).isEqualTo("/eden");
    try (StoreClient worker = client()) {
      byte[] csv = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
      DepositReceipt receipt = worker.depositArtifact(csv, "table.csv", "text/csv; charset=utf-8; header=present");
      assertThat(receipt.contentType()).isEqualTo("text/csv; charset=utf-8; header=present");
      assertThat(worker.fetchArtifactBytes(receipt.uri(), 4096)).isEqualTo(csv);
      // Tomcat would send text/csv;header=present;charset=utf-8 if asked through the Servlet API.
      HttpResponse<byte[]> fetched = http.send(HttpRequest.newBuilder(URI.create(base
              + "/v0/experiments/" + experiment + "/artifacts?uri="
              + URLEncoder.encode(receipt.uri(), StandardCharsets.UTF_8)))
          .header("X-Eden-Experiment-Id", experiment.value())
          .header("Authorization", "Bearer " + workerId + ":s3cret").build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(fetched.statusCode()).isEqualTo(200);
      assertThat(fetched.headers().firstValue("Content-Type"))
          .hasValue("text/csv; charset=utf-8; header=present");
    }
  }

  @Test
  void healthAnswersUnderTheMountAndTheApplicationKeepsItsOwnPaths() throws Exception {
    HttpResponse<String> health = get(base + "/healthz");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");

    String root = "http://127.0.0.1:" + base.getPort();
    HttpResponse<String> status = get(root + "/status");
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.body()).isEqualTo("orchestrator is running");

    // Outside /eden the artifact endpoints are not served: Spring's dispatcher answers 404.
    HttpResponse<String> outside = get(root + "/v0/experiments/" + experiment + "/artifacts?uri=x");
    assertThat(outside.statusCode()).isEqualTo(404);
    assertThat(outside.body()).doesNotContain("eden://error/");
  }

  @Test
  void theWorkerExampleRunsAgainstTheApplication() throws Exception {
    try (StoreClient worker = client()) {
      WorkerExample.Deposited deposited = WorkerExample.run(worker,
          Files.createDirectories(dir.resolve("worker")),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertThat(deposited.bundle().contentType()).isEqualTo("application/gzip");
    }
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private StoreClient client() {
    return StoreClient.builder()
        .baseUrl(base.toString())
        .experimentId(experiment)
        .bearer(workerId + ":s3cret")
        .build();
  }
}
