package dev.eden.artifacts.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.MultipartReader;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh MockWebServer per test, plus canned answers and a multipart reader for requests. */
abstract class MockServerSupport {
  static final String EXPERIMENT = "exp_0123456789abcdefghjkmnpqrs";
  static final String WORKER = "wkr_0123456789abcdefghjkmnpqrs";
  static final String SECRET = "s3cret-Value-42";
  static final String BEARER = WORKER + ":" + SECRET;
  static final String ARTIFACT_URI = "eden://artifacts/0123456789abcdef0123456789abcdef";

  MockWebServer server;

  @BeforeEach
  void startServer() throws IOException {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  StoreClient.Builder clientBuilder() {
    return StoreClient.builder()
        .baseUrl(server.url("/").toString())
        .experimentId(EXPERIMENT)
        .bearer(BEARER)
        .fetchRetryPolicy(fastRetries(4));
  }

  static RetryPolicy fastRetries(int attempts) {
    return RetryPolicy.builder()
        .maxAttempts(attempts)
        .initialBackoff(java.time.Duration.ofMillis(10))
        .maxBackoff(java.time.Duration.ofMillis(40))
        .build();
  }

  static MockResponse receipt(String uri, long size, String contentType) {
    return new MockResponse.Builder()
        .code(201)
        .setHeader("Content-Type", "application/json")
        .body("{\"artifacts_uri\":\"" + uri + "\",\"size_bytes\":" + size
            + ",\"content_type\":\"" + contentType + "\"}")
        .build();
  }

  static MockResponse problem(int status, String type, String title, String detail) {
    return new MockResponse.Builder()
        .code(status)
        .setHeader("Content-Type", "application/problem+json; charset=utf-8")
        .body("{\"type\":\"" + type + "\",\"title\":\"" + title + "\",\"status\":" + status
            + ",\"detail\":\"" + detail + "\",\"instance\":\"/v0/experiments/" + EXPERIMENT
            + "/artifacts\"}")
        .build();
  }

  static MockResponse artifact(String body, String contentType) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", contentType)
        .setHeader("Content-Disposition", "attachment; filename=\"a.bin\"")
        .setHeader("X-Content-Type-Options", "nosniff")
        .body(body)
        .build();
  }

  /** An answer announcing {@code announcedLength} bytes; the connection ends after {@code body}. */
  static MockResponse cutShort(String body, long announcedLength) {
    return new MockResponse.Builder().code(200)
        .setHeader("Content-Type", "application/octet-stream")
        .body(body)
        .setHeader("Content-Length", Long.toString(announcedLength))
        .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
        .build();
  }

  /** One part of a recorded multipart request. */
  record Part(Headers headers, byte[] body) {
  }

  /** Parses the request body with the boundary its Content-Type header announces. */
  static List<Part> parts(RecordedRequest request) throws IOException {
    MediaType type = MediaType.get(request.getHeaders().get("Content-Type"));
    String boundary = type.parameter("boundary");
    List<Part> parts = new ArrayList<>();
    try (MultipartReader reader =
        new MultipartReader(new Buffer().write(request.getBody()), boundary)) {
      for (MultipartReader.Part part; (part = reader.nextPart()) != null; ) {
        parts.add(new Part(part.headers(), part.body().readByteArray()));
      }
    }
    return parts;
  }
}
