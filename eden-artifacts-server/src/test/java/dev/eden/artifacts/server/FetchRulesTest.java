package dev.eden.artifacts.server;

import static dev.eden.artifacts.server.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FetchRulesTest extends ServerTest {
  static final String NOT_FOUND = "eden://error/not-found";

  String uri;

  @BeforeEach
  void depositOneArtifact() {
    uri = fixture.deposit(ServerFixture.workerA(), "a.txt", "text/plain", new byte[] {42})
        .get("artifacts_uri").asText();
  }

  private Response get(String url, String experimentHeader) throws Exception {
    return fixture.http.newCall(new Request.Builder().url(url)
        .header(ArtifactHandler.EXPERIMENT_HEADER, experimentHeader)
        .header("Authorization", ServerFixture.workerA()).build()).execute();
  }

  @Test
  void missingUriIsBadRequest() throws Exception {
    try (Response r = get(fixture.artifactsUrl(), fixture.experiment.value())) {
      assertProblem(r, 400, "eden://error/bad-request");
    }
  }

  @Test
  void repeatedUriIsBadRequest() throws Exception {
    try (Response r = get(fixture.fetchUrl(uri) + "&uri=x", fixture.experiment.value())) {
      assertProblem(r, 400, "eden://error/bad-request");
    }
  }

  @Test
  void brokenPercentEncodingIsBadRequest() throws Exception {
    try (Response r = get(fixture.artifactsUrl() + "?uri=%zz", fixture.experiment.value())) {
      assertProblem(r, 400, "eden://error/bad-request");
    }
  }

  @Test
  void unrecognisedUrisAreNotFound() throws Exception {
    String id = uri.substring("eden://artifacts/".length());
    for (String bad : new String[] {
        "eden://artifacts/" + "0".repeat(32),
        "eden://artifacts/" + id.toUpperCase(),
        "eden://artifacts/" + id.substring(1),
        "eden://artifacts/" + id + "0",
        "eden://artifacts/../" + id,
        "eden://artifacts/" + id + "/..",
        "eden://artifacts/%2e%2e%2f" + id,
        "eden://artifacts/" + id + "?x=1",
        "s3://bucket/" + id,
        "file:///etc/passwd",
        "EDEN://ARTIFACTS/" + id,
        id,
        ""}) {
      try (Response r = fixture.fetch(ServerFixture.workerA(), bad)) {
        assertProblem(r, 404, NOT_FOUND);
      }
    }
  }

  @Test
  void artifactOfAnotherExperimentIsNotFoundHere() throws Exception {
    String otherUrl = fixture.artifactsUrl(fixture.otherServedExperiment) + "?uri="
        + java.net.URLEncoder.encode(uri, java.nio.charset.StandardCharsets.UTF_8);
    try (Response r = get(otherUrl, fixture.otherServedExperiment.value())) {
      assertProblem(r, 404, NOT_FOUND);
    }
  }

  @Test
  void adminClassWorkerFetchesAnotherWorkersArtifact() throws Exception {
    try (Response r = fixture.fetch(ServerFixture.adminClassWorker(), uri)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().bytes()).containsExactly(42);
    }
  }

  @Test
  void adminClassWorkerDepositIsAttributedToItselfNotAdmin() throws Exception {
    String own = fixture.deposit(ServerFixture.adminClassWorker(), "b", "text/plain", new byte[] {1})
        .get("artifacts_uri").asText();
    try (Response r = fixture.fetch(ServerFixture.adminClassWorker(), own)) {
      assertThat(r.header(ArtifactHandler.CREATED_BY_HEADER)).isEqualTo(ServerFixture.ADMIN_CLASS_WORKER);
    }
  }

  @Test
  void differentWorkerIsForbiddenButUnknownIsNotFound() throws Exception {
    try (Response r = fixture.fetch(ServerFixture.workerB(), uri)) {
      assertProblem(r, 403, "eden://error/forbidden");
    }
    try (Response r = fixture.fetch(ServerFixture.workerB(), "eden://artifacts/" + "1".repeat(32))) {
      assertProblem(r, 404, NOT_FOUND);
    }
  }

  @Test
  void fetchCarriesLengthAndIntegrityHeaders() throws Exception {
    try (Response r = fixture.fetch(ServerFixture.workerA(), uri)) {
      assertThat(r.header("Content-Length")).isEqualTo("1");
      assertThat(r.header(ArtifactHandler.SHA256_HEADER))
          .isEqualTo(java.util.HexFormat.of().formatHex(
              java.security.MessageDigest.getInstance("SHA-256").digest(new byte[] {42})));
      assertThat(r.header(ArtifactHandler.CREATED_AT_HEADER))
          .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    }
  }
}
