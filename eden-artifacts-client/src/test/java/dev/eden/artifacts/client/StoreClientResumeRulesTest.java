package dev.eden.artifacts.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eden.artifacts.internal.DigestFields;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When {@code fetchArtifact(uri, Path)} resumes and when it starts over, what it sends
 * ({@code Range}, {@code If-Range}) and what it accepts, and the whole-file digest check across
 * resumes ({@code Repr-Digest}, else {@code X-Eden-Artifact-Sha256}), against a scripted
 * MockWebServer.
 */
class StoreClientResumeRulesTest extends MockServerSupport {
  private static final String BODY = "0123456789abcdefghij";
  private static final String OTHER = "ABCDEFGHIJKLMNOPQRST";
  private static final String RIGHT = StoreClientDigestTest.sha256(BODY);
  private static final String WRONG = StoreClientDigestTest.sha256("other bytes");

  @TempDir
  Path temp;

  /** A 200 for {@code body} whose connection ends after {@code sent} bytes. */
  private static MockResponse cut(String body, int sent, String etag, String digest) {
    MockResponse.Builder builder = cutShort(body.substring(0, sent), body.length()).newBuilder()
        .setHeader("Accept-Ranges", "bytes");
    if (etag != null) {
      builder.setHeader("ETag", etag);
    }
    if (digest != null) {
      builder.setHeader("Repr-Digest", DigestFields.sha256(digest));
    }
    return builder.build();
  }

  private static MockResponse whole(String body, String etag, String digest) {
    MockResponse.Builder builder = artifact(body, "text/plain").newBuilder()
        .setHeader("Accept-Ranges", "bytes")
        .setHeader("ETag", etag);
    if (digest != null) {
      builder.setHeader("Repr-Digest", DigestFields.sha256(digest));
    }
    return builder.build();
  }

  /** A 206 with the bytes from {@code first} to the end of {@code body}. */
  private static MockResponse rest(String body, int first, String etag, String digest) {
    return new MockResponse.Builder().code(206)
        .setHeader("Content-Type", "text/plain")
        .setHeader("ETag", etag)
        .setHeader("Repr-Digest", DigestFields.sha256(digest))
        .setHeader("Content-Range", "bytes " + first + "-" + (body.length() - 1) + "/"
            + body.length())
        .body(body.substring(first))
        .build();
  }

  /** A 206 from {@code first} to the end of {@code body} whose connection ends after {@code sent} bytes. */
  private static MockResponse restCut(String body, int first, int sent, String etag) {
    return new MockResponse.Builder().code(206)
        .setHeader("Content-Type", "text/plain")
        .setHeader("ETag", etag)
        .setHeader("Repr-Digest", DigestFields.sha256(RIGHT))
        .setHeader("Content-Range", "bytes " + first + "-" + (body.length() - 1) + "/" + body.length())
        .body(body.substring(first, first + sent))
        .setHeader("Content-Length", Integer.toString(body.length() - first))
        .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
        .build();
  }

  private FetchedFile fetch(Path target) throws Exception {
    try (StoreClient client = clientBuilder().build()) {
      return client.fetchArtifact(ARTIFACT_URI, target);
    }
  }

