package dev.eden.artifacts.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;

/** Which {@code 206} answers a slice read accepts, checked against a MockWebServer. */
class StoreClientSliceAnswersTest extends MockServerSupport {
  private static MockResponse partial(String body, String contentRange) {
    return new MockResponse.Builder().code(206)
        .setHeader("Content-Type", "text/plain")
        .setHeader("Content-Range", contentRange)
        .body(body)
        .build();
  }

  @Test
  void partialAnswerEndingBeforeTheBytesAskedForAndBeforeTheEndIsUnexpected() throws Exception {
    server.enqueue(partial("0123456789", "bytes 0-9/100"));
    try (StoreClient client = clientBuilder().fetchRetryPolicy(RetryPolicy.none()).build()) {
      Throwable thrown = catchThrowable(() -> client.openArtifact(ARTIFACT_URI, 0, 50));
      assertThat(thrown).isExactlyInstanceOf(UnexpectedResponseException.class)
          .hasMessageContaining("206 Partial Content ends at byte 9, before byte 49 asked for "
              + "and before the end of the 100 bytes it announces");
    }
    assertThat(server.takeRequest().getHeaders().get("Range")).isEqualTo("bytes=0-49");
  }

  @Test
  void partialAnswerToTheEndStoppingShortOfItIsUnexpected() {
    server.enqueue(partial("0123456789", "bytes 10-19/100"));
    try (StoreClient client = clientBuilder().fetchRetryPolicy(RetryPolicy.none()).build()) {
      assertThat(catchThrowable(() -> client.openArtifact(ARTIFACT_URI, 10)))
          .isExactlyInstanceOf(UnexpectedResponseException.class)
          .hasMessageContaining("before the end asked for");
    }
  }

  @Test
  void partialAnswerCutAtTheEndOfTheArtifactIsTheSlice() throws Exception {
    server.enqueue(partial("0123456789", "bytes 10-19/20"));
    server.enqueue(partial("0123456789", "bytes 10-19/*"));
    try (StoreClient client = clientBuilder().build()) {
      try (ArtifactInputStream in = client.openArtifact(ARTIFACT_URI, 10, 50)) {
        assertThat(in.contentLength()).isEqualTo(10);
        assertThat(in.artifactSize()).isEqualTo(20);
        assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("0123456789");
      }
      try (ArtifactInputStream in = client.openArtifact(ARTIFACT_URI, 10, 50)) {
        assertThat(in.artifactSize()).as("unknown: taken at its word").isEqualTo(-1);
        assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("0123456789");
      }
    }
  }

  @Test
  void offsetAtTheEndFromAServerWithoutRangesKeepsTheArtifactsType() throws Exception {
    server.enqueue(artifact("0123456789", "text/plain"));
    try (StoreClient client = clientBuilder().build();
        ArtifactInputStream in = client.openArtifact(ARTIFACT_URI, 10)) {
      assertThat(in.contentType()).isEqualTo("text/plain");
      assertThat(in.read()).isEqualTo(-1);
    }
  }
}
