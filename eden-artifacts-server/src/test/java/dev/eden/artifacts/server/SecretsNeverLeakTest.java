package dev.eden.artifacts.server;

import static dev.eden.artifacts.server.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.spi.ArtifactStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Internal failures answer 500 problem+json without internals, and no bearer ever reaches a log
 * line or a problem detail (the log output is captured while requests fail in every way).
 */
class SecretsNeverLeakTest {
  static final String WORKER = dev.eden.artifacts.Principal.mintWorkerId();
  static final String WORKER_SECRET = "wOrKeR-SeCrEt-7f3a";
  static final String ADMIN_SECRET = "aDmIn-SeCrEt-91bc";
  static final String WRONG_SECRET = "wRoNg-SeCrEt-c0de";
  static final String STORE_INTERNALS = "jdbc:postgresql://db/eden?password=db-pa55word";

  final ExperimentId experiment = ExperimentId.mint();
  final OkHttpClient http = WireBodies.checkedClient();
  JettyArtifactServer server;
  PrintStream originalErr;
  PrintStream originalOut;
  final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  /** A metadata store whose database is down. */
  static final class BrokenStore implements ArtifactStore {
    @Override
    public void create(ArtifactMetadata metadata) throws IOException {
      throw new IOException("connection refused: " + STORE_INTERNALS);
    }

    @Override
    public Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id) {
      throw new IllegalStateException("pool exhausted at " + STORE_INTERNALS);
    }

    @Override
    public boolean contains(ArtifactId id) {
      return false;
    }

    @Override
    public List<ArtifactId> idsCreatedBefore(ExperimentId experimentId, Instant cutoff, int limit) {
      return List.of();
    }

    @Override
    public boolean delete(ArtifactId id) {
      return false;
    }
  }

  @BeforeEach
  void start() {
    originalErr = System.err;
    originalOut = System.out;
    PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setErr(tee);
    System.setOut(tee);
    server = JettyArtifactServer.builder()
        .service(ArtifactService.builder().backend(new InMemoryArtifactBackend()).store(new BrokenStore()).build())
        .authenticator(InMemoryAuthenticator.builder().adminToken(ADMIN_SECRET).worker(WORKER, WORKER_SECRET).build())
        .servedExperiments(experiment)
        .port(0)
        .build()
        .start();
  }

  @AfterEach
  void stop() {
    http.connectionPool().evictAll();
    server.close();
    System.setErr(originalErr);
    System.setOut(originalOut);
  }

  private Request.Builder request(String query, String authorization) {
    return new Request.Builder()
        .url(server.baseUri() + "/v0/experiments/" + experiment + "/artifacts" + query)
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", authorization);
  }

  @Test
  void internalFailuresAre500WithoutInternalsAndBearersAreNeverLogged() throws Exception {
    String workerBearer = "Bearer " + WORKER + ":" + WORKER_SECRET;
    // deposit: the store fails after the bytes were written
    try (Response r = http.newCall(request("", workerBearer)
        .post(ServerFixture.onePart("a", "text/plain", new byte[] {1})).build()).execute()) {
      JsonNode problem = assertProblem(r, 500, "eden://error/internal");
      assertThat(problem.get("detail").asText()).contains("incident").doesNotContain("password")
          .doesNotContain("jdbc");
    }
    // fetch: the store throws a runtime exception
    String uri = URLEncoder.encode("eden://artifacts/" + "a".repeat(32), StandardCharsets.UTF_8);
    try (Response r = http.newCall(request("?uri=" + uri, "Bearer admin:" + ADMIN_SECRET).build()).execute()) {
      JsonNode problem = assertProblem(r, 500, "eden://error/internal");
      assertThat(problem.toString()).doesNotContain("pool exhausted").doesNotContain("password");
    }
    // wrong credentials and bad bodies
    for (String authorization : new String[] {"Bearer admin:" + WRONG_SECRET,
        "Bearer " + WORKER + ":" + WRONG_SECRET, "Bearer " + WRONG_SECRET, "Basic " + WRONG_SECRET}) {
      try (Response r = http.newCall(request("?uri=" + uri, authorization).build()).execute()) {
        assertThat(r.code()).isEqualTo(401);
        assertThat(r.body().string()).doesNotContain(WRONG_SECRET);
      }
    }
    try (Response r = http.newCall(request("", workerBearer)
        .post(okhttp3.RequestBody.create("--x\r\nbroken", okhttp3.MediaType.get("multipart/form-data; boundary=x")))
        .build()).execute()) {
      assertThat(r.code()).isEqualTo(400);
    }
    System.err.flush();
    String logs = captured.toString(StandardCharsets.UTF_8);
    // the failures were logged (so the capture works) ...
    assertThat(logs).contains("internal error (incident").contains(STORE_INTERNALS);
    // ... but never a secret
    assertThat(logs).doesNotContain(WORKER_SECRET).doesNotContain(ADMIN_SECRET).doesNotContain(WRONG_SECRET)
        .doesNotContain("Authorization");
  }

  @Test
  void bearerCredentialNeverPrintsItsSecret() {
    BearerCredential credential = BearerCredential.parseAuthorization("Bearer " + WORKER + ":" + WORKER_SECRET).orElseThrow();
    assertThat(credential.toString()).contains(WORKER).doesNotContain(WORKER_SECRET);
    assertThat(credential.secret()).isEqualTo(WORKER_SECRET);
    assertThat(BearerCredential.parseAuthorization("Bearer " + WORKER + ":a:b").orElseThrow().secret()).isEqualTo("a:b");
  }
}
