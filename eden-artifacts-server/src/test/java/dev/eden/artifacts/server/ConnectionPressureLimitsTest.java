package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.server.auth.CredentialRegistry;
import dev.eden.artifacts.server.auth.CredentialRegistry.WorkerCredential;
import dev.eden.artifacts.server.auth.FileAuthenticator;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits of the embedded server under connection pressure, each on real sockets: the
 * request-head time-out, the cap on deposits in flight (overall and per principal), the minimum
 * deposit data rate, the bounded slow-hash verification, and the bound on open connections.
 */
class ConnectionPressureLimitsTest {
  private static final String WORKER_A = Principal.mintWorkerId();
  private static final String WORKER_B = Principal.mintWorkerId();
  private static final String BEARER_A = "Bearer " + WORKER_A + ":secret-a";
  private static final String BEARER_B = "Bearer " + WORKER_B + ":secret-b";

  @TempDir Path dir;
  private final ExperimentId experiment = ExperimentId.mint();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private JettyArtifactServer server;

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private URI start(Authenticator authenticator, UnaryOperator<JettyArtifactServer.Builder> limits) throws IOException {
    ArtifactService service = ArtifactService.builder()
        .backend(new FileArtifactBackend(dir.resolve("blobs")))
        .store(new InMemoryArtifactStore())
        .maxArtifactBytes(1 << 20)
        .build();
    server = limits.apply(JettyArtifactServer.builder()
            .service(service)
            .authenticator(authenticator)
            .servedExperiments(experiment)
            .host("127.0.0.1").port(0))
        .build().start();
    return server.baseUri();
  }

  private URI start(UnaryOperator<JettyArtifactServer.Builder> limits) throws IOException {
    return start(InMemoryAuthenticator.builder().worker(WORKER_A, "secret-a").worker(WORKER_B, "secret-b").build(), limits);
  }