  private List<RecordedRequest> requests() throws InterruptedException {
    List<RecordedRequest> requests = new java.util.ArrayList<>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      requests.add(server.takeRequest());
    }
    return requests;
  }

  @Test
  void cutDownloadResumesWithRangeAndIfRangeAndAppendsTheRest() throws Exception {
    server.enqueue(cut(BODY, 8, "\"v1\"", RIGHT));
    server.enqueue(rest(BODY, 8, "\"v1\"", RIGHT));
    Path target = temp.resolve("copy.txt");
    FetchedFile fetched = fetch(target);
    List<RecordedRequest> requests = requests();
    assertThat(requests.get(0).getHeaders().get("Range")).isNull();
    assertThat(requests.get(1).getHeaders().get("Range")).isEqualTo("bytes=8-");
    assertThat(requests.get(1).getHeaders().get("If-Range")).isEqualTo("\"v1\"");
    assertThat(Files.readString(target)).isEqualTo(BODY);
    assertThat(fetched.sizeBytes()).isEqualTo(BODY.length());
    assertThat(fetched.sha256()).contains(RIGHT);
    assertThat(names()).containsExactly("copy.txt");
  }

  @Test
  void resumeAfterATransientAnswerStillContinuesFromTheBytesKept() throws Exception {
    server.enqueue(cut(BODY, 8, "\"v1\"", RIGHT));
    server.enqueue(problem(503, "eden://error/internal", "Unavailable", "busy"));
    server.enqueue(rest(BODY, 8, "\"v1\"", RIGHT));
    Path target = temp.resolve("copy.txt");
    fetch(target);
    List<RecordedRequest> requests = requests();
    assertThat(requests).extracting(r -> r.getHeaders().get("Range"))
        .containsExactly(null, "bytes=8-", "bytes=8-");
    assertThat(Files.readString(target)).isEqualTo(BODY);
  }

  @Test
  void everyBreakAfterProgressStartsTheRetryBudgetAfresh() throws Exception {
    // Four breaks, each after 4 more bytes, under a policy of two attempts: each attempt kept bytes.
    server.enqueue(cut(BODY, 4, "\"v1\"", RIGHT));
    for (int first = 4; first < 20; first += 4) {
      server.enqueue(restCut(BODY, first, 4, "\"v1\""));
    }
    Path target = temp.resolve("copy.txt");
    try (StoreClient client = clientBuilder().fetchRetryPolicy(fastRetries(2)).build()) {
      client.fetchArtifact(ARTIFACT_URI, target);
    }
    assertThat(requests()).extracting(r -> r.getHeaders().get("Range"))
        .containsExactly(null, "bytes=4-", "bytes=8-", "bytes=12-", "bytes=16-");
    assertThat(Files.readString(target)).isEqualTo(BODY);
  }

  @Test
  void breaksWithoutProgressUseUpTheBudget() throws Exception {
    server.enqueue(cut(BODY, 4, "\"v1\"", RIGHT));
    server.enqueue(restCut(BODY, 4, 0, "\"v1\""));
    server.enqueue(rest(BODY, 4, "\"v1\"", RIGHT));
    Path target = temp.resolve("copy.txt");
    try (StoreClient client = clientBuilder().fetchRetryPolicy(fastRetries(2)).build()) {
      assertThat(catchThrowable(() -> client.fetchArtifact(ARTIFACT_URI, target)))
          .isInstanceOf(java.io.IOException.class);
    }
    // The first break kept 4 bytes, so the budget of two attempts started afresh with it; the
    // second attempt kept nothing and was the last.
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(target).doesNotExist();
  }

  @Test
  void changedValidatorAnswersTheWholeNewRepresentationWhichStartsOver() throws Exception {
    server.enqueue(cut(BODY, 8, "\"v1\"", RIGHT));
    // If-Range does not match: the server sends the whole current representation with 200.
    server.enqueue(whole(OTHER, "\"v2\"", StoreClientDigestTest.sha256(OTHER)));
    Path target = temp.resolve("copy.txt");
    FetchedFile fetched = fetch(target);
    List<RecordedRequest> requests = requests();
    assertThat(requests.get(1).getHeaders().get("If-Range")).isEqualTo("\"v1\"");
    assertThat(Files.readString(target)).as("written from byte zero, nothing of v1 kept")
        .isEqualTo(OTHER);
    assertThat(fetched.sha256()).contains(StoreClientDigestTest.sha256(OTHER));
  }

  @Test
  void partialAnswerUnderAnotherTagIsDroppedForTheWholeArtifact() throws Exception {
    server.enqueue(cut(BODY, 8, "\"v1\"", RIGHT));
    server.enqueue(rest(OTHER, 8, "\"v2\"", StoreClientDigestTest.sha256(OTHER)));
    server.enqueue(whole(BODY, "\"v1\"", RIGHT));
    Path target = temp.resolve("copy.txt");
    fetch(target);
    List<RecordedRequest> requests = requests();
    assertThat(requests).extracting(r -> r.getHeaders().get("Range"))
        .containsExactly(null, "bytes=8-", null);
    assertThat(Files.readString(target)).isEqualTo(BODY);
  }

  @Test
  void partialAnswerStartingElsewhereIsDroppedForTheWholeArtifact() throws Exception {
    server.enqueue(cut(BODY, 8, "\"v1\"", RIGHT));
    server.enqueue(rest(BODY, 4, "\"v1\"", RIGHT));
    server.enqueue(whole(BODY, "\"v1\"", RIGHT));
    Path target = temp.resolve("copy.txt");
    fetch(target);
    assertThat(requests()).extracting(r -> r.getHeaders().get("Range"))
        .containsExactly(null, "bytes=8-", null);
    assertThat(Files.readString(target)).isEqualTo(BODY);
  }

  @Test
  void unsatisfiableResumeAsksForTheWholeArtifact() throws Exception {
    server.enqueue(cut(BODY, 8, "\"v1\"", RIGHT));
    server.enqueue(new MockResponse.Builder().code(416)
        .setHeader("Content-Range", "bytes */" + BODY.length())
        .setHeader("Content-Type", "application/problem+json")
        .body("{\"type\":\"about:blank\",\"title\":\"Range Not Satisfiable\",\"status\":416}")
        .build());
    server.enqueue(whole(BODY, "\"v1\"", RIGHT));
    Path target = temp.resolve("copy.txt");
    fetch(target);
    assertThat(requests()).extracting(r -> r.getHeaders().get("Range"))
        .containsExactly(null, "bytes=8-", null);
    assertThat(Files.readString(target)).isEqualTo(BODY);
  }

  @Test
  void withoutAStrongValidatorNothingIsResumed() throws Exception {
    for (String etag : new String[] {null, "W/\"v1\""}) {
      server.enqueue(cut(BODY, 8, etag, RIGHT));
      server.enqueue(whole(BODY, "\"v1\"", RIGHT));
    }
    server.enqueue(cut(BODY, 8, "\"v1\"", RIGHT).newBuilder().setHeader("Accept-Ranges", "none")
        .build());
    server.enqueue(whole(BODY, "\"v1\"", RIGHT));
    for (int i = 0; i < 3; i++) {
      Path target = temp.resolve("copy" + i + ".txt");
      fetch(target);
      assertThat(Files.readString(target)).isEqualTo(BODY);
    }
    assertThat(requests()).extracting(r -> r.getHeaders().get("Range"))
        .as("no tag, a weak tag, Accept-Ranges: none").containsOnlyNulls().hasSize(6);
  }

  @Test
  void partialAnswerToARequestForEverythingIsUnexpected() throws Exception {
    server.enqueue(rest(BODY, 0, "\"v1\"", RIGHT));
    Path target = temp.resolve("copy.txt");
    assertThat(catchThrowable(() -> fetch(target)))
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("206 Partial Content answers a request without Range");
    assertThat(names()).isEmpty();
  }

  @Test
  void wholeFileIsCheckedAfterAResumeAndAMismatchStartsOver() throws Exception {
    // The digest announced first is wrong for the bytes: the resumed file fails as a whole, is
    // emptied, and the one retry a mismatch gets downloads everything again.
    server.enqueue(cut(BODY, 8, "\"v1\"", WRONG));
    server.enqueue(rest(BODY, 8, "\"v1\"", WRONG));
    server.enqueue(whole(BODY, "\"v1\"", RIGHT));
    Path target = temp.resolve("copy.txt");
    FetchedFile fetched = fetch(target);
    assertThat(requests()).extracting(r -> r.getHeaders().get("Range"))
        .containsExactly(null, "bytes=8-", null);
    assertThat(Files.readString(target)).isEqualTo(BODY);
    assertThat(fetched.sha256()).contains(RIGHT);
  }

  @Test
  void wrongReprDigestDeletesTheTempFileAndThrows() throws Exception {
    Path target = Files.writeString(temp.resolve("copy.txt"), "previous");
    server.enqueue(cut(BODY, 8, "\"v1\"", WRONG));
    server.enqueue(rest(BODY, 8, "\"v1\"", WRONG));
    server.enqueue(whole(BODY, "\"v1\"", WRONG));
    Throwable thrown;
    try (StoreClient client = clientBuilder().build()) {
      thrown = catchThrowable(() -> client.fetchArtifact(ARTIFACT_URI, target));
    }
    assertThat(thrown).isInstanceOf(ArtifactDigestMismatchException.class);
    assertThat(((ArtifactDigestMismatchException) thrown).expectedSha256()).isEqualTo(WRONG);
    assertThat(((ArtifactDigestMismatchException) thrown).actualSha256()).isEqualTo(RIGHT);
    assertThat(server.getRequestCount()).as("one retry after the mismatch").isEqualTo(3);
    assertThat(names()).as("no temp file left").containsExactly("copy.txt");
    assertThat(Files.readString(target)).isEqualTo("previous");
  }

  @Test
  void withVerificationOffAWrongDigestIsNotChecked() throws Exception {
    server.enqueue(cut(BODY, 8, "\"v1\"", WRONG));
    server.enqueue(rest(BODY, 8, "\"v1\"", WRONG));
    Path target = temp.resolve("copy.txt");
    FetchedFile fetched;
    try (StoreClient client = clientBuilder().verifyDigests(false).build()) {
      fetched = client.fetchArtifact(ARTIFACT_URI, target);
    }
    assertThat(Files.readString(target)).isEqualTo(BODY);
    assertThat(fetched.sha256()).as("nothing was verified").isEmpty();
  }

  @Test
  void reprDigestIsPreferredAndAMalformedOneFallsBackToTheProjectHeader() throws Exception {
    server.enqueue(whole(BODY, "\"v1\"", RIGHT).newBuilder()
        .setHeader("X-Eden-Artifact-Sha256", WRONG).build());
    server.enqueue(whole(BODY, "\"v1\"", WRONG).newBuilder()
        .setHeader("X-Eden-Artifact-Sha256", RIGHT).build());
    server.enqueue(whole(BODY, "\"v1\"", WRONG).newBuilder()
        .setHeader("X-Eden-Artifact-Sha256", RIGHT).build());
    server.enqueue(whole(BODY, "\"v1\"", null).newBuilder()
        .setHeader("Repr-Digest", "sha-256=:not base64:")
        .setHeader("X-Eden-Artifact-Sha256", RIGHT).build());
    try (StoreClient client = clientBuilder().build()) {
      assertThat(client.fetchArtifact(ARTIFACT_URI, temp.resolve("a.txt")).sha256())
          .contains(RIGHT);
      Throwable thrown = catchThrowable(() -> client.fetchArtifact(ARTIFACT_URI,
          temp.resolve("b.txt")));
      assertThat(thrown).isInstanceOf(ArtifactDigestMismatchException.class);
      assertThat(((ArtifactDigestMismatchException) thrown).expectedSha256()).isEqualTo(WRONG);
      assertThat(client.fetchArtifact(ARTIFACT_URI, temp.resolve("c.txt")).sha256())
          .as("a malformed Repr-Digest proves nothing").contains(RIGHT);
    }
  }

  @Test
  void streamsAreCheckedAgainstReprDigestToo() throws Exception {
    server.enqueue(whole(BODY, "\"v1\"", WRONG));
    server.enqueue(whole(BODY, "\"v1\"", WRONG));
    try (StoreClient client = clientBuilder().build()) {
      try (ArtifactInputStream in = client.openArtifact(ARTIFACT_URI)) {
        assertThat(in.sha256()).contains(WRONG);
        assertThat(catchThrowable(in::readAllBytes))
            .isInstanceOf(ArtifactDigestMismatchException.class);
      }
    }
    try (StoreClient client = clientBuilder().verifyDigests(false).build();
        ArtifactInputStream in = client.openArtifact(ARTIFACT_URI)) {
      assertThat(in.sha256()).isEmpty();
      assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo(BODY);
    }
  }

  private List<String> names() throws Exception {
    try (Stream<Path> listing = Files.list(temp)) {
      return listing.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
