package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class DepositFetchRoundTripTest extends ServerTest {
  @Test
  void depositedBytesFetchBackExactly() throws Exception {
    byte[] bytes = "hello, artifacts".getBytes(StandardCharsets.UTF_8);
    JsonNode created = fixture.deposit(ServerFixture.workerA(), "plan.txt", "text/plain", bytes);
    assertThat(created.get("artifacts_uri").asText()).matches("eden://artifacts/[0-9a-f]{32}");
    assertThat(created.get("size_bytes").asLong()).isEqualTo(bytes.length);
    assertThat(created.get("content_type").asText()).isEqualTo("text/plain");
    assertThat(created.size()).isEqualTo(3);

    try (Response response = fixture.fetch(ServerFixture.workerA(), created.get("artifacts_uri").asText())) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.header("Content-Type")).isEqualTo("text/plain");
      assertThat(response.header("Content-Length")).isEqualTo(String.valueOf(bytes.length));
      assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(response.header("Content-Disposition"))
          .isEqualTo("attachment; filename=\"plan.txt\"; filename*=UTF-8''plan.txt");
      assertThat(response.body().bytes()).isEqualTo(bytes);
    }
  }
}
