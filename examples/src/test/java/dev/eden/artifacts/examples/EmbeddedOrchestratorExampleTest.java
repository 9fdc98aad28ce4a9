package dev.eden.artifacts.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactNotFoundException;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.ExperimentIdMismatchException;
import dev.eden.artifacts.ForbiddenException;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.UnauthorizedException;
import dev.eden.artifacts.client.DepositReceipt;
import dev.eden.artifacts.client.StoreClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the embedded orchestrator on a free port; workers reach it over HTTP, it reads in-process. */
class EmbeddedOrchestratorExampleTest {
  @TempDir Path dir;
  EmbeddedOrchestratorExample app;

  @BeforeEach
  void start() throws IOException {
    app = EmbeddedOrchestratorExample.start(dir.resolve("data"), new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void workerDepositsOverHttpAndTheOrchestratorReadsInProcessAsAdmin() throws IOException {
    ExperimentId experiment = app.startExperiment();
    String bearer = app.workers().register();
    byte[] diff = new byte[300_000];
    new Random(11).nextBytes(diff);

    DepositReceipt receipt;
    try (StoreClient worker = client(experiment, bearer)) {
      receipt = worker.depositArtifact(diff, "variant.diff", "text/x-diff");
      assertThat(worker.fetchArtifactBytes(receipt.uri(), diff.length)).isEqualTo(diff);
    }

    ByteArrayOutputStream read = new ByteArrayOutputStream();
    ArtifactMetadata metadata = app.readAsAdmin(experiment, receipt.uri(), read);
    assertThat(read.toByteArray()).isEqualTo(diff);
    assertThat(metadata.createdBy().name()).isEqualTo(bearer.substring(0, bearer.indexOf(':')));
    assertThat(metadata.contentType()).isEqualTo("text/x-diff");
    assertThat(metadata.sizeBytes()).isEqualTo(diff.length);
  }

  @Test
  void theWorkerExampleRunsAgainstTheEmbeddedServer() throws IOException {
    ExperimentId experiment = app.startExperiment();
    WorkerExample.Deposited deposited;
    try (StoreClient worker = client(experiment, app.workers().register())) {
      deposited = WorkerExample.run(worker, Files.createDirectories(dir.resolve("worker")),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    app.readAsAdmin(experiment, deposited.log().uri(), read);
    assertThat(read.toByteArray()).isEqualTo(Files.readAllBytes(dir.resolve("worker/run.log")));
  }

  @Test
  void anotherWorkerIsForbiddenAndAnUnknownOrRevokedBearerIsUnauthorized() throws IOException {
    ExperimentId experiment = app.startExperiment();
    String depositor = app.workers().register();
    String other = app.workers().register();
    String uri;
    try (StoreClient worker = client(experiment, depositor)) {
      uri = worker.depositArtifact("plan".getBytes(StandardCharsets.UTF_8), "plan.txt", "text/plain").uri();
    }
    try (StoreClient worker = client(experiment, other)) {
      assertThatThrownBy(() -> worker.fetchArtifactBytes(uri, 1024)).isInstanceOf(ForbiddenException.class);
    }
    try (StoreClient stranger = client(experiment, Principal.mintWorkerId() + ":guess")) {
      assertThatThrownBy(() -> stranger.fetchArtifactBytes(uri, 1024)).isInstanceOf(UnauthorizedException.class);
    }
    app.workers().revoke(depositor.substring(0, depositor.indexOf(':')));
    try (StoreClient revoked = client(experiment, depositor)) {
      assertThatThrownBy(() -> revoked.fetchArtifactBytes(uri, 1024)).isInstanceOf(UnauthorizedException.class);
    }
  }

  @Test
  void aFinishedExperimentIsNoLongerServedButStaysReadableInProcess() throws IOException {
    ExperimentId experiment = app.startExperiment();
    String bearer = app.workers().register();
    String uri;
    try (StoreClient worker = client(experiment, bearer)) {
      uri = worker.depositArtifact(new byte[] {1, 2, 3}, "a.bin", "application/octet-stream").uri();
      app.finishExperiment(experiment);
      assertThatThrownBy(() -> worker.depositArtifact(new byte[] {4}, "b.bin", "application/octet-stream"))
          .isInstanceOf(ExperimentIdMismatchException.class);
    }
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    app.readAsAdmin(experiment, uri, read);
    assertThat(read.toByteArray()).containsExactly(1, 2, 3);
    assertThatThrownBy(() -> app.readAsAdmin(ExperimentId.mint(), uri, new ByteArrayOutputStream()))
        .isInstanceOf(ArtifactNotFoundException.class);
  }

  @Test
  void artifactsSurviveARestartOnTheSameDataDirectory() throws IOException {
    ExperimentId experiment = app.startExperiment();
    String uri;
    try (StoreClient worker = client(experiment, app.workers().register())) {
      uri = worker.depositArtifact("kept".getBytes(StandardCharsets.UTF_8), "k.txt", "text/plain").uri();
    }
    app.close();
    app = EmbeddedOrchestratorExample.start(dir.resolve("data"), new InetSocketAddress("127.0.0.1", 0));
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    app.readAsAdmin(experiment, uri, read);
    assertThat(read.toString(StandardCharsets.UTF_8)).isEqualTo("kept");
  }

  @Test
  void theApplicationsOwnEndpointStillAnswersBesideTheArtifactEndpoints() throws Exception {
    app.startExperiment();
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> status = http.send(
        HttpRequest.newBuilder(URI.create(app.baseUri() + "/status")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.body()).isEqualTo("running experiments: 1\n");
    HttpResponse<String> health = http.send(
        HttpRequest.newBuilder(URI.create(app.baseUri() + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }

  private StoreClient client(ExperimentId experiment, String bearer) {
    return StoreClient.builder()
        .baseUrl(app.baseUri().toString())
        .experimentId(experiment)
        .bearer(bearer)
        .build();
  }
}
