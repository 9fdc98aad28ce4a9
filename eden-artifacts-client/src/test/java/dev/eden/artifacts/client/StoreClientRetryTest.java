package dev.eden.artifacts.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which failures are retried, how often, and which never are. */
class StoreClientRetryTest extends MockServerSupport {
  @TempDir
  Path temp;

  private static MockResponse unavailable(String retryAfter) {
    return new MockResponse.Builder().code(503)
        .setHeader("Content-Type", "application/problem+json")
        .setHeader("Retry-After", retryAfter)
        .body("{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503}")
        .build();
  }

  @Test
  void unavailableWithRetryAfterIsRetriedAfterTheAnnouncedDelay() throws Exception {
    server.enqueue(unavailable("1"));
    server.enqueue(artifact("finally", "text/plain"));
    long start = System.nanoTime();
    try (StoreClient client = clientBuilder().build()) {
      assertThat(client.fetchArtifactBytes(ARTIFACT_URI, 100)).isEqualTo("finally".getBytes(UTF_8));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(
        Duration.ofMillis(950));
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void badGatewayTooManyRequestsAndTimeoutAreRetried() throws Exception {
    server.enqueue(new MockResponse.Builder().code(502).setHeader("Content-Type", "text/html")
        .body("<h1>Bad Gateway</h1>").build());
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "0").build());
    server.enqueue(new MockResponse.Builder().code(504).build());
    server.enqueue(artifact("ok", "text/plain"));
    try (StoreClient client = clientBuilder().build()) {
      assertThat(client.fetchArtifactBytes(ARTIFACT_URI, 100)).isEqualTo("ok".getBytes(UTF_8));
    }
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void attemptsAreBoundedAndTheLastAnswerIsReported() {
    for (int i = 0; i < 5; i++) {
      server.enqueue(new MockResponse.Builder().code(503).setHeader("Content-Type", "text/html")
          .body("<p>down " + i + "</p>").build());
    }
    try (StoreClient client = clientBuilder().fetchRetryPolicy(fastRetries(3)).build()) {
      assertThat(catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 100)))
          .isExactlyInstanceOf(UnexpectedResponseException.class)
          .hasMessageEndingWith("<p>down 2</p>");
    }
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void retryAfterBeyondTheTotalTimeBudgetIsNotWaitedFor() {
    server.enqueue(unavailable("3600"));
    RetryPolicy policy = RetryPolicy.builder().maxAttempts(5).maxElapsed(Duration.ofSeconds(5))
        .build();
    long start = System.nanoTime();
    try (StoreClient client = clientBuilder().fetchRetryPolicy(policy).build()) {
      assertThat(catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 100)))
          .isExactlyInstanceOf(UnknownProblemTypeException.class)
          .hasMessage("HTTP 503 about:blank: Service Unavailable");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void notFoundIsNeverRetried() {
    server.enqueue(problem(404, "eden://error/not-found", "Not Found", "no such artifact"));
    server.enqueue(artifact("never", "text/plain"));
    try (StoreClient client = clientBuilder().build()) {
      assertThat(catchThrowable(() -> client.openArtifact(ARTIFACT_URI)))
          .isInstanceOf(dev.eden.artifacts.ArtifactNotFoundException.class);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void connectionResetMidDownloadIsRetriedAndTheFileIsWhole() throws Exception {
    byte[] bytes = new byte[256 * 1024];
    new java.util.Random(3).nextBytes(bytes);
    server.enqueue(new MockResponse.Builder().code(200)
        .setHeader("Content-Type", "application/octet-stream")
        .body(new Buffer().write(bytes))
        .onResponseBody(new SocketEffect.CloseSocket(true, false, false))
        .build());
    server.enqueue(new MockResponse.Builder().code(200)
        .setHeader("Content-Type", "application/octet-stream")
        .body(new Buffer().write(bytes)).build());
    Path target = temp.resolve("whole.bin");
    try (StoreClient client = clientBuilder().build()) {
      assertThat(client.fetchArtifact(ARTIFACT_URI, target).sizeBytes()).isEqualTo(bytes.length);
    }
    assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void connectionResetMidDownloadWithoutRetriesIsAnIOExceptionAndLeavesNoFile() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200)
        .setHeader("Content-Type", "application/octet-stream")
        .body(new Buffer().write(new byte[256 * 1024]))
        .onResponseBody(new SocketEffect.CloseSocket(true, false, false))
        .build());
    Path target = temp.resolve("never.bin");
    try (StoreClient client = clientBuilder().fetchRetryPolicy(RetryPolicy.none()).build()) {
      assertThat(catchThrowable(() -> client.fetchArtifact(ARTIFACT_URI, target)))
          .isInstanceOf(IOException.class);
    }
    try (var listing = Files.list(temp)) {
      assertThat(listing).as("no target, no temporary file").isEmpty();
    }
  }