  private Socket connect(URI base) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
    closing.add(socket);
    return socket;
  }

  /** Reads until the server closes the connection; returns how long that took. */
  private static Duration untilClosed(Socket socket, Duration atMost) throws IOException {
    long start = System.nanoTime();
    socket.setSoTimeout((int) atMost.toMillis());
    InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // an answer would be read here; a head time-out sends none
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open for " + atMost);
    } catch (SocketException e) {
      // reset: closed as well
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private String depositHead(URI base, String bearer, long contentLength) {
    return "POST /v0/experiments/" + experiment + "/artifacts HTTP/1.1\r\n"
        + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
        + ArtifactHandler.EXPERIMENT_HEADER + ": " + experiment + "\r\n"
        + "Authorization: " + bearer + "\r\n"
        + "Content-Type: multipart/form-data; boundary=XyZ\r\n"
        + "Content-Length: " + contentLength + "\r\n\r\n";
  }

  private static final String PART_START = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
      + "Content-Type: application/octet-stream\r\n\r\n";

  private long committedBlobs() throws IOException {
    Path blobs = dir.resolve("blobs");
    if (!Files.isDirectory(blobs)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(blobs)) {
      return files.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().matches("[0-9a-f]{32}")).count();
    }
  }

  private static RawHttp.Reply get(URI base, String pathAndQuery, String bearer) throws IOException {
    try (RawHttp http = new RawHttp(base, 10_000)) {
      http.write("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\n"
          + (bearer == null ? "" : "Authorization: " + bearer + "\r\n") + "Connection: close\r\n\r\n");
      return http.readUncheckedReply();
    }
  }

  @Test
  void requestHeadSentOneByteAtATimeIsCutOffAtTheHeadTimeout() throws Exception {
    URI base = start(b -> b.requestHeadTimeout(Duration.ofSeconds(1)).idleTimeout(Duration.ofSeconds(30)));
    Socket socket = connect(base);
    byte[] head = ("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(100) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    long start = System.nanoTime();
    Thread trickle = new Thread(() -> {
      try {
        for (byte b : head) {
          socket.getOutputStream().write(b);
          Thread.sleep(100); // ten bytes a second: the idle time-out never trips
        }
      } catch (IOException | InterruptedException e) {
        // the server closed the connection
      }
    });
    trickle.start();
    untilClosed(socket, Duration.ofSeconds(10));
    long tookMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    trickle.interrupt();
    assertThat(tookMillis).as("closed after").isBetween(900L, 3_000L);
  }

  @Test
  void connectionThatSendsNothingIsClosedAtTheHeadTimeout() throws Exception {
    URI base = start(b -> b.requestHeadTimeout(Duration.ofSeconds(1)).idleTimeout(Duration.ofSeconds(30)));
    assertThat(untilClosed(connect(base), Duration.ofSeconds(10)).toMillis()).isBetween(900L, 3_000L);
  }

  @Test
  void keptAliveConnectionBetweenRequestsWaitsUnderTheIdleTimeoutInstead() throws Exception {
    URI base = start(b -> b.requestHeadTimeout(Duration.ofSeconds(1)).idleTimeout(Duration.ofSeconds(30)));
    try (RawHttp http = new RawHttp(base, 10_000)) {
      http.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(http.readUncheckedReply().status()).isEqualTo(200);
      Thread.sleep(2_500); // idle, past the head time-out
      http.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(http.readUncheckedReply().status()).isEqualTo(200);
    }
  }

  @Test
  void depositsBeyondTheCapAreRefusedAtOnceWith503AndFetchesGoOn() throws Exception {
    URI base = start(b -> b.maxConcurrentDeposits(2, 2));
    for (String bearer : List.of(BEARER_A, BEARER_B)) { // two stalled uploads take both slots
      Socket stalled = connect(base);
      stalled.getOutputStream().write((depositHead(base, bearer, 10_000) + PART_START + "abc").getBytes(StandardCharsets.US_ASCII));
    }
    Thread.sleep(300);
    try (RawHttp http = new RawHttp(base, 10_000)) {
      long start = System.nanoTime();
      http.write(depositHead(base, BEARER_B, 10_000));
      RawHttp.Reply reply = http.readReply();
      assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isLessThan(2_000);
      assertThat(reply.status()).isEqualTo(503);
      assertThat(reply.headers()).containsEntry("retry-after", "1").containsEntry("connection", "close");
      JsonNode problem = ServerFixture.JSON.readTree(reply.body());
      assertThat(problem.get("type").asText()).isEqualTo("about:blank");
      assertThat(problem.get("status").asInt()).isEqualTo(503);
    }
    assertThat(get(base, "/healthz", null).status()).isEqualTo(200);
    assertThat(get(base, "/v0/experiments/" + experiment + "/artifacts?uri=eden%3A%2F%2Fartifacts%2F" + "0".repeat(32)
        + "&x=1", BEARER_A).status()).isIn(400, 404);
    assertThat(committedBlobs()).isZero();
  }

  @Test
  void onePrincipalCannotTakeEveryDepositSlot() throws Exception {
    URI base = start(b -> b.maxConcurrentDeposits(8, 1));
    Socket stalled = connect(base);
    stalled.getOutputStream().write((depositHead(base, BEARER_A, 10_000) + PART_START + "abc").getBytes(StandardCharsets.US_ASCII));
    Thread.sleep(300);
    try (RawHttp http = new RawHttp(base, 10_000)) {
      http.write(depositHead(base, BEARER_A, 10_000));
      assertThat(http.readReply().status()).isEqualTo(503);
    }
    byte[] body = (PART_START + "hello\r\n--XyZ--\r\n").getBytes(StandardCharsets.US_ASCII);
    try (RawHttp http = new RawHttp(base, 10_000)) {
      http.write(depositHead(base, BEARER_B, body.length));
      http.write(body);
      assertThat(http.readReply().status()).isEqualTo(201);
    }
  }

  @Test
  void depositBodyBelowTheMinimumRateGets408AndStoresNothing() throws Exception {
    URI base = start(b -> b.minDepositDataRate(1_000, Duration.ofSeconds(1)).idleTimeout(Duration.ofSeconds(30)));
    try (RawHttp http = new RawHttp(base, 10_000)) {
      http.write(depositHead(base, BEARER_A, 100_000) + PART_START);
      long start = System.nanoTime();
      RawHttp.Reply[] reply = new RawHttp.Reply[1];
      long[] answeredAfter = new long[1];
      Thread reader = new Thread(() -> {
        try {
          reply[0] = http.readUncheckedReply(); // timed before the schema check, whose first run is slow
          answeredAfter[0] = System.nanoTime() - start;
        } catch (IOException e) {
          // none
        }
      });
      reader.start();
      try {
        for (int i = 0; i < 100 && reader.isAlive(); i++) {
          http.write("0123456789"); // 100 bytes a second, under the 1,000 asked for
          Thread.sleep(100);
        }
      } catch (IOException e) {
        // closed by the server after its answer
      }
      reader.join(10_000);
      assertThat(reply[0]).as("an answer").isNotNull();
      assertThat(Duration.ofNanos(answeredAfter[0]).toMillis()).isBetween(900L, 5_000L);
      assertThat(reply[0].status()).isEqualTo(408);
      WireBodies.check(reply[0].status(), reply[0].headers().get("content-type"), reply[0].body());
      assertThat(reply[0].headers()).containsEntry("connection", "close");
      assertThat(ServerFixture.JSON.readTree(reply[0].body()).get("type").asText()).isEqualTo("about:blank");
    }
    assertThat(committedBlobs()).isZero();
    try (Stream<Path> left = Files.walk(dir.resolve("blobs"))) {
      assertThat(left.filter(Files::isRegularFile)).as("temp files left").isEmpty();
    }
  }

  @Test
  void depositBodyAboveTheMinimumRateIsStored() throws Exception {
    URI base = start(b -> b.minDepositDataRate(100, Duration.ofMillis(500)));
    byte[] body = (PART_START + "x".repeat(300) + "\r\n--XyZ--\r\n").getBytes(StandardCharsets.US_ASCII);
    try (RawHttp http = new RawHttp(base, 10_000)) {
      http.write(depositHead(base, BEARER_A, body.length));
      for (int i = 0; i < body.length; i += 50) {
        http.write(java.util.Arrays.copyOfRange(body, i, Math.min(body.length, i + 50)));
        Thread.sleep(100); // 500 bytes a second
      }
      assertThat(http.readReply().status()).isEqualTo(201);
    }
  }

  @Test
  void wrongSecretFloodIsShedWith503WhileACachedBearerDoesNotWait() throws Exception {
    CredentialRegistry registry = CredentialRegistry.open(dir.resolve("workers.json"));
    WorkerCredential victim = registry.addWorker(List.of());
    WorkerCredential other = registry.addWorker(List.of());
    FileAuthenticator authenticator = FileAuthenticator.builder().registry(registry)
        .maxConcurrentVerifications(1)
        .maxWaitingVerifications(2, Duration.ofMillis(500))
        .build();
    URI base = start(authenticator, b -> b);
    String fetchPath = "/v0/experiments/" + experiment + "/artifacts?uri=eden%3A%2F%2Fartifacts%2F" + "0".repeat(32);
    String otherBearer = "Bearer " + other.bearer();
    assertThat(fetchWithHeader(base, fetchPath, otherBearer).status()).isEqualTo(404); // now cached

    int flood = 40;
    ExecutorService pool = Executors.newFixedThreadPool(flood);
    try {
      List<Future<RawHttp.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < flood; i++) {
        replies.add(pool.submit(() -> fetchWithHeader(base, fetchPath, "Bearer " + victim.workerId() + ":wrong")));
      }
      Thread.sleep(200); // the flood is under way
      long start = System.nanoTime();
      assertThat(fetchWithHeader(base, fetchPath, otherBearer).status()).isEqualTo(404);
      assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).as("cached bearer during the flood").isLessThan(500);
      int unavailable = 0;
      for (Future<RawHttp.Reply> f : replies) {
        RawHttp.Reply reply = f.get();
        assertThat(reply.status()).isIn(401, 503);
        if (reply.status() == 503) {
          unavailable++;
          assertThat(reply.headers()).containsEntry("retry-after", "1");
          assertThat(ServerFixture.JSON.readTree(reply.body()).get("type").asText()).isEqualTo("about:blank");
        }
      }
      assertThat(unavailable).as("shed").isGreaterThan(flood / 2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void parallelFirstRequestsOfOneWorkerShareOneSlowHash() throws Exception {
    CredentialRegistry registry = CredentialRegistry.open(dir.resolve("workers.json"));
    WorkerCredential worker = registry.addWorker(List.of());
    FileAuthenticator authenticator = FileAuthenticator.builder().registry(registry)
        .maxConcurrentVerifications(1)
        .maxWaitingVerifications(20, Duration.ofMillis(50)) // far shorter than one hash
        .build();
    URI base = start(authenticator, b -> b);
    String fetchPath = "/v0/experiments/" + experiment + "/artifacts?uri=eden%3A%2F%2Fartifacts%2F" + "0".repeat(32);
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      List<Future<RawHttp.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        replies.add(pool.submit(() -> fetchWithHeader(base, fetchPath, "Bearer " + worker.bearer())));
      }
      for (Future<RawHttp.Reply> f : replies) {
        assertThat(f.get().status()).isEqualTo(404); // authenticated, and no such artifact
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private RawHttp.Reply fetchWithHeader(URI base, String path, String bearer) throws IOException {
    try (RawHttp http = new RawHttp(base, 30_000)) {
      http.write("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\n"
          + ArtifactHandler.EXPERIMENT_HEADER + ": " + experiment + "\r\nAuthorization: " + bearer
          + "\r\nConnection: close\r\n\r\n");
      return http.readReply();
    }
  }

  @Test
  void connectionsBeyondTheBoundWaitUntilOneCloses() throws Exception {
    URI base = start(b -> b.maxConnections(3).requestHeadTimeout(Duration.ofSeconds(30)));
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(connect(base));
    }
    Thread.sleep(300);
    try (RawHttp http = new RawHttp(base, 1_000)) { // the kernel completes the handshake; Jetty does not accept
      http.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      try {
        http.readUncheckedReply();
        throw new AssertionError("answered beyond the connection bound");
      } catch (SocketTimeoutException expected) {
        // waiting in the accept queue
      }
      held.get(0).close();
      http.socket.setSoTimeout(10_000);
      assertThat(http.readUncheckedReply().status()).isEqualTo(200);
    }
  }
}
