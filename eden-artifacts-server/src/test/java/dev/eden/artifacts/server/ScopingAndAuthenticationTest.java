package dev.eden.artifacts.server;

import static dev.eden.artifacts.server.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eden.artifacts.ExperimentId;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class ScopingAndAuthenticationTest extends ServerTest {
  static final String MISMATCH = "eden://error/experiment-id-mismatch";
  static final String UNAUTHORIZED = "eden://error/unauthorized";

  private Response call(String method, String url, String experimentHeader, String authorization)
      throws Exception {
    Request.Builder b = new Request.Builder().url(url);
    if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
      b.method(method, ServerFixture.onePart("a", "text/plain", new byte[] {1}));
    } else {
      b.method(method, null);
    }
    if (experimentHeader != null) {
      b.header(ArtifactHandler.EXPERIMENT_HEADER, experimentHeader);
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return fixture.http.newCall(b.build()).execute();
  }

  @Test
  void missingExperimentHeaderIsMismatchForBothOperations() throws Exception {
    for (String method : new String[] {"GET", "POST"}) {
      try (Response r = call(method, fixture.fetchUrl("eden://artifacts/" + "0".repeat(32)), null,
          ServerFixture.workerA())) {
        assertProblem(r, 400, MISMATCH);
      }
    }
  }

  @Test
  void experimentHeaderDifferentFromPathIsMismatch() throws Exception {
    try (Response r = call("POST", fixture.artifactsUrl(), fixture.otherServedExperiment.value(),
        ServerFixture.workerA())) {
      assertProblem(r, 400, MISMATCH);
    }
    assertThat(fixture.blobFiles()).isEmpty();
  }

  @Test
  void experimentNotServedIsMismatch() throws Exception {
    ExperimentId foreign = ExperimentId.mint();
    try (Response r = call("POST", fixture.artifactsUrl(foreign), foreign.value(), ServerFixture.workerA())) {
      assertProblem(r, 400, MISMATCH);
    }
    try (Response r = call("GET", fixture.artifactsUrl(foreign) + "?uri=x", foreign.value(), ServerFixture.workerA())) {
      assertProblem(r, 400, MISMATCH);
    }
  }

  @Test
  void malformedExperimentInPathIsMismatch() throws Exception {
    String url = fixture.baseUri() + "/v0/experiments/exp_NOPE/artifacts";
    try (Response r = call("GET", url + "?uri=x", "exp_NOPE", ServerFixture.workerA())) {
      assertProblem(r, 400, MISMATCH);
    }
  }

  @Test
  void missingMalformedOrWrongBearerIsUnauthorized() throws Exception {
    String[] bad = {
        null,
        "",
        "Basic YWRtaW46eA==",
        "Bearer",
        "Bearer ",
        "Bearer admin",
        "Bearer admin:",
        "Bearer :s3cr3t-value",
        "Bearer admin:wrong",
        "Bearer nobody:s3cr3t-value",
        "Bearer wkr_NOTVALID:s3cr3t-value",
        ServerFixture.bearer(ServerFixture.WORKER_A, ServerFixture.SECRET_B),
        ServerFixture.bearer(ServerFixture.WORKER_A, ServerFixture.SECRET_A + "x"),
        ServerFixture.bearer(dev.eden.artifacts.Principal.mintWorkerId(), ServerFixture.SECRET_A),
        "Bearer " + ServerFixture.ADMIN_TOKEN,
    };
    for (String authorization : bad) {
      for (String method : new String[] {"GET", "POST"}) {
        try (Response r = call(method, fixture.fetchUrl("eden://artifacts/" + "0".repeat(32)),
            fixture.experiment.value(), authorization)) {
          JsonNode problem = assertProblem(r, 401, UNAUTHORIZED);
          assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
          if (authorization != null && authorization.contains(":")) {
            String secret = authorization.substring(authorization.indexOf(':') + 1);
            if (!secret.isEmpty()) {
              assertThat(problem.toString()).doesNotContain(secret);
            }
          }
        }
      }
    }
    assertThat(fixture.blobFiles()).isEmpty();
  }

  @Test
  void secretMaySplitOnlyAtTheFirstColon() throws Exception {
    // the admin token is "admin-token-for-tests"; "admin:admin:..." presents the secret "admin:..."
    try (Response r = call("GET", fixture.fetchUrl("eden://artifacts/" + "0".repeat(32)),
        fixture.experiment.value(), "Bearer admin:admin:" + ServerFixture.ADMIN_TOKEN)) {
      assertProblem(r, 401, UNAUTHORIZED);
    }
  }

  @Test
  void bearerSchemeIsCaseInsensitive() throws Exception {
    try (Response r = call("GET", fixture.fetchUrl("eden://artifacts/" + "0".repeat(32)),
        fixture.experiment.value(), "bearer admin:" + ServerFixture.ADMIN_TOKEN)) {
      assertProblem(r, 404, "eden://error/not-found");
    }
  }

  @Test
  void otherMethodsAreNotAllowedWithAllowHeader() throws Exception {
    for (String method : new String[] {"PUT", "DELETE", "PATCH", "OPTIONS"}) {
      try (Response r = call(method, fixture.artifactsUrl(), fixture.experiment.value(), ServerFixture.workerA())) {
        assertThat(r.code()).as(method).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, HEAD, POST");
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json; charset=utf-8");
        JsonNode body = ServerFixture.JSON.readTree(r.body().string());
        assertThat(body.get("status").asInt()).isEqualTo(405);
        assertThat(body.get("type").asText()).isEqualTo("about:blank");
        assertThat(body.get("instance").asText()).isEqualTo(r.request().url().toString());
      }
    }
  }

  @Test
  void unknownPathsAreNotFoundProblems() throws Exception {
    for (String path : new String[] {"/", "/v0", "/v0/", "/v0/experiments", "/v1/experiments/"
        + fixture.experiment + "/artifacts", "/v0/experiments/" + fixture.experiment + "/artifacts/x",
        "/v0/experiments/" + fixture.experiment + "/artifacts/",
        "/v0/experiments/" + fixture.experiment + "/ideas"}) {
      try (Response r = call("GET", fixture.baseUri() + path, fixture.experiment.value(), ServerFixture.workerA())) {
        assertProblem(r, 404, "eden://error/not-found");
      }
    }
  }

  @Test
  void livenessAnswersWithoutCredentials() throws Exception {
    try (Response r = call("GET", fixture.baseUri() + "/healthz", null, null)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("{\"status\":\"ok\"}");
    }
  }

  @Test
  void oversizedRequestHeadersAreRejectedAsProblemJson() throws Exception {
    try (Response r = fixture.http.newCall(new Request.Builder().url(fixture.artifactsUrl())
        .header("X-Padding", "p".repeat(64 * 1024)).build()).execute()) {
      assertThat(r.code()).isEqualTo(431);
      assertThat(r.header("Content-Type")).isEqualTo("application/problem+json; charset=utf-8");
      assertThat(r.body().string()).contains("\"status\":431");
    }
  }

  @Test
  void depositAfterRejectedRequestOnSameClientStillWorks() throws Exception {
    try (Response r = call("POST", fixture.artifactsUrl(), fixture.experiment.value(), "Bearer admin:nope")) {
      assertProblem(r, 401, UNAUTHORIZED);
    }
    try (Response r = fixture.http.newCall(fixture.depositRequest(ServerFixture.workerA(),
        RequestBody.create("x", MediaType.get("text/plain"))).build()).execute()) {
      assertProblem(r, 400, "eden://error/bad-request");
    }
    assertThat(fixture.deposit(ServerFixture.workerA(), "a", "text/plain", new byte[] {1})
        .get("size_bytes").asInt()).isEqualTo(1);
  }
}