  @Test
  void truncatedBodyIsAnErrorNeverAShortFile() throws Exception {
    for (int i = 0; i < 2; i++) {
      server.enqueue(cutShort("only fifty bytes.................................!", 100));
    }
    Path target = temp.resolve("short.bin");
    try (StoreClient client = clientBuilder().fetchRetryPolicy(fastRetries(2)).build()) {
      Throwable thrown = catchThrowable(() -> client.fetchArtifact(ARTIFACT_URI, target));
      assertThat(thrown).isInstanceOf(IOException.class);
    }
    assertThat(server.getRequestCount()).as("a cut body is retried like a reset").isEqualTo(2);
    try (var listing = Files.list(temp)) {
      assertThat(listing).isEmpty();
    }
  }

  @Test
  void truncatedStreamFailsOnRead() throws Exception {
    server.enqueue(cutShort("0123456789", 20));
    try (StoreClient client = clientBuilder().build();
        ArtifactInputStream in = client.openArtifact(ARTIFACT_URI)) {
      assertThat(catchThrowable(in::readAllBytes)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void refusedConnectionIsRetriedThenReportedAsConnectException() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (StoreClient client = StoreClient.builder().baseUrl("http://127.0.0.1:" + port)
        .experimentId(EXPERIMENT).bearer(BEARER).fetchRetryPolicy(fastRetries(3)).build()) {
      assertThat(catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 1)))
          .isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void connectionsDroppedBeforeAnAnswerAreRetried() throws Exception {
    AtomicInteger accepted = new AtomicInteger();
    try (ServerSocket dropper = new ServerSocket(0)) {
      Thread thread = new Thread(() -> {
        while (true) {
          try (Socket socket = dropper.accept()) {
            accepted.incrementAndGet();
            socket.getInputStream().read();
          } catch (IOException closed) {
            return;
          }
        }
      });
      thread.start();
      try (StoreClient client = StoreClient.builder()
          .baseUrl("http://127.0.0.1:" + dropper.getLocalPort())
          .experimentId(EXPERIMENT).bearer(BEARER).fetchRetryPolicy(fastRetries(3)).build()) {
        assertThat(catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 1)))
            .isInstanceOf(IOException.class);
      }
      dropper.close();
      thread.join(5000);
    }
    // OkHttp itself may retry a dropped fresh connection once; every attempt of ours counts too.
    assertThat(accepted.get()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void depositsAreNotRetriedByDefault() {
    server.enqueue(unavailable("0"));
    server.enqueue(receipt(ARTIFACT_URI, 1, "text/plain"));
    try (StoreClient client = clientBuilder().build()) {
      assertThat(catchThrowable(() -> client.depositArtifact(new byte[1], "a", "text/plain")))
          .isExactlyInstanceOf(UnknownProblemTypeException.class);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void optInDepositRetryReplaysBytesButNeverAStream() throws Exception {
    server.enqueue(unavailable("0"));
    server.enqueue(receipt(ARTIFACT_URI, 3, "text/plain"));
    server.enqueue(unavailable("0"));
    server.enqueue(receipt(ARTIFACT_URI, 3, "text/plain"));
    try (StoreClient client = clientBuilder().depositRetryPolicy(fastRetries(3)).build()) {
      assertThat(client.depositArtifact("abc".getBytes(UTF_8), "a", "text/plain").uri())
          .isEqualTo(ARTIFACT_URI);
      assertThat(server.getRequestCount()).isEqualTo(2);
      assertThat(catchThrowable(() -> client.depositArtifact(
          new ByteArrayInputStream("abc".getBytes(UTF_8)), "a", "text/plain")))
          .isExactlyInstanceOf(UnknownProblemTypeException.class);
      assertThat(server.getRequestCount()).isEqualTo(3);
    }
    server.takeRequest();
    assertThat(parts(server.takeRequest()).get(0).body()).isEqualTo("abc".getBytes(UTF_8));
  }
}
