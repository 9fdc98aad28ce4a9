package dev.eden.artifacts.server;

import static dev.eden.artifacts.server.TestDigests.sha256;
import static dev.eden.artifacts.server.TestDigests.sha256Field;
import static dev.eden.artifacts.server.TestDigests.sha256Hex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ArtifactUris;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.FetchedArtifact;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import dev.eden.artifacts.testkit.LeakTrackingBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A deposit's {@code file} part may carry its own {@code Content-Digest} header (RFC 9530, the
 * digest of that part's bytes): on every transport, and so with both multipart readers, bytes that
 * do not match its {@code sha-256} are refused with 400 and leave no blob and no row; a malformed
 * value or a repeated header is refused; other algorithms are not checked; the header name is
 * matched in any case; and digest headers on the request itself do not count. Sent as raw bytes
 * (and once by curl), so that the part header reaches the server exactly as written.
 */
class DepositContentDigestTest {
  static final String ADMIN_TOKEN = "admin-token-for-tests";
  static final String WORKER = Principal.mintWorkerId();
  static final String SECRET = "secret-a";
  static final String BOUNDARY = "d1gest-b0undary";
  static final String BAD_REQUEST = "eden://error/bad-request";

  final ExperimentId experiment = ExperimentId.mint();
  final InMemoryArtifactBackend blobs = new InMemoryArtifactBackend();
  final LeakTrackingBackend backend = new LeakTrackingBackend(blobs);
  final InMemoryArtifactStore store = new InMemoryArtifactStore();
  final ArtifactService service = ArtifactService.builder()
      .backend(backend).store(store).maxArtifactBytes(1024 * 1024).build();
  @TempDir Path dir;
  Transport.Running server;

