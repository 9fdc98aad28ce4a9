package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import okhttp3.Response;

/** Assertions on problem+json answers. */
public final class Problems {
  private Problems() {}

  /** Asserts {@code response} is a problem of {@code type} with {@code status}; returns its body. */
  public static JsonNode assertProblem(Response response, int status, String type) throws IOException {
    String text = response.body().string();
    assertThat(response.code()).as("status of %s", text).isEqualTo(status);
    assertThat(response.header("Content-Type")).isEqualTo("application/problem+json; charset=utf-8");
    JsonNode body = ServerFixture.JSON.readTree(text);
    assertThat(body.get("type").asText()).isEqualTo(type);
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("title").asText()).isNotBlank();
    assertThat(body.get("detail").asText()).isNotBlank();
    assertThat(body.get("instance").asText()).isEqualTo(response.request().url().toString());
    assertThat(text).doesNotContain("Exception").doesNotContain("\tat ");
    return body;
  }
}
