package dev.eden.artifacts.server.jdk;

import static dev.eden.artifacts.server.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eden.artifacts.server.WireBodies;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.server.ArtifactHandler;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK HttpServer adapter on a real socket, mounted under a context path as an application would. */
class JdkHttpServerHandlerTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String WORKER = Principal.mintWorkerId();
  static final String SECRET = "worker-secret";
  static final long CAP = 256 * 1024;

  final ExperimentId experiment = ExperimentId.mint();
  final OkHttpClient http = WireBodies.checkedClient();
  @TempDir Path dir;
  HttpServer server;
  ExecutorService executor;
  String base;

  @BeforeEach
  void start() throws IOException {
    ArtifactHandler handler = ArtifactHandler.builder()
        .service(ArtifactService.builder()
            .backend(new FileArtifactBackend(dir.resolve("blobs")))
            .store(new InMemoryArtifactStore())
            .maxArtifactBytes(CAP)
            .build())
        .authenticator(InMemoryAuthenticator.builder().worker(WORKER, SECRET).build())
        .servedExperiments(experiment)
        .build();
    server = JdkHttpServers.create(new InetSocketAddress("127.0.0.1", 0));
    executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext("/eden", new JdkHttpServerHandler(handler));
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort() + "/eden";
  }

  @AfterEach
  void stop() {
    http.connectionPool().evictAll();
    server.stop(0);
    executor.shutdownNow();
  }

  @Test
  void creatingAServerTurnsNoDelayOn() {
    assertThat(System.getProperty(JdkHttpServers.NODELAY_PROPERTY)).isEqualTo("true");
  }

  @Test
  void depositThenFetchReturnsTheExactBytesAndHeadersVerbatim() throws IOException {
    byte[] bytes = new byte[200_000];
    new Random(7).nextBytes(bytes);
    // A parameter the servlet layer would rewrite: it must come back byte for byte.
    String contentType = "text/plain; charset=ISO-8859-1";
    JsonNode created = deposit(bytes, "notes.txt", contentType);
    assertThat(created.get("size_bytes").asLong()).isEqualTo(bytes.length);
    assertThat(created.get("content_type").asText()).isEqualTo(contentType);
    String uri = created.get("artifacts_uri").asText();
    assertThat(uri).matches("eden://artifacts/[0-9a-f]{32}");

    try (Response r = http.newCall(fetch(uri).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo(contentType);
      assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(bytes.length));
      assertThat(r.header("Transfer-Encoding")).isNull();
      assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(r.header("Content-Disposition")).startsWith("attachment;").contains("notes.txt");
      assertThat(r.header(ArtifactHandler.CREATED_BY_HEADER)).isEqualTo(WORKER);
      assertThat(r.body().bytes()).isEqualTo(bytes);
    }
  }

  @Test
  void chunkedDepositOfAnEmptyFileFetchesBackAsZeroLength() throws IOException {
    RequestBody unknownLength = new RequestBody() {
      @Override
      public MediaType contentType() {
        return MediaType.get("application/octet-stream");
      }

      @Override
      public long contentLength() {
        return -1; // forces Transfer-Encoding: chunked on the request
      }

      @Override
      public void writeTo(BufferedSink sink) {}
    };
    JsonNode created;
    try (Response r = http.newCall(authorized(new Request.Builder().url(artifactsUrl()))
        .post(new MultipartBody.Builder().setType(MultipartBody.FORM)
            .addFormDataPart("file", "empty.bin", unknownLength).build())
        .build()).execute()) {
      String body = r.body().string();
      assertThat(r.code()).as(body).isEqualTo(201);
      created = JSON.readTree(body);
    }
    assertThat(created.get("size_bytes").asLong()).isZero();
    try (Response r = http.newCall(fetch(created.get("artifacts_uri").asText()).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Length")).isEqualTo("0");
      assertThat(r.body().bytes()).isEmpty();
    }
  }

  @Test
  void fetchWithoutBearerIsUnauthorizedProblemJsonNamingTheFullUrl() throws IOException {
    String url = artifactsUrl() + "?uri=x";
    try (Response r = http.newCall(new Request.Builder().url(url)
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value()).build()).execute()) {
      JsonNode problem = assertProblem(r, 401, "eden://error/unauthorized");
      assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
      assertThat(problem.get("instance").asText()).isEqualTo(url);
    }
  }

  @Test
  void fetchOfUnknownUriIsNotFound() throws IOException {
    try (Response r = http.newCall(fetch("eden://artifacts/" + "0".repeat(32)).build()).execute()) {
      assertProblem(r, 404, "eden://error/not-found");
    }
  }

  @Test
  void putIsMethodNotAllowedWithAllowHeader() throws IOException {
    try (Response r = http.newCall(authorized(new Request.Builder().url(artifactsUrl()))
        .put(RequestBody.create(new byte[0])).build()).execute()) {
      assertProblem(r, 405, "about:blank");
      assertThat(r.header("Allow")).isEqualTo("GET, HEAD, POST");
    }
  }

  @Test
  void headOfHealthAnnouncesTheLengthWithoutABody() throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(base + "/healthz").head().build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Length")).isEqualTo("15");
      assertThat(r.body().bytes()).isEmpty();
    }
    try (Response r = http.newCall(new Request.Builder().url(base + "/healthz").build()).execute()) {
      assertThat(r.body().string()).isEqualTo("{\"status\":\"ok\"}");
    }
  }

  @Test
  void declaredOverCapDepositIs413AndTheConnectionIsClosed() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.getAddress().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      String head = "POST /eden/v0/experiments/" + experiment + "/artifacts HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\n"
          + ArtifactHandler.EXPERIMENT_HEADER + ": " + experiment + "\r\n"
          + "Authorization: Bearer " + WORKER + ":" + SECRET + "\r\n"
          + "Content-Type: multipart/form-data; boundary=b\r\n"
          + "Content-Length: " + (CAP * 100) + "\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      // More than the server is willing to drain, far less than announced.
      out.write(new byte[128 * 1024]);
      out.flush();
      String response = readUntilClosed(socket.getInputStream());
      assertThat(response).startsWith("HTTP/1.1 413");
      assertThat(response).containsIgnoringCase("Connection: close");
      assertThat(response).contains("eden://error/payload-too-large");
    }
  }

  @Test
  void fetchWhoseBlobIsShortAbortsTheConnectionInsteadOfEndingTheBody() throws IOException {
    byte[] bytes = new byte[100_000];
    new Random(3).nextBytes(bytes);
    String uri = deposit(bytes, "a.bin", "application/octet-stream").get("artifacts_uri").asText();
    String id = uri.substring(uri.lastIndexOf('/') + 1);
    Path blob = dir.resolve("blobs").resolve(id.substring(0, 2)).resolve(id);
    Files.write(blob, java.util.Arrays.copyOf(bytes, 40_000));

    try (Response r = http.newCall(fetch(uri).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Length")).isEqualTo("100000");
      assertThatThrownBy(() -> r.body().bytes()).isInstanceOf(IOException.class);
    }
  }

  private JsonNode deposit(byte[] bytes, String filename, String contentType) throws IOException {
    try (Response r = http.newCall(authorized(new Request.Builder().url(artifactsUrl()))
        .post(new MultipartBody.Builder().setType(MultipartBody.FORM)
            .addFormDataPart("file", filename, RequestBody.create(bytes, MediaType.get(contentType)))
            .build())
        .build()).execute()) {
      String body = r.body().string();
      assertThat(r.code()).as(body).isEqualTo(201);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      return JSON.readTree(body);
    }
  }

  private Request.Builder fetch(String uri) {
    return authorized(new Request.Builder()
        .url(artifactsUrl() + "?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8)));
  }

  private Request.Builder authorized(Request.Builder request) {
    return request
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", "Bearer " + WORKER + ":" + SECRET);
  }

  private String artifactsUrl() {
    return base + "/v0/experiments/" + experiment + "/artifacts";
  }

  private static String readUntilClosed(InputStream in) throws IOException {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        seen.write(buffer, 0, n);
      }
    } catch (SocketException reset) {
      // Closing with unread request bytes makes the kernel reset instead of a clean FIN: also closed.
    }
    return seen.toString(StandardCharsets.ISO_8859_1);
  }
}
