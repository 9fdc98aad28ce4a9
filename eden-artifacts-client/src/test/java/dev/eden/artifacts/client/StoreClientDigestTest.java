package dev.eden.artifacts.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The optional {@code X-Eden-Artifact-Sha256} check, against a MockWebServer. */
class StoreClientDigestTest extends MockServerSupport {
  private static final String BODY = "the artifact's bytes";
  private static final String RIGHT = sha256(BODY);
  private static final String WRONG = sha256("other bytes");
  private static final String MISMATCH_MESSAGE = "artifact digest mismatch: server announced sha256 "
      + WRONG + " but the bytes received hash to " + RIGHT;

  @TempDir
  Path temp;

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static MockResponse withDigest(String digest) {
    return artifact(BODY, "text/plain").newBuilder()
        .setHeader("X-Eden-Artifact-Sha256", digest)
        .build();
  }

  private static void assertMismatch(Throwable thrown) {
    assertThat(thrown).isInstanceOf(ArtifactDigestMismatchException.class)
        .hasMessage(MISMATCH_MESSAGE)
        .hasMessageNotContaining(SECRET);
    ArtifactDigestMismatchException mismatch = (ArtifactDigestMismatchException) thrown;
    assertThat(mismatch.expectedSha256()).isEqualTo(WRONG);
    assertThat(mismatch.actualSha256()).isEqualTo(RIGHT);
  }

  @Test
  void streamWithTheRightDigestReadsToTheEndAndExposesIt() throws Exception {
    server.enqueue(withDigest(RIGHT));
    try (StoreClient client = clientBuilder().build();
        ArtifactInputStream in = client.openArtifact(ARTIFACT_URI)) {
      assertThat(in.sha256()).contains(RIGHT);
      assertThat(in.readAllBytes()).isEqualTo(BODY.getBytes(UTF_8));
      assertThat(in.read()).as("the end stays the end").isEqualTo(-1);
    }
  }

  @Test
  void streamWithAWrongDigestThrowsAtTheEndNotBefore() throws Exception {
    server.enqueue(withDigest(WRONG));
    try (StoreClient client = clientBuilder().build();
        ArtifactInputStream in = client.openArtifact(ARTIFACT_URI)) {
      byte[] buffer = new byte[BODY.length()];
      int read = 0;
      for (int n; read < buffer.length && (n = in.read(buffer, read, buffer.length - read)) > 0; ) {
        read += n;
      }
      assertThat(new String(buffer, 0, read, UTF_8)).isEqualTo(BODY);
      assertMismatch(catchThrowable(in::read));
      assertMismatch(catchThrowable(in::read));
    }
    assertThat(server.getRequestCount()).as("a stream already read is not retried").isEqualTo(1);
  }

