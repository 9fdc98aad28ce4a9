package dev.eden.artifacts.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.client.ProgressListener.Direction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the client puts on the wire, checked against a MockWebServer. */
class StoreClientWireTest extends MockServerSupport {
  @TempDir
  Path temp;

  @Test
  void depositSendsExactlyOneFilePartWithFilenameAndContentType() throws Exception {
    server.enqueue(receipt(ARTIFACT_URI, 5, "text/plain"));
    try (StoreClient client = clientBuilder().build()) {
      DepositReceipt receipt =
          client.depositArtifact("hello".getBytes(UTF_8), "plan.txt", "text/plain");
      assertThat(receipt).isEqualTo(new DepositReceipt(ARTIFACT_URI, 5, "text/plain"));
    }
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getTarget()).isEqualTo("/v0/experiments/" + EXPERIMENT + "/artifacts");
    assertThat(request.getHeaders().values("Content-Type")).singleElement()
        .asString().startsWith("multipart/form-data; boundary=");
    List<Part> parts = parts(request);
    assertThat(parts).hasSize(1);
    Part part = parts.get(0);
    assertThat(part.headers().get("Content-Disposition"))
        .isEqualTo("form-data; name=\"file\"; filename=\"plan.txt\"");
    assertThat(part.headers().get("Content-Type")).isEqualTo("text/plain");
    assertThat(new String(part.body(), UTF_8)).isEqualTo("hello");
  }

  @Test
  void everyRequestCarriesBearerExperimentAndUserAgent() throws Exception {
    server.enqueue(receipt(ARTIFACT_URI, 1, "application/octet-stream"));
    server.enqueue(artifact("x", "application/octet-stream"));
    try (StoreClient client = clientBuilder().userAgent("my-worker/1.4").build()) {
      client.depositArtifact(new byte[] {1}, "a.bin", "application/octet-stream");
      client.fetchArtifactBytes(ARTIFACT_URI, 10);
    }
    for (int i = 0; i < 2; i++) {
      RecordedRequest request = server.takeRequest();
      assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + BEARER);
      assertThat(request.getHeaders().get("X-Eden-Experiment-Id")).isEqualTo(EXPERIMENT);
      assertThat(request.getHeaders().get("User-Agent"))
          .matches("my-worker/1\\.4 eden-artifacts-client/\\d+\\.\\d+\\.\\d+\\S* okhttp/5\\.\\S+");
    }
  }

  @Test
  void uriTravelsVerbatimWithEveryReservedCharacterPercentEncoded() throws Exception {
    String uri = "eden://artifacts/a&b=c#frag+plus%41 space/ü?x=1&y=2";
    server.enqueue(artifact("x", "text/plain"));
    try (StoreClient client = clientBuilder().build()) {
      client.fetchArtifactBytes(uri, 10);
    }
    RecordedRequest request = server.takeRequest();
    String target = request.getTarget();
    String prefix = "/v0/experiments/" + EXPERIMENT + "/artifacts?uri=";
    assertThat(target).startsWith(prefix);
    String encoded = target.substring(prefix.length());
    // Raw, these would split the parameter, start a fragment, or decode as a space.
    assertThat(encoded).doesNotContain("&", "#", "+", " ", "?", "=")
        .contains("%26", "%23", "%2B", "%2541", "%20", "%C3%BC");
    assertThat(URLDecoder.decode(encoded, UTF_8)).isEqualTo(uri);
    assertThat(request.getUrl().queryParameter("uri")).isEqualTo(uri);
  }

  @Test
  void depositFromInputStreamIsChunkedAndLeavesTheStreamOpen() throws Exception {
    byte[] bytes = new byte[300_000];
    new java.util.Random(7).nextBytes(bytes);
    server.enqueue(receipt(ARTIFACT_URI, bytes.length, "application/x-tar"));
    boolean[] closed = {false};
    ByteArrayInputStream in = new ByteArrayInputStream(bytes) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    try (StoreClient client = clientBuilder().build()) {
      client.depositArtifact(in, "bundle.tar", "application/x-tar");
    }
    RecordedRequest request = server.takeRequest();
    assertThat(request.getHeaders().get("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(request.getHeaders().get("Content-Length")).isNull();
    assertThat(request.getChunkSizes()).hasSizeGreaterThan(1);
    assertThat(parts(request)).singleElement()
        .satisfies(part -> assertThat(part.body()).isEqualTo(bytes));
    assertThat(closed[0]).as("the caller owns the stream").isFalse();
  }

  @Test
  void depositFromPathSendsLengthAndGuessesContentTypeFromTheName() throws Exception {
    Path text = Files.writeString(temp.resolve("notes.txt"), "some notes");
    Path other = Files.write(temp.resolve("weights.zzz-unknown"), new byte[] {1, 2, 3});
    server.enqueue(receipt(ARTIFACT_URI, 10, "text/plain"));
    server.enqueue(receipt(ARTIFACT_URI, 3, "application/octet-stream"));
    try (StoreClient client = clientBuilder().build()) {
      client.depositArtifact(text);
      client.depositArtifact(other);
    }
    RecordedRequest first = server.takeRequest();
    assertThat(first.getHeaders().get("Content-Length")).isNotNull();
    assertThat(first.getHeaders().get("Transfer-Encoding")).isNull();
    Part textPart = parts(first).get(0);
    assertThat(textPart.headers().get("Content-Type")).isEqualTo("text/plain");
    assertThat(textPart.headers().get("Content-Disposition")).contains("filename=\"notes.txt\"");
    assertThat(textPart.body()).isEqualTo("some notes".getBytes(UTF_8));
    Part otherPart = parts(server.takeRequest()).get(0);
    assertThat(otherPart.headers().get("Content-Type")).isEqualTo("application/octet-stream");
  }

  @Test
  void fileThatShrinksWhileSendingFailsTheDeposit() throws Exception {
    Path file = Files.write(temp.resolve("growing.log"), new byte[300_000]);
    server.enqueue(receipt(ARTIFACT_URI, 300_000, "text/plain"));
    ProgressListener truncateAfterFirstChunk = (direction, soFar, total) -> {
      if (soFar > 0 && soFar < total) {
        try (var channel = java.nio.channels.FileChannel.open(file,
            java.nio.file.StandardOpenOption.WRITE)) {
          channel.truncate(1000);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    try (StoreClient client = clientBuilder().progressListener(truncateAfterFirstChunk).build()) {
      assertThatThrownBy(() -> client.depositArtifact(file))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("file shrank while it was being sent: growing.log had 300000 bytes");
    }
  }

  @Test
  void boundaryHeaderStaysCorrectWhenTheInjectedClientAddsDefaultHeaders() throws Exception {
    OkHttpClient shared = new OkHttpClient.Builder()
        .addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
            .header("Content-Type", "application/json")
            .header("X-Team", "blue")
            .build()))
        .build();
    server.enqueue(receipt(ARTIFACT_URI, 2, "text/csv"));
    try (StoreClient client = clientBuilder().okHttpClient(shared).build()) {
      client.depositArtifact("a,b".getBytes(UTF_8), "t.csv", "text/csv");
    }
    RecordedRequest request = server.takeRequest();
    assertThat(request.getHeaders().get("X-Team")).as("the interceptor ran").isEqualTo("blue");
    assertThat(request.getHeaders().values("Content-Type")).singleElement()
        .asString().startsWith("multipart/form-data; boundary=");
    assertThat(parts(request)).singleElement()
        .satisfies(part -> assertThat(part.body()).isEqualTo("a,b".getBytes(UTF_8)));
    assertThat(shared.dispatcher().executorService().isShutdown())
        .as("closing the StoreClient leaves the caller's OkHttpClient alone").isFalse();
  }

  @Test
  void closingAnOwnedClientRefusesLaterCalls() {
    StoreClient client = clientBuilder().build();
    client.close();
    client.close();
    assertThatThrownBy(() -> client.fetchArtifactBytes(ARTIFACT_URI, 1))
        .isInstanceOf(IllegalStateException.class).hasMessage("StoreClient is closed");
  }

  @Test
  void fetchReturnsBytesAndTheRecordedContentTypeVerbatim() throws Exception {
    server.enqueue(artifact("<svg/>", "image/svg+xml"));
    try (StoreClient client = clientBuilder().build();
        ArtifactInputStream in = client.openArtifact(ARTIFACT_URI)) {
      assertThat(in.contentType()).isEqualTo("image/svg+xml");
      assertThat(in.contentLength()).isEqualTo(6);
      assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("<svg/>");
    }
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getHeaders().get("Accept-Encoding")).isEqualTo("identity");
  }

  @Test
  void fetchBytesRefusesAnArtifactAnnouncedLargerThanTheLimit() {
    server.enqueue(artifact("0123456789", "text/plain"));
    try (StoreClient client = clientBuilder().build()) {
      assertThatThrownBy(() -> client.fetchArtifactBytes(ARTIFACT_URI, 9))
          .isExactlyInstanceOf(FetchLimitExceededException.class)
          .isNotInstanceOf(IOException.class)
          .isNotInstanceOf(ArtifactException.class)
          .hasMessage("artifact has 10 bytes, more than the limit of 9");
    }
    assertThat(server.getRequestCount()).as("never retried").isEqualTo(1);
  }

  @Test
  void fetchBytesTakesALongLimitAndCapsItAtTheLargestArray() throws Exception {
    server.enqueue(artifact("0123456789", "text/plain"));
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/plain")
        .setHeader("Content-Length", "4294967296").build());
    try (StoreClient client = clientBuilder().fetchRetryPolicy(RetryPolicy.none()).build()) {
      assertThat(client.fetchArtifactBytes(ARTIFACT_URI, Long.MAX_VALUE))
          .isEqualTo("0123456789".getBytes(UTF_8));
      Throwable thrown = catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 1L << 40));
      assertThat(thrown).isExactlyInstanceOf(FetchLimitExceededException.class)
          .hasMessage("artifact has 4294967296 bytes, more than the limit of 2147483639");
      assertThat(((FetchLimitExceededException) thrown).maxBytes()).isEqualTo(Integer.MAX_VALUE - 8);
      assertThatThrownBy(() -> client.fetchArtifactBytes(ARTIFACT_URI, -1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maxBytes must not be negative: -1");
    }
  }

  @Test
  void fetchBytesCountsWhenTheLengthIsNotAnnounced() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/plain")
        .chunkedBody("0123456789", 3).build());
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/plain")
        .chunkedBody("0123456789", 3).build());
    try (StoreClient client = clientBuilder().build()) {
      assertThatThrownBy(() -> client.fetchArtifactBytes(ARTIFACT_URI, 9))
          .isInstanceOf(FetchLimitExceededException.class)
          .hasMessage("artifact is larger than the limit of 9 bytes");
      assertThat(client.fetchArtifactBytes(ARTIFACT_URI, 10)).isEqualTo("0123456789".getBytes(UTF_8));
    }
  }

  @Test
  void fetchToPathWritesTheWholeFileAndNothingElse() throws Exception {
    Path target = temp.resolve("out/copy.bin");
    Files.createDirectories(target.getParent());
    Files.writeString(target, "old content that is replaced");
    server.enqueue(artifact("fresh bytes", "application/octet-stream"));
    try (StoreClient client = clientBuilder().build()) {
      FetchedFile fetched = client.fetchArtifact(ARTIFACT_URI, target);
      assertThat(fetched).isEqualTo(
          new FetchedFile(target.toAbsolutePath(), 11, "application/octet-stream"));
    }
    assertThat(Files.readString(target)).isEqualTo("fresh bytes");
    try (var listing = Files.list(target.getParent())) {
      assertThat(listing).containsExactly(target);
    }
  }

  @Test
  void progressListenerSeesBothDirectionsWithTotals() throws Exception {
    byte[] bytes = new byte[200_000];
    server.enqueue(receipt(ARTIFACT_URI, bytes.length, "application/octet-stream"));
    server.enqueue(new MockResponse.Builder().code(200)
        .setHeader("Content-Type", "application/octet-stream")
        .body(new Buffer().write(bytes)).build());
    List<long[]> events = new CopyOnWriteArrayList<>();
    ProgressListener listener = (direction, soFar, total) ->
        events.add(new long[] {direction == Direction.SENT ? 0 : 1, soFar, total});
    try (StoreClient client = clientBuilder().build()) {
      StoreClient tracked = client.withProgressListener(listener);
      tracked.depositArtifact(bytes, "w.bin", "application/octet-stream");
      tracked.fetchArtifactBytes(ARTIFACT_URI, bytes.length);
    }
    List<long[]> sent = events.stream().filter(e -> e[0] == 0).toList();
    List<long[]> received = events.stream().filter(e -> e[0] == 1).toList();
    assertThat(sent.get(0)[1]).isZero();
    assertThat(sent.get(sent.size() - 1)[1]).isEqualTo(bytes.length);
    assertThat(sent).allSatisfy(e -> assertThat(e[2]).isEqualTo(bytes.length));
    assertThat(received.get(received.size() - 1)[1]).isEqualTo(bytes.length);
    assertThat(received).hasSizeGreaterThan(1)
        .allSatisfy(e -> assertThat(e[2]).isEqualTo(bytes.length));
  }

  @Test
  void malformedArgumentsAreRefusedBeforeAnythingIsSent() {
    try (StoreClient client = clientBuilder().build()) {
      assertThatThrownBy(() -> client.depositArtifact(new byte[1], "a", "text/plain\r\nX-Evil: 1"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("contentType is not a media type");
      assertThatThrownBy(() -> client.depositArtifact(new byte[1], "", "text/plain"))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("filename must not be empty");
      assertThatThrownBy(() -> client.fetchArtifactBytes(ARTIFACT_URI, -1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> client.fetchArtifact(ARTIFACT_URI, Path.of("/")))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("target must name a file: /");
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void builderNamesTheMissingOrBadSetting() {
    assertThatThrownBy(() -> StoreClient.builder().experimentId(EXPERIMENT).bearer(BEARER).build())
        .isInstanceOf(IllegalStateException.class).hasMessage("baseUrl is required");
    assertThatThrownBy(() -> StoreClient.builder().baseUrl("ftp://x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl must be an http or https URL: ftp://x");
    assertThatThrownBy(() -> StoreClient.builder().experimentId("exp_UPPER"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("experiment id");
    assertThatThrownBy(() -> StoreClient.builder().bearer("no-colon-" + SECRET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bearer must be '<principal>:<secret>' with neither side empty")
        .message().doesNotContain(SECRET);
    assertThatThrownBy(() -> StoreClient.builder().bearer(WORKER + ":" + SECRET + "\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .message().doesNotContain(SECRET);
  }
}
