package dev.eden.artifacts.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/** Each time-out fires on a slow server, and is reported as an IOException. */
class StoreClientTimeoutTest extends MockServerSupport {
  private static final Duration SHORT = Duration.ofMillis(300);

  @Test
  void readTimeoutFiresWhileWaitingForHeaders() {
    server.enqueue(new MockResponse.Builder().code(200).headersDelay(5, TimeUnit.SECONDS)
        .body("late").build());
    try (StoreClient client = clientBuilder().readTimeout(SHORT)
        .fetchRetryPolicy(RetryPolicy.none()).build()) {
      assertThat(catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 10)))
          .isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void readTimeoutFiresWhenTheBodyStalls() {
    server.enqueue(new MockResponse.Builder().code(200)
        .setHeader("Content-Type", "application/octet-stream")
        .body(new Buffer().write(new byte[64 * 1024]))
        .onResponseBody(SocketEffect.Stall.INSTANCE)
        .build());
    try (StoreClient client = clientBuilder().readTimeout(SHORT)
        .fetchRetryPolicy(RetryPolicy.none()).build()) {
      assertThat(catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 1 << 20)))
          .isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void writeTimeoutFiresWhenTheServerStopsReading() {
    server.enqueue(new MockResponse.Builder().onRequestStart(SocketEffect.Stall.INSTANCE).build());
    try (StoreClient client = clientBuilder().writeTimeout(SHORT).build()) {
      // Far more than the socket buffers on both ends hold.
      byte[] big = new byte[64 * 1024 * 1024];
      assertThat(catchThrowable(() -> client.depositArtifact(big, "big.bin", "application/octet-stream")))
          .isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void callTimeoutBoundsAWholeSlowButSteadyDownloadAndIsNotRetried() {
    server.enqueue(new MockResponse.Builder().code(200)
        .setHeader("Content-Type", "application/octet-stream")
        .body(new Buffer().write(new byte[100 * 1024]))
        .throttleBody(1024, 50, TimeUnit.MILLISECONDS)
        .build());
    try (StoreClient client = clientBuilder().readTimeout(Duration.ofSeconds(5))
        .callTimeout(Duration.ofMillis(500)).build()) {
      Throwable thrown = catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 1 << 20));
      assertThat(thrown).isInstanceOf(InterruptedIOException.class)
          .isNotInstanceOf(SocketTimeoutException.class);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void connectTimeoutFiresWhenTheServerNeverAccepts() throws Exception {
    // A listening socket that never accepts: once its backlog is full, further SYNs go unanswered.
    try (ServerSocket silent = new ServerSocket()) {
      silent.bind(new InetSocketAddress("127.0.0.1", 0), 1);
      List<Socket> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          Socket filler = new Socket();
          try {
            filler.connect(silent.getLocalSocketAddress(), 200);
            fillers.add(filler);
          } catch (SocketTimeoutException full) {
            filler.close();
            break;
          }
        }
        try (StoreClient client = StoreClient.builder()
            .baseUrl("http://127.0.0.1:" + silent.getLocalPort())
            .experimentId(EXPERIMENT).bearer(BEARER)
            .connectTimeout(SHORT).fetchRetryPolicy(RetryPolicy.none()).build()) {
          long start = System.nanoTime();
          Throwable thrown = catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 1));
          assertThat(thrown).isInstanceOf(SocketTimeoutException.class)
              .hasMessageContaining("onnect");
          assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
      } finally {
        for (Socket filler : fillers) {
          filler.close();
        }
      }
    }
  }
}