  @Test
  void chunkedStreamWithAWrongDigestThrowsAtTheEnd() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/plain")
        .setHeader("X-Eden-Artifact-Sha256", WRONG).chunkedBody(BODY, 4).build());
    try (StoreClient client = clientBuilder().build();
        ArtifactInputStream in = client.openArtifact(ARTIFACT_URI)) {
      assertThat(in.contentLength()).isEqualTo(-1);
      assertMismatch(catchThrowable(in::readAllBytes));
    }
  }

  @Test
  void fetchBytesWithTheRightDigestSucceeds() throws Exception {
    server.enqueue(withDigest(RIGHT));
    try (StoreClient client = clientBuilder().build()) {
      assertThat(client.fetchArtifactBytes(ARTIFACT_URI, 100)).isEqualTo(BODY.getBytes(UTF_8));
    }
  }

  @Test
  void fetchBytesWithAWrongDigestIsRetriedOnceThenFails() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.enqueue(withDigest(WRONG));
    }
    try (StoreClient client = clientBuilder().fetchRetryPolicy(fastRetries(4)).build()) {
      assertMismatch(catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 100)));
    }
    assertThat(server.getRequestCount()).as("one retry, although the policy allows three")
        .isEqualTo(2);
  }

  @Test
  void fetchBytesRecoversWhenTheRetryArrivesIntact() throws Exception {
    server.enqueue(withDigest(WRONG).newBuilder().body("corrupted on the way").build());
    server.enqueue(withDigest(RIGHT));
    try (StoreClient client = clientBuilder().build()) {
      assertThat(client.fetchArtifactBytes(ARTIFACT_URI, 100)).isEqualTo(BODY.getBytes(UTF_8));
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void mismatchIsNotRetriedWhenThePolicyAllowsOneAttempt() throws Exception {
    server.enqueue(withDigest(WRONG));
    try (StoreClient client = clientBuilder().fetchRetryPolicy(RetryPolicy.none()).build()) {
      assertMismatch(catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 100)));
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void fetchToPathWithTheRightDigestExposesIt() throws Exception {
    server.enqueue(withDigest(RIGHT));
    Path target = temp.resolve("copy.txt");
    try (StoreClient client = clientBuilder().build()) {
      FetchedFile fetched = client.fetchArtifact(ARTIFACT_URI, target);
      assertThat(fetched).isEqualTo(new FetchedFile(target.toAbsolutePath(), BODY.length(),
          "text/plain", Optional.of(RIGHT)));
    }
    assertThat(Files.readString(target)).isEqualTo(BODY);
  }

  @Test
  void fetchToPathWithAWrongDigestLeavesNoFileAndTheTargetUntouched() throws Exception {
    Path target = Files.writeString(temp.resolve("copy.txt"), "previous content");
    server.enqueue(withDigest(WRONG));
    server.enqueue(withDigest(WRONG));
    try (StoreClient client = clientBuilder().build()) {
      assertMismatch(catchThrowable(() -> client.fetchArtifact(ARTIFACT_URI, target)));
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(Files.readString(target)).isEqualTo("previous content");
    try (var listing = Files.list(temp)) {
      assertThat(listing).containsExactly(target);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "not-a-digest",
      // upper case, one digit short, one digit long, a non-hex letter
      "F43D1B8C7D7A3C9E3B2E0E1F4D5C6B7A8F9E0D1C2B3A4F5E6D7C8B9A0F1E2D3C",
      "f43d1b8c7d7a3c9e3b2e0e1f4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3",
      "f43d1b8c7d7a3c9e3b2e0e1f4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c0",
      "g43d1b8c7d7a3c9e3b2e0e1f4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c",
      "sha256:f43d1b8c7d7a3c9e3b2e0e1f4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a"})
  void malformedDigestHeaderIsIgnored(String malformed) throws Exception {
    server.enqueue(withDigest(malformed));
    server.enqueue(withDigest(malformed));
    Path target = temp.resolve("copy.txt");
    try (StoreClient client = clientBuilder().build()) {
      assertThat(client.fetchArtifactBytes(ARTIFACT_URI, 100)).isEqualTo(BODY.getBytes(UTF_8));
      assertThat(client.fetchArtifact(ARTIFACT_URI, target).sha256()).isEmpty();
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void uppercaseFormOfTheRightDigestIsIgnoredToo() throws Exception {
    server.enqueue(withDigest(RIGHT.toUpperCase(java.util.Locale.ROOT)));
    try (StoreClient client = clientBuilder().build();
        ArtifactInputStream in = client.openArtifact(ARTIFACT_URI)) {
      assertThat(in.sha256()).isEmpty();
      assertThat(in.readAllBytes()).isEqualTo(BODY.getBytes(UTF_8));
    }
  }

  @Test
  void twoDigestHeadersAreAmbiguousAndIgnored() throws Exception {
    server.enqueue(withDigest(WRONG).newBuilder().addHeader("X-Eden-Artifact-Sha256", RIGHT).build());
    try (StoreClient client = clientBuilder().build();
        ArtifactInputStream in = client.openArtifact(ARTIFACT_URI)) {
      assertThat(in.sha256()).isEmpty();
      assertThat(in.readAllBytes()).isEqualTo(BODY.getBytes(UTF_8));
    }
  }

  @Test
  void withoutTheHeaderNothingIsCheckedOrExposed() throws Exception {
    server.enqueue(artifact(BODY, "text/plain"));
    server.enqueue(artifact(BODY, "text/plain"));
    server.enqueue(artifact(BODY, "text/plain"));
    Path target = temp.resolve("copy.txt");
    try (StoreClient client = clientBuilder().build()) {
      try (ArtifactInputStream in = client.openArtifact(ARTIFACT_URI)) {
        assertThat(in.sha256()).isEmpty();
        assertThat(in.readAllBytes()).isEqualTo(BODY.getBytes(UTF_8));
      }
      assertThat(client.fetchArtifactBytes(ARTIFACT_URI, 100)).isEqualTo(BODY.getBytes(UTF_8));
      assertThat(client.fetchArtifact(ARTIFACT_URI, target))
          .isEqualTo(new FetchedFile(target.toAbsolutePath(), BODY.length(), "text/plain"));
    }
    assertThat(server.getRequestCount()).isEqualTo(3);
  }
}
