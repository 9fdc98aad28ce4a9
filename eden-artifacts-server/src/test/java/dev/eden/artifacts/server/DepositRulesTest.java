package dev.eden.artifacts.server;

import static dev.eden.artifacts.server.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eden.artifacts.ArtifactUris;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.FetchedArtifact;
import dev.eden.artifacts.Principal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class DepositRulesTest extends ServerTest {
  static final int CAP = 64 * 1024;
  static final String BAD_REQUEST = "eden://error/bad-request";

  @Override
  long maxArtifactBytes() {
    return CAP;
  }

  private Response post(RequestBody body) throws Exception {
    return fixture.http.newCall(fixture.depositRequest(ServerFixture.workerA(), body).build()).execute();
  }

  private byte[] fetchBytes(String authorization, String uri) throws Exception {
    try (Response response = fixture.fetch(authorization, uri)) {
      assertThat(response.code()).isEqualTo(200);
      return response.body().bytes();
    }
  }

  private void assertNothingStored() {
    assertThat(fixture.blobFiles()).isEmpty();
  }

  @Test
  void bodyThatIsNotMultipartIsBadRequest() throws Exception {
    try (Response r = post(RequestBody.create("hello", MediaType.get("text/plain")))) {
      assertProblem(r, 400, BAD_REQUEST);
    }
    assertNothingStored();
  }

  @Test
  void multipartWithoutBoundaryIsBadRequest() throws Exception {
    try (Response r = post(RequestBody.create("--x\r\n\r\n--x--\r\n", MediaType.get("multipart/form-data")))) {
      assertProblem(r, 400, BAD_REQUEST);
    }
  }

  @Test
  void mediaTypeThatOnlyBeginsLikeFormDataIsBadRequest() throws Exception {
    String body = "--b0und\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nx\r\n--b0und--\r\n";
    for (String type : new String[] {"multipart/form-dataX; boundary=b0und", "multipart/form-data+json; boundary=b0und"}) {
      try (Response r = post(RequestBody.create(body, MediaType.get(type)))) {
        assertProblem(r, 400, BAD_REQUEST);
      }
    }
    assertNothingStored();
  }

  @Test
  void multipartWithZeroPartsIsBadRequest() throws Exception {
    try (Response r = post(RequestBody.create("--b0und\r\n--b0und--\r\n".replace("--b0und\r\n--", "--"),
        MediaType.get("multipart/form-data; boundary=b0und")))) {
      assertProblem(r, 400, BAD_REQUEST);
    }
    assertNothingStored();
  }

  @Test
  void twoFilePartsAreBadRequest() throws Exception {
    RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("file", "a.txt", RequestBody.create(new byte[] {1}, MediaType.get("text/plain")))
        .addFormDataPart("file", "b.txt", RequestBody.create(new byte[] {2}, MediaType.get("text/plain")))
        .build();
    try (Response r = post(body)) {
      assertProblem(r, 400, BAD_REQUEST);
    }
    assertNothingStored();
  }

  @Test
  void extraPlainFieldAfterTheFileIsBadRequest() throws Exception {
    RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("file", "a.txt", RequestBody.create(new byte[] {1}, MediaType.get("text/plain")))
        .addFormDataPart("note", "hello")
        .build();
    try (Response r = post(body)) {
      assertProblem(r, 400, BAD_REQUEST);
    }
    assertNothingStored();
  }

  @Test
  void plainFieldBeforeTheFileIsBadRequest() throws Exception {
    RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("note", "hello")
        .addFormDataPart("file", "a.txt", RequestBody.create(new byte[] {1}, MediaType.get("text/plain")))
        .build();
    try (Response r = post(body)) {
      assertProblem(r, 400, BAD_REQUEST);
    }
    assertNothingStored();
  }

  @Test
  void partWithAnotherNameIsBadRequest() throws Exception {
    RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("upload", "a.txt", RequestBody.create(new byte[] {1}, MediaType.get("text/plain")))
        .build();
    try (Response r = post(body)) {
      assertProblem(r, 400, BAD_REQUEST);
    }
    assertNothingStored();
  }

  @Test
  void filePartWithoutFilenameIsBadRequest() throws Exception {
    RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("file", "just a field value")
        .build();
    try (Response r = post(body)) {
      assertProblem(r, 400, BAD_REQUEST);
    }
    assertNothingStored();
  }

  @Test
  void artifactOfExactlyTheCapIsAccepted() throws Exception {
    byte[] bytes = new byte[CAP];
    bytes[CAP - 1] = 7;
    JsonNode created = fixture.deposit(ServerFixture.workerA(), "cap.bin", "application/octet-stream", bytes);
    assertThat(created.get("size_bytes").asLong()).isEqualTo(CAP);
    assertThat(fetchBytes(ServerFixture.workerA(), created.get("artifacts_uri").asText())).isEqualTo(bytes);
  }

  @Test
  void artifactOneByteOverTheCapIsPayloadTooLarge() throws Exception {
    try (Response r = post(ServerFixture.onePart("big.bin", "application/octet-stream", new byte[CAP + 1]))) {
      assertProblem(r, 413, "eden://error/payload-too-large");
      assertThat(r.header("Connection")).isEqualTo("close");
    }
    assertNothingStored();
  }

  @Test
  void contentTypeIsEchoedExactly() throws Exception {
    for (String type : List.of("text/plain", "text/html", "application/json", "image/svg+xml",
        "text/plain; charset=iso-8859-1", "application/x-eden; version=2; q=\"a b\"",
        "text/csv;header=present", "application/vnd.eden.plan+json")) {
      JsonNode created = depositRaw("a.bin", type, new byte[] {1, 2, 3});
      assertThat(created.get("content_type").asText()).as("recorded %s", type).isEqualTo(type);
      try (Response response = fixture.fetch(ServerFixture.workerA(), created.get("artifacts_uri").asText())) {
        assertThat(response.code()).isEqualTo(200);
        assertThat(response.header("Content-Type")).as("served %s", type).isEqualTo(type);
        assertThat(response.headers("Content-Type")).hasSize(1);
        assertThat(response.body().bytes()).containsExactly(1, 2, 3);
      }
    }
  }

  @Test
  void absentContentTypeIsRecordedAsOctetStream() throws Exception {
    JsonNode created = depositRaw("a.bin", null, new byte[] {9});
    assertThat(created.get("content_type").asText()).isEqualTo("application/octet-stream");
    try (Response response = fixture.fetch(ServerFixture.workerA(), created.get("artifacts_uri").asText())) {
      assertThat(response.header("Content-Type")).isEqualTo("application/octet-stream");
    }
  }

  @Test
  void controlCharactersAreStrippedFromTheContentType() throws Exception {
    JsonNode created = depositRaw("a.bin", " text/plain\u0001\u007f\u00e9 ", new byte[] {9});
    assertThat(created.get("content_type").asText()).isEqualTo("text/plain");
  }

  @Test
  void contentTypeEmptyAfterCleaningIsRecordedAsOctetStream() throws Exception {
    for (String type : new String[] {"", "   ", "\u0001\u007f\u00e9"}) {
      JsonNode created = depositRaw("a.bin", type, new byte[] {9});
      assertThat(created.get("content_type").asText()).as("declared %s", type)
          .isEqualTo("application/octet-stream");
    }
  }

  @Test
  void zeroByteArtifactRoundTrips() throws Exception {
    JsonNode created = fixture.deposit(ServerFixture.workerA(), "empty", "application/octet-stream", new byte[0]);
    assertThat(created.get("size_bytes").asLong()).isZero();
    try (Response response = fixture.fetch(ServerFixture.workerA(), created.get("artifacts_uri").asText())) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.header("Content-Length")).isEqualTo("0");
      assertThat(response.body().bytes()).isEmpty();
    }
  }

  @Test
  void everyByteValueRoundTrips() throws Exception {
    byte[] bytes = new byte[256 * 64];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 7 + i / 256);
    }
    // The boundary-like sequences a naive parser trips over.
    byte[] tricky = "\r\n--\r\n--boundary\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(tricky, 0, bytes, 100, tricky.length);
    JsonNode created = fixture.deposit(ServerFixture.workerA(), "all.bin", "application/octet-stream", bytes);
    assertThat(fetchBytes(ServerFixture.workerA(), created.get("artifacts_uri").asText())).isEqualTo(bytes);
  }

  @Test
  void nonAsciiFilenameIsOfferedBackInRfc6266Form() throws Exception {
    JsonNode created = fixture.deposit(ServerFixture.workerA(), "plän – 計画.txt", "text/plain", new byte[] {1});
    try (Response response = fixture.fetch(ServerFixture.workerA(), created.get("artifacts_uri").asText())) {
      assertThat(response.header("Content-Disposition")).isEqualTo(
          "attachment; filename=\"pl_n _ __.txt\"; filename*=UTF-8''pl%C3%A4n%20%E2%80%93%20%E8%A8%88%E7%94%BB.txt");
    }
  }

  @Test
  void filenameWithQuotesAndLineBreaksCannotBreakTheHeader() throws Exception {
    // Sent raw, as a hostile client would: CR/LF and quotes inside the quoted filename.
    String body = "--xyz\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"a\\\"b\rX-Injected: 1\\\\.html\"\r\n"
        + "Content-Type: text/html\r\n\r\n<b>hi</b>\r\n--xyz--\r\n";
    JsonNode created;
    try (Response r = post(RequestBody.create(body.getBytes(StandardCharsets.UTF_8),
        MediaType.get("multipart/form-data; boundary=xyz")))) {
      String text = r.body().string();
      assertThat(r.code()).as(text).isEqualTo(201);
      created = ServerFixture.JSON.readTree(text);
    }
    try (Response response = fixture.fetch(ServerFixture.workerA(), created.get("artifacts_uri").asText())) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.header("X-Injected")).isNull();
      String disposition = response.header("Content-Disposition");
      assertThat(disposition).startsWith("attachment; filename=\"").doesNotContain("\r").doesNotContain("\n");
      assertThat(disposition.chars().filter(c -> c == '"').count()).isEqualTo(2);
      assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(response.body().string()).isEqualTo("<b>hi</b>");
    }
  }

  @Test
  void okHttpEncodedLineBreaksInFilenameAreHarmless() throws Exception {
    JsonNode created = fixture.deposit(ServerFixture.workerA(), "a\r\nb\".txt", "text/plain", new byte[] {1});
    try (Response response = fixture.fetch(ServerFixture.workerA(), created.get("artifacts_uri").asText())) {
      String disposition = response.header("Content-Disposition");
      assertThat(disposition).doesNotContain("\r").doesNotContain("\n");
      assertThat(disposition.chars().filter(c -> c == '"').count()).isEqualTo(2);
    }
  }

  @Test
  void workerDepositIsAttributedToTheWorker() throws Exception {
    JsonNode created = fixture.deposit(ServerFixture.workerA(), "a", "text/plain", new byte[] {1});
    assertThat(recorded(created).createdBy()).isEqualTo(Principal.worker(ServerFixture.WORKER_A));
  }

  @Test
  void adminDepositIsAttributedToAdmin() throws Exception {
    JsonNode created = fixture.deposit(ServerFixture.admin(), "a", "text/plain", new byte[] {1});
    ArtifactMetadata metadata = recorded(created);
    assertThat(metadata.createdBy().name()).isEqualTo("admin");
    // the depositing admin reads it back; a worker may not
    assertThat(fetchBytes(ServerFixture.admin(), created.get("artifacts_uri").asText())).containsExactly(1);
    try (Response r = fixture.fetch(ServerFixture.workerA(), created.get("artifacts_uri").asText())) {
      assertProblem(r, 403, "eden://error/forbidden");
    }
  }

  @Test
  void concurrentDepositsGetDistinctUrisAndKeepTheirBytes() throws Exception {
    int n = 16;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> uris = new ArrayList<>();
      List<byte[]> payloads = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] bytes = new byte[1000 + i * 997];
        java.util.Arrays.fill(bytes, (byte) i);
        payloads.add(bytes);
        Callable<String> task = () -> fixture.deposit(ServerFixture.workerA(), "c" + bytes.length,
            "application/octet-stream", bytes).get("artifacts_uri").asText();
        uris.add(pool.submit(task));
      }
      Set<String> distinct = new HashSet<>();
      for (int i = 0; i < n; i++) {
        String uri = uris.get(i).get();
        distinct.add(uri);
        assertThat(fetchBytes(ServerFixture.workerA(), uri)).isEqualTo(payloads.get(i));
      }
      assertThat(distinct).hasSize(n);
    } finally {
      pool.shutdownNow();
    }
  }

  private ArtifactMetadata recorded(JsonNode created) throws Exception {
    try (FetchedArtifact a = fixture.service.open(fixture.experiment, Principal.admin(),
        created.get("artifacts_uri").asText())) {
      assertThat(ArtifactUris.parse(created.get("artifacts_uri").asText())).contains(a.metadata().id());
      return a.metadata();
    }
  }

  @Test
  void bareLineFeedBeforeTheBoundaryIsContentNotADelimiter() throws Exception {
    // RFC 2046 §5.1.1: only CRLF "--" boundary ends a part; each of these is stored byte for byte.
    for (String content : List.of("a\n--raw0--\r\nmore", "a\n--raw0\r\nContent-Disposition: x\r\n\r\n",
        "\n--raw0--", "a\n--raw0zz")) {
      byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
      JsonNode created = depositRaw("lf.bin", "application/octet-stream", bytes);
      assertThat(created.get("size_bytes").asLong()).as(content).isEqualTo(bytes.length);
      assertThat(fetchBytes(ServerFixture.workerA(), created.get("artifacts_uri").asText())).as(content)
          .isEqualTo(bytes);
    }
  }

  @Test
  void transferCodingOtherThanChunkedAloneIsBadRequestAndStoresNothing() throws Exception {
    // Sent plain although declared gzip: stored as sent before no endpoint decoded transfer codings.
    byte[] body = ("--raw0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n"
        + "hello\r\n--raw0--\r\n").getBytes(StandardCharsets.US_ASCII);
    String chunked = Integer.toHexString(body.length) + "\r\n" + new String(body, StandardCharsets.US_ASCII)
        + "\r\n0\r\n\r\n";
    for (String codings : List.of("gzip, chunked", "identity, chunked", "gzip\r\nTransfer-Encoding: chunked",
        "chunked\r\nTransfer-Encoding: chunked")) {
      String head = RawHttp.depositHead(fixture, ServerFixture.workerA(), "multipart/form-data; boundary=raw0", null)
          .replace("Transfer-Encoding: chunked", "Transfer-Encoding: " + codings);
      try (RawHttp raw = new RawHttp(fixture.baseUri(), 10_000)) {
        raw.write(head + chunked);
        RawHttp.Reply reply = raw.readReply();
        assertThat(reply.status()).as(codings + ": " + reply.body()).isEqualTo(400);
        assertThat(reply.body()).contains(BAD_REQUEST);
        assertThat(reply.headers().get("connection")).as(codings).isEqualTo("close");
      }
    }
    assertNothingStored();
  }

  /** Deposits with a hand-written part so the declared type reaches the server untouched. */
  private JsonNode depositRaw(String filename, String contentType, byte[] bytes) throws Exception {
    StringBuilder head = new StringBuilder("--raw0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
        .append(filename).append("\"\r\n");
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    head.append("\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
    byte[] t = "\r\n--raw0--\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] body = new byte[h.length + bytes.length + t.length];
    System.arraycopy(h, 0, body, 0, h.length);
    System.arraycopy(bytes, 0, body, h.length, bytes.length);
    System.arraycopy(t, 0, body, h.length + bytes.length, t.length);
    Request request = fixture.depositRequest(ServerFixture.workerA(),
        RequestBody.create(body, MediaType.get("multipart/form-data; boundary=raw0"))).build();
    try (Response r = fixture.http.newCall(request).execute()) {
      String text = r.body().string();
      assertThat(r.code()).as(text).isEqualTo(201);
      return ServerFixture.JSON.readTree(text);
    }
  }
}
