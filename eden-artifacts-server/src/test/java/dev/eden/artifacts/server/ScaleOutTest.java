package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.s3.testing.S3TestServer;
import dev.eden.artifacts.server.cli.ServerMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Two runnable servers, each its own process on its own port, sharing one PostgreSQL database and
 * one bucket of a real S3-compatible server: what one accepts the other serves, a worker enrolled
 * once is known to both, and a server killed in the middle of a deposit leaves nothing visible and
 * only an upload that the start-up sweep removes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutTest {
  static final String ADMIN_TOKEN = "scale-out-admin-token";
  static final String PREFIX = "eden/blobs";
  /** Above the default part size (8 MiB), so such a deposit is a multipart upload. */
  static final int MULTIPART_SIZE = 12 * 1024 * 1024 + 17;

  @TempDir static Path dir;

  private final OkHttpClient http = WireBodies.checkedClientBuilder()
      .readTimeout(Duration.ofMinutes(1)).writeTimeout(Duration.ofMinutes(1)).build();
  private final ExperimentId experiment = ExperimentId.mint();
  private TestDatabases.Schema schema;
  private S3TestServer s3;
  private String bucket;
  private String worker;
  private ForkedServer a;
  private ForkedServer b;

  @BeforeAll
  void startTwoServers() throws Exception {
    schema = TestDatabases.postgresSchema();
    s3 = S3TestServer.shared();
    bucket = s3.createBucket();
    worker = addWorker();
    a = serve("a");
    b = serve("b");
  }

  @AfterAll
  void stop() throws Exception {
    for (ForkedServer server : new ForkedServer[] {a, b}) {
      if (server != null) {
        server.close();
      }
    }
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  @Order(1)
  void whatOneServerAcceptsTheOtherServesByteExact() throws Exception {
    for (int size : new int[] {0, 4096, MULTIPART_SIZE}) {
      byte[] bytes = randomBytes(size, size);
      String viaA = deposit(a, worker, bytes);
      assertThat(fetch(b, worker, viaA)).isEqualTo(bytes);
      String viaB = deposit(b, worker, bytes);
      assertThat(fetch(a, worker, viaB)).isEqualTo(bytes);
    }
  }

  @Test
  @Order(2)
  void aWorkerEnrolledOnceIsAcceptedByEveryInstanceWithinTwoSeconds() throws Exception {
    String late = addWorker();
    long enrolled = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Long>> accepted = new ArrayList<>();
      for (ForkedServer server : List.of(a, b)) {
        accepted.add(pool.submit(() -> {
          int status = 401;
          while (status == 401 && System.nanoTime() - enrolled < Duration.ofSeconds(2).toNanos()) {
            status = depositStatus(server, late, new byte[] {1, 2, 3});
          }
          assertThat(status).as("deposit by a newly enrolled worker through " + server.baseUri).isEqualTo(201);
          return Duration.ofNanos(System.nanoTime() - enrolled).toMillis();
        }));
      }
      System.out.printf("a worker enrolled with add-worker --db was accepted by the two instances after %d and %d ms%n",
          accepted.get(0).get(), accepted.get(1).get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Order(3)
  void sixteenConcurrentDepositsSpreadOverBothServersAreAllByteExact() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<String[]>> deposits = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        int n = i;
        deposits.add(pool.submit(() -> {
          int size = n % 4 == 0 ? MULTIPART_SIZE - n : new Random(n).nextInt(256 * 1024);
          byte[] bytes = randomBytes(size, 100 + n);
          ForkedServer via = n % 2 == 0 ? a : b;
          return new String[] {deposit(via, worker, bytes), sha256(bytes), String.valueOf(n)};
        }));
      }
      for (Future<String[]> deposit : deposits) {
        String[] done = deposit.get();
        ForkedServer other = Integer.parseInt(done[2]) % 2 == 0 ? b : a;
        assertThat(sha256(fetch(other, worker, done[0]))).isEqualTo(done[1]);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Order(4)
  void aServerKilledMidDepositLeavesNothingVisibleAndTheSweepRemovesItsUpload() throws Exception {
    S3Client client = s3.client();
    List<String> before = objectKeys(client);
    long sent;
    try (Socket socket = new Socket(a.baseUri.getHost(), a.baseUri.getPort())) {
      OutputStream out = socket.getOutputStream();
      long size = 64L * 1024 * 1024;
      String boundary = "scale-out-boundary";
      byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
          + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
      out.write(("POST /v0/experiments/" + experiment + "/artifacts HTTP/1.1\r\nHost: " + a.baseUri.getAuthority()
          + "\r\nAuthorization: Bearer " + worker + "\r\n" + ArtifactHandler.EXPERIMENT_HEADER + ": " + experiment
          + "\r\nContent-Type: multipart/form-data; boundary=" + boundary
          + "\r\nContent-Length: " + (head.length + size + tail.length) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(head);
      byte[] chunk = randomBytes(1024 * 1024, 7);
      sent = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      // enough for the first part to be uploaded: the multipart upload then exists in the bucket
      while (uploads(client) == 0 && sent < size - chunk.length && System.nanoTime() < deadline) {
        out.write(chunk);
        out.flush();
        sent += chunk.length;
        if (sent >= 20L * 1024 * 1024) {
          Thread.sleep(50);
        }
      }
      assertThat(uploads(client)).as("an upload in progress after %d bytes", sent).isEqualTo(1);
      a.kill();
    }

    // nothing partial is visible: the same objects as before, the same artifacts, and B serves on
    assertThat(objectKeys(client)).containsExactlyInAnyOrderElementsOf(before);
    byte[] bytes = randomBytes(MULTIPART_SIZE, 8);
    assertThat(fetch(b, worker, deposit(b, worker, bytes))).isEqualTo(bytes);
    assertThat(objectKeys(client)).hasSize(before.size() + 1);

    // a restarted server sweeps the leftover upload once it is older than its threshold
    Thread.sleep(1_500);
    a = serve("a", "--sweep-temps-older-than", "PT1S");
    assertThat(a.output()).contains("removed 1 leftover(s) of crashed deposits");
    assertThat(uploads(client)).isZero();
    assertThat(fetch(a, worker, deposit(a, worker, bytes))).isEqualTo(bytes);
  }

  private ForkedServer serve(String name, String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of(
        "--port", "0", "--data-dir", dir.resolve(name).toString(), "--db", schema.url(),
        "--experiment-id", experiment.value(), "--blob-store", "s3://" + bucket + "/" + PREFIX,
        "--s3-endpoint", s3.endpoint().toString(), "--s3-path-style"));
    args.addAll(List.of(more));
    Map<String, String> environment = Map.of(
        "AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_ACCESS_KEY);
    ForkedServer server = ForkedServer.startWithEnvironment(List.of("-Xmx128m"), environment, ADMIN_TOKEN,
        args.toArray(String[]::new));
    assertThat(server.output()).contains("blobs: s3://" + bucket + "/" + PREFIX + " at " + s3.endpoint());
    return server;
  }

  private String addWorker() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(ServerMain.class);
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute("add-worker", "--db", schema.url())).as(out.toString()).isZero();
    List<String> lines = out.toString().lines().toList();
    return lines.get(lines.size() - 1);
  }

  private String artifacts(ForkedServer server) {
    return server.baseUri + "/v0/experiments/" + experiment + "/artifacts";
  }

  private String deposit(ForkedServer server, String bearer, byte[] bytes) throws IOException {
    try (Response r = http.newCall(depositRequest(server, bearer, bytes)).execute()) {
      String body = r.body().string();
      assertThat(r.code()).as(body).isEqualTo(201);
      return ServerFixture.JSON.readTree(body).get("artifacts_uri").asText();
    }
  }

  private int depositStatus(ForkedServer server, String bearer, byte[] bytes) throws IOException {
    try (Response r = http.newCall(depositRequest(server, bearer, bytes)).execute()) {
      return r.code();
    }
  }

  private Request depositRequest(ForkedServer server, String bearer, byte[] bytes) {
    return new Request.Builder().url(artifacts(server))
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", "Bearer " + bearer)
        .post(ServerFixture.onePart("part.bin", "application/octet-stream", bytes))
        .build();
  }

  private byte[] fetch(ForkedServer server, String bearer, String uri) throws IOException {
    try (Response r = http.newCall(new Request.Builder()
        .url(artifacts(server) + "?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8))
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", "Bearer " + bearer).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      r.body().byteStream().transferTo(body);
      return body.toByteArray();
    }
  }

  private List<String> objectKeys(S3Client client) {
    return client.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList();
  }

  private int uploads(S3Client client) {
    return client.listMultipartUploads(r -> r.bucket(bucket)).uploads().size();
  }

  static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
