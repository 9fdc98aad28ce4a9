package dev.eden.artifacts.server;

import static dev.eden.artifacts.server.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The six "Artifact transfer" conformance scenarios of the wire contract. */
class ConformanceScenariosTest extends ServerTest {
  static final byte[] PLAN = "step 1: think\nstep 2: do\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void depositAnswersCreatedWithAnRfc3986UriAndWhatWasSent() {
    JsonNode created = fixture.deposit(ServerFixture.workerA(), "plan.md", "text/markdown", PLAN);
    assertThat(created.get("artifacts_uri").asText()).matches("^[a-zA-Z][a-zA-Z0-9+.-]*:\\S+$");
    assertThat(created.get("size_bytes").asLong()).isEqualTo(PLAN.length);
    assertThat(created.get("content_type").asText()).isEqualTo("text/markdown");
  }

  @Test
  void depositorFetchesExactBytesAsAttachmentWithNosniff() throws Exception {
    String uri = fixture.deposit(ServerFixture.workerA(), "plan.md", "text/markdown", PLAN)
        .get("artifacts_uri").asText();
    try (Response r = fixture.fetch(ServerFixture.workerA(), uri)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo("text/markdown");
      assertThat(r.header("Content-Disposition")).startsWith("attachment;");
      assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(r.body().bytes()).isEqualTo(PLAN);
    }
  }

  @Test
  void adminFetchesExactBytes() throws Exception {
    String uri = fixture.deposit(ServerFixture.workerA(), "plan.md", "text/markdown", PLAN)
        .get("artifacts_uri").asText();
    try (Response r = fixture.fetch(ServerFixture.admin(), uri)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().bytes()).isEqualTo(PLAN);
    }
  }

  @Test
  void differentWorkerIsForbidden() throws Exception {
    String uri = fixture.deposit(ServerFixture.workerA(), "plan.md", "text/markdown", PLAN)
        .get("artifacts_uri").asText();
    try (Response r = fixture.fetch(ServerFixture.workerB(), uri)) {
      assertProblem(r, 403, "eden://error/forbidden");
    }
  }

  @Test
  void fetchOfAllZeroIdIsNotFound() throws Exception {
    try (Response r = fixture.fetch(ServerFixture.workerA(), "eden://artifacts/" + "0".repeat(32))) {
      assertProblem(r, 404, "eden://error/not-found");
    }
  }

  @Test
  void twoDepositsOfTheSameBytesGetTwoUris() {
    String first = fixture.deposit(ServerFixture.workerA(), "plan.md", "text/markdown", PLAN)
        .get("artifacts_uri").asText();
    String second = fixture.deposit(ServerFixture.workerA(), "plan.md", "text/markdown", PLAN)
        .get("artifacts_uri").asText();
    assertThat(first).isNotEqualTo(second);
  }
}
