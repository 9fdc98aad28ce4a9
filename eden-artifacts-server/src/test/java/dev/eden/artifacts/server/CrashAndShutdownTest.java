package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ExperimentId;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable server killed hard mid-deposit, and stopped gently mid-deposit. */
class CrashAndShutdownTest {
  static final String ADMIN_TOKEN = "crash-test-admin-token";
  static final String ADMIN = "Bearer admin:" + ADMIN_TOKEN;

  @TempDir Path tempDir;
  final ExperimentId experiment = ExperimentId.mint();
  final OkHttpClient http = WireBodies.checkedClientBuilder()
      .retryOnConnectionFailure(false).build();
  ForkedServer server;

  @AfterEach
  void cleanUp() {
    if (server != null) {
      server.close();
    }
    http.connectionPool().evictAll();
  }

  /**
   * The server on its default {@code --sweep-temps-older-than} (15 minutes): a killed server's
   * temp files are swept at the next start all the same, since no process holds their lock.
   */
  private ForkedServer startServer(Path data) throws IOException {
    return ForkedServer.start(List.of("-Xmx128m"), ADMIN_TOKEN, "--data-dir", data.toString(), "--port", "0",
        "--experiment-id", experiment.value());
  }

  private String url(ForkedServer s) {
    return s.baseUri + "/v0/experiments/" + experiment + "/artifacts";
  }

  private String deposit(ForkedServer s, RequestBody part) throws IOException {
    RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("file", "a.bin", part).build();
    try (Response r = http.newCall(new Request.Builder().url(url(s)).post(body)
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value()).header("Authorization", ADMIN).build())
        .execute()) {
      String text = r.body().string();
      if (r.code() != 201) {
        throw new IOException("deposit answered " + r.code() + ": " + text);
      }
      return ServerFixture.JSON.readTree(text).get("artifacts_uri").asText();
    }
  }

  private byte[] fetch(ForkedServer s, String uri) throws IOException {
    try (Response r = http.newCall(new Request.Builder()
        .url(url(s) + "?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8))
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value()).header("Authorization", ADMIN).build())
        .execute()) {
      assertThat(r.code()).isEqualTo(200);
      return r.body().bytes();
    }
  }

  private static List<Path> files(Path dir, String prefix) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    }
  }

  /**
   * Starts a deposit of {@code part} on another thread and returns once its first bytes were sent;
   * the future holds the URI, or {@code failed: ...} when the deposit broke off.
   */
  CompletableFuture<String> depositInBackground(RequestBody part, CountDownLatch sent) throws Exception {
    ForkedServer target = server;
    CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
      try {
        return deposit(target, part);
      } catch (IOException e) {
        return "failed: " + e;
      }
    });
    assertThat(sent.await(30, TimeUnit.SECONDS)).isTrue();
    return inFlight;
  }

  /** Waits until the server streams a part into a pending blob (a temp file in the blob root). */
  static void awaitPendingBlob(Path blobs) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (files(blobs, ".tmp-").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** What a part body writes after its first bytes were sent. */
  interface RestOfPart {
    void write(BufferedSink sink) throws IOException;
  }

  /** A part that sends {@code first} bytes, signals {@code sent}, then writes {@code rest}. */
  static RequestBody partSignallingAfter(int first, CountDownLatch sent, RestOfPart rest) {
    return new RequestBody() {
      @Override
      public MediaType contentType() {
        return MediaType.get("application/octet-stream");
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        sink.write(new byte[first]);
        sink.flush();
        sent.countDown();
        rest.write(sink);
      }
    };
  }

  /** A part that sends {@code first} bytes, signals, then blocks until released. */
  static RequestBody stallingPart(int first, CountDownLatch sent, CountDownLatch release) {
    return partSignallingAfter(first, sent, sink -> {
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sink.write(new byte[first]);
    });
  }

  @Test
  void serverKilledMidDepositRestartsCleanAndKeepsEveryIssuedArtifact() throws Exception {
    Path data = tempDir.resolve("data");
    server = startServer(data);
    Map<String, byte[]> issued = new LinkedHashMap<>();
    Random random = new Random(7);
    for (int size : new int[] {0, 1, 4096, 100_000, 3_000_000}) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      issued.put(deposit(server, RequestBody.create(bytes, MediaType.get("application/octet-stream"))), bytes);
    }

    CountDownLatch sent = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> inFlight = depositInBackground(stallingPart(2_000_000, sent, release), sent);
    Path blobs = ForkedServer.blobRoot(data);
    awaitPendingBlob(blobs);
    assertThat(files(blobs, ".tmp-")).as("the half-written deposit's temp file").hasSize(1);

    server.kill();
    release.countDown();
    assertThat(inFlight.get(60, TimeUnit.SECONDS)).startsWith("failed:");

    server = startServer(data);
    assertThat(server.output()).contains("removed 1 leftover(s) of crashed deposits");
    assertThat(files(blobs, ".tmp-")).isEmpty();
    for (Map.Entry<String, byte[]> e : issued.entrySet()) {
      assertThat(fetch(server, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
    // exactly the issued blobs are on disk: nothing half-written became visible
    try (Stream<Path> s = Files.walk(blobs)) {
      assertThat(s.filter(Files::isRegularFile).count()).isEqualTo(issued.size());
    }
    String after = deposit(server, RequestBody.create(new byte[] {1, 2}, MediaType.get("text/plain")));
    assertThat(fetch(server, after)).containsExactly(1, 2);
  }

  /** A part that sends {@code first} bytes, signals, then trickles 500,000 more over about 2.5 s. */
  static RequestBody tricklingPart(int first, CountDownLatch sent) {
    return partSignallingAfter(first, sent, sink -> {
      for (int i = 0; i < 50; i++) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
        sink.write(new byte[10_000]);
        sink.flush();
      }
    });
  }

  @Test
  void sigtermLetsTheInFlightDepositFinishThenExits() throws Exception {
    Path data = tempDir.resolve("data");
    server = startServer(data);
    CountDownLatch sent = new CountDownLatch(1);
    CompletableFuture<String> inFlight = depositInBackground(tricklingPart(500_000, sent), sent);
    awaitPendingBlob(ForkedServer.blobRoot(data));
    server.process.destroy(); // SIGTERM while the body is still arriving
    Thread.sleep(300);
    assertThat(server.process.isAlive()).as("waits for the in-flight request").isTrue();
    String uri = inFlight.get(60, TimeUnit.SECONDS);
    assertThat(uri).as(server.output()).startsWith("eden://artifacts/");
    assertThat(server.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    server = startServer(data);
    assertThat(fetch(server, uri)).hasSize(1_000_000);
  }
}
