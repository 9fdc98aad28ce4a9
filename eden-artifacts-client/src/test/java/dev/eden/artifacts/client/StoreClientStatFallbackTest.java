package dev.eden.artifacts.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.eden.artifacts.ExperimentId;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code statArtifact} against servers without {@code HEAD} (405), on the JDK's HTTP server: the
 * {@code GET} asks for the first byte only, and a server that ignores the range and sends a huge
 * body is cut off rather than drained.
 */
class StoreClientStatFallbackTest {
  private static final long TWO_GIB = 2L << 30;
  private static final String URI = "eden://artifacts/" + "0".repeat(32);

  private HttpServer server;
  /** The {@code Range} header of each GET, or {@code ""}. */
  private final List<String> ranges = new CopyOnWriteArrayList<>();

  private String start(HttpHandler get) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        if (exchange.getRequestMethod().equals("HEAD")) {
          exchange.sendResponseHeaders(405, -1);
          return;
        }
        String range = exchange.getRequestHeaders().getFirst("Range");
        ranges.add(range == null ? "" : range);
        get.handle(exchange);
      }
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static StoreClient client(String baseUrl) {
    return StoreClient.builder().baseUrl(baseUrl).experimentId(ExperimentId.mint())
        .bearer("wkr_x:secret").fetchRetryPolicy(RetryPolicy.none()).build();
  }

  @Test
  void serverIgnoringTheRangeIsCutOffNotDrained() throws Exception {
    AtomicLong written = new AtomicLong();
    CountDownLatch ended = new CountDownLatch(1);
    String baseUrl = start(exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/x-tar");
      exchange.sendResponseHeaders(200, TWO_GIB);
      byte[] chunk = new byte[16 * 1024];
      try (OutputStream out = exchange.getResponseBody()) {
        while (written.get() < TWO_GIB) {
          out.write(chunk);
          written.addAndGet(chunk.length);
        }
      } catch (IOException cut) {
        // The client hung up: expected.
      } finally {
        ended.countDown();
      }
    });
    ArtifactInfo info;
    try (StoreClient client = client(baseUrl)) {
      info = client.statArtifact(URI);
    }
    assertThat(info.sizeBytes()).isEqualTo(TWO_GIB);
    assertThat(info.contentType()).isEqualTo("application/x-tar");
    assertThat(ranges).containsExactly("bytes=0-0");
    assertThat(ended.await(10, TimeUnit.SECONDS)).as("the server's write failed").isTrue();
    // What the sockets' buffers take; draining the body for 100 ms would be tens of MiB.
    assertThat(written.get()).as("bytes the server managed to send").isLessThan(4 << 20);
  }

  @Test
  void sizeComesFromTheContentRangeOfTheFirstByte() throws Exception {
    String baseUrl = start(exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.getResponseHeaders().set("Content-Range", "bytes 0-0/12345");
      exchange.getResponseHeaders().set("X-Eden-Artifact-Sha256", "ab".repeat(32));
      exchange.sendResponseHeaders(206, 1);
      exchange.getResponseBody().write('x');
    });
    try (StoreClient client = client(baseUrl)) {
      ArtifactInfo info = client.statArtifact(URI);
      assertThat(info.sizeBytes()).isEqualTo(12345);
      assertThat(info.contentType()).isEqualTo("text/plain");
      assertThat(info.sha256()).contains("ab".repeat(32));
    }
    assertThat(ranges).containsExactly("bytes=0-0");
  }

  @Test
  void emptyArtifactIsAskedAgainWithoutARange() throws Exception {
    String baseUrl = start(exchange -> {
      if (exchange.getRequestHeaders().containsKey("Range")) {
        exchange.getResponseHeaders().set("Content-Range", "bytes */0");
        exchange.sendResponseHeaders(416, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, -1);
    });
    try (StoreClient client = client(baseUrl)) {
      ArtifactInfo info = client.statArtifact(URI);
      assertThat(info.sizeBytes()).isZero();
      assertThat(info.contentType()).isEqualTo("application/json");
    }
    assertThat(ranges).containsExactly("bytes=0-0", "");
  }
}