  /** Spans several reads of every reader's buffer, so the digest must cover them all. */
  final byte[] content = randomBytes(200_000);

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    backend.assertNoLeaks();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void matchingSha256IsCreatedAndAnswersThatDigest(Transport transport) throws Exception {
    start(transport);
    RawHttp.Reply reply = deposit(content, "Content-Digest: " + sha256Field(content));
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    assertThat(reply.headers().get("x-eden-artifact-sha256")).isEqualTo(sha256Hex(content));
    assertStored(reply, content);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void bytesThatDifferFromTheSha256AreBadRequestAndStoreNothing(Transport transport) throws Exception {
    start(transport);
    byte[] sent = content.clone();
    sent[sent.length / 2] ^= 1; // one bit flipped in transit
    String detail = assertRefused(() -> deposit(sent, "Content-Digest: " + sha256Field(content)));
    assertThat(detail).contains("do not match", "SHA-256", sha256Hex(content), sha256Hex(sent));
    // A digest of other bytes altogether, and one whose only fault is the missing last byte.
    assertRefused(() -> deposit(content, "Content-Digest: " + sha256Field(new byte[0])));
    byte[] truncated = java.util.Arrays.copyOf(content, content.length - 1);
    assertRefused(() -> deposit(truncated, "Content-Digest: " + sha256Field(content)));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void malformedContentDigestIsBadRequestSayingSo(Transport transport) throws Exception {
    start(transport);
    byte[] small = "small".getBytes(StandardCharsets.US_ASCII);
    String b64 = Base64.getEncoder().encodeToString(sha256(small));
    List<String> malformed = List.of(
        "sha-256=:" + b64, // unterminated byte sequence
        "sha-256=:" + b64.replace('+', '*').replace('/', '*') + "*:", // not base64
        "sha-256=:" + b64 + ":,", // trailing comma
        "SHA-256=:" + b64 + ":", // keys are lowercase
        "sha-256=:" + Base64.getEncoder().encodeToString(new byte[31]) + ":", // 31 bytes
        "sha-256=" + sha256Hex(small), // hex is not a byte sequence
        "sha-256");
    for (String value : malformed) {
      String detail = assertRefused(() -> deposit(small, "Content-Digest: " + value));
      assertThat(detail).as(value).contains("Content-Digest", "malformed");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void controlCharactersAroundTheDigestAreRefusedThoughParsersTrimThem(Transport transport) throws Exception {
    start(transport);
    byte[] small = "small".getBytes(StandardCharsets.US_ASCII);
    for (String value : List.of(sha256Field(small) + "\u0000", "\u000b" + sha256Field(small),
        sha256Field(small) + "\u001f", sha256Field(small) + "\u007f")) {
      String detail = assertRefused(() -> deposit(small, "Content-Digest: " + value));
      assertThat(detail).contains("Content-Digest");
    }
    // Spaces and tabs around a value are optional whitespace (RFC 9110 §5.5), not a fault.
    RawHttp.Reply reply = deposit(small, "Content-Digest: \t" + sha256Field(small) + " \t");
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void otherAlgorithmsAreNotChecked(Transport transport) throws Exception {
    start(transport);
    // Not the SHA-512 of the content: a server that checked it would refuse.
    String sha512 = "sha-512=:" + Base64.getEncoder().encodeToString(randomBytes(64)) + ":";
    RawHttp.Reply reply = deposit(content, "Content-Digest: " + sha512);
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    assertStored(reply, content);
    // Beside them, a sha-256 member is still checked.
    assertRefused(() -> deposit(content, "Content-Digest: " + sha512 + ", " + sha256Field(new byte[0])));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void repeatedContentDigestPartHeaderIsBadRequest(Transport transport) throws Exception {
    start(transport);
    // Refused from the part's headers, before its content is read: a small body.
    byte[] small = "small".getBytes(StandardCharsets.US_ASCII);
    String right = "Content-Digest: " + sha256Field(small);
    assertThat(assertRefused(() -> deposit(small, right, right))).contains("Content-Digest", "once");
    assertThat(assertRefused(() -> deposit(small, right, "content-digest: " + sha256Field(new byte[0]))))
        .contains("Content-Digest", "once");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void headerNameIsMatchedInAnyCase(Transport transport) throws Exception {
    start(transport);
    assertRefused(() -> deposit(content, "CONTENT-DIGEST: " + sha256Field(new byte[0])));
    assertRefused(() -> deposit(content, "content-digest: " + sha256Field(new byte[0])));
    RawHttp.Reply reply = deposit(content, "CONTENT-DIGEST: " + sha256Field(content));
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    assertStored(reply, content);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void digestHeadersOnTheRequestItselfAreNotUsed(Transport transport) throws Exception {
    start(transport);
    String wrong = sha256Field(new byte[0]);
    // They describe the whole multipart body, never the file part's bytes.
    RawHttp.Reply reply = send(multipart(content), "Repr-Digest: " + wrong, "Content-Digest: " + wrong);
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    assertStored(reply, content);
    reply = send(multipart(content, "Content-Digest: " + sha256Field(content)),
        "Repr-Digest: " + wrong, "Content-Digest: " + wrong);
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void curlPartHeaderIsChecked(Transport transport) throws Exception {
    start(transport);
    Path file = dir.resolve("content.bin");
    Files.write(file, content);
    Curl created = curl(file, sha256Field(content));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.body()).contains("\"size_bytes\":" + content.length);
    Curl refused = curl(file, sha256Field(new byte[0]));
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.body()).contains(BAD_REQUEST, "do not match");
    assertThat(rows()).hasSize(1);
    assertThat(blobIds()).hasSize(1);
  }

  // ---- Requests -----------------------------------------------------------------------------

  private void start(Transport transport) throws Exception {
    ArtifactHandler handler = ArtifactHandler.builder()
        .service(service)
        .authenticator(InMemoryAuthenticator.builder().adminToken(ADMIN_TOKEN).worker(WORKER, SECRET).build())
        .servedExperiments(experiment)
        .build();
    server = transport.start(handler);
  }

  /** A deposit of {@code bytes} whose file part carries {@code partHeaders}. */
  private RawHttp.Reply deposit(byte[] bytes, String... partHeaders) throws IOException {
    return send(multipart(bytes, partHeaders));
  }

  /**
   * One deposit on a connection of its own (a refused deposit closes its connection), the body
   * written with the head.
   */
  private RawHttp.Reply send(byte[] body, String... requestHeaders) throws IOException {
    StringBuilder head = new StringBuilder().append("POST ").append(server.prefix())
        .append("/v0/experiments/").append(experiment).append("/artifacts HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:").append(server.base().getPort()).append("\r\n")
        .append(ArtifactHandler.EXPERIMENT_HEADER).append(": ").append(experiment).append("\r\n")
        .append("Authorization: Bearer ").append(WORKER).append(':').append(SECRET).append("\r\n")
        .append("Content-Type: multipart/form-data; boundary=").append(BOUNDARY).append("\r\n");
    for (String header : requestHeaders) {
      head.append(header).append("\r\n");
    }
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    request.writeBytes(body);
    try (RawHttp c = new RawHttp(server.base(), 20_000)) {
      c.write(request.toByteArray());
      return c.readReply();
    }
  }

  private static byte[] multipart(byte[] bytes, String... partHeaders) {
    StringBuilder head = new StringBuilder("--" + BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
        + "Content-Type: application/octet-stream\r\n");
    for (String header : partHeaders) {
      head.append(header).append("\r\n");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(bytes);
    out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  record Curl(int status, String body) {}

  /** curl's own multipart encoder, with the part header given through {@code -F ...;headers=}. */
  private Curl curl(Path file, String contentDigest) throws Exception {
    String url = "http://127.0.0.1:" + server.base().getPort() + server.prefix()
        + "/v0/experiments/" + experiment + "/artifacts";
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30",
        "-w", "\n%{http_code}",
        "-H", ArtifactHandler.EXPERIMENT_HEADER + ": " + experiment,
        "-H", "Authorization: Bearer " + WORKER + ":" + SECRET,
        "-F", "file=@" + file + ";type=application/octet-stream;headers=\"Content-Digest: " + contentDigest + "\"",
        url));
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(curl.exitValue()).as(output).isZero();
    int statusLine = output.lastIndexOf('\n');
    return new Curl(Integer.parseInt(output.substring(statusLine + 1).trim()), output.substring(0, statusLine));
  }

  // ---- Assertions ---------------------------------------------------------------------------

  /** A request to the server, sent when called. */
  @FunctionalInterface
  interface Exchange {
    RawHttp.Reply send() throws IOException;
  }

  /** {@code exchange} is answered 400 bad-request and adds no blob and no row; returns the detail. */
  private String assertRefused(Exchange exchange) throws IOException {
    List<ArtifactId> blobsBefore = blobIds();
    List<ArtifactId> rowsBefore = rows();
    RawHttp.Reply reply = exchange.send();
    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(reply.body()).contains("\"" + BAD_REQUEST + "\"");
    assertThat(blobIds()).isEqualTo(blobsBefore);
    assertThat(rows()).isEqualTo(rowsBefore);
    assertThat(backend.leaks()).isEmpty();
    return ServerFixture.JSON.readTree(reply.body()).get("detail").asText();
  }

  /** The 201's artifact has exactly {@code bytes}, and it is the only blob and row besides earlier ones. */
  private void assertStored(RawHttp.Reply reply, byte[] bytes) throws IOException {
    String uri = ServerFixture.JSON.readTree(reply.body()).get("artifacts_uri").asText();
    ArtifactId id = ArtifactUris.parse(uri).orElseThrow();
    assertThat(rows()).contains(id);
    assertThat(blobIds()).contains(id);
    try (FetchedArtifact fetched = service.open(experiment, Principal.admin(), uri)) {
      assertThat(fetched.content().readAllBytes()).isEqualTo(bytes);
      assertThat(fetched.metadata().sha256()).isEqualTo(sha256Hex(bytes));
    }
  }

  private List<ArtifactId> blobIds() throws IOException {
    try (Stream<ArtifactId> ids = blobs.ids()) {
      return ids.sorted().toList();
    }
  }

  private List<ArtifactId> rows() {
    return store.idsCreatedBefore(experiment, Instant.MAX, 1000).stream().sorted().toList();
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(n).nextBytes(bytes);
    return bytes;
  }
}
