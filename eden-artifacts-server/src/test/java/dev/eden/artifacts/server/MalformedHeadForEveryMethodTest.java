package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.MalformedRequestHeadTest.Answer;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever the method, a request the embedded Jetty server (so also the runnable server) cannot
 * read is answered with problem+json (a {@code HEAD} with the headers alone), {@code Connection:
 * close}, and a closed connection. Jetty itself writes an error body only for {@code GET},
 * {@code POST} and {@code HEAD}; every other method once got a bare 400 or 431. Each request goes
 * to {@code /healthz}, which a well-formed {@code GET} gets a 200 from, on a raw socket. When the
 * request line itself cannot be read, Jetty does not know the method: a {@code HEAD} then gets the
 * body too, and the problem names no {@code instance}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedHeadForEveryMethodTest {
  static final String BAD_REQUEST = "eden://error/bad-request";
  static final String ABOUT_BLANK = "about:blank";

  /** One way to break a request head; {@code requestLine} has a {@code %s} for the method. */
  record Malformation(String name, String requestLine, String headers, int status, String type) {
    static Malformation header(String name, String headers, int status, String type) {
      return new Malformation(name, "%s /healthz HTTP/1.1", headers, status, type);
    }

    String request(String method) {
      return String.format(requestLine, method) + "\r\n" + headers + "\r\n";
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Malformation> malformations() {
    return Stream.of(
        Malformation.header("header line without a colon", "Host: a\r\nNoColonHere\r\n", 400, BAD_REQUEST),
        Malformation.header("Content-Length: abc", "Host: a\r\nContent-Length: abc\r\n", 400, BAD_REQUEST),
        Malformation.header("unknown Transfer-Encoding", "Host: a\r\nTransfer-Encoding: bogus\r\n", 400, BAD_REQUEST),
        Malformation.header("Transfer-Encoding: gzip, chunked",
            "Host: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n", 400, BAD_REQUEST),
        Malformation.header("Transfer-Encoding on two lines",
            "Host: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", 400, BAD_REQUEST),
        Malformation.header("headers over the bound", "Host: a\r\nX-Big: " + "a".repeat(20_000) + "\r\n",
            431, ABOUT_BLANK),
        Malformation.header("Content-Length with Transfer-Encoding",
            "Host: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n", 400, BAD_REQUEST),
        Malformation.header("two differing Content-Length lines",
            "Host: a\r\nContent-Length: 0\r\nContent-Length: 1\r\n", 400, BAD_REQUEST),
        Malformation.header("obsolete line folding", "Host: a\r\nX-A: b\r\n c\r\n", 400, BAD_REQUEST),
        Malformation.header("space before the colon", "Host: a\r\nX-A : b\r\n", 400, BAD_REQUEST),
        Malformation.header("NUL in a header value", "Host: a\r\nX-A: b\u0000c\r\n", 400, BAD_REQUEST),
        Malformation.header("no Host", "", 400, BAD_REQUEST),
        Malformation.header("two Host lines", "Host: a\r\nHost: b\r\n", 400, BAD_REQUEST),
        Malformation.header("unsupported Expect", "Host: a\r\nExpect: bogus\r\n", 417, ABOUT_BLANK),
        new Malformation("unknown HTTP version", "%s /healthz HTTP/1.7", "Host: a\r\n", 505, ABOUT_BLANK),
        new Malformation("space inside the target", "%s /heal thz HTTP/1.1", "Host: a\r\n", 400, BAD_REQUEST),
        new Malformation("target over the bound", "%s /" + "a".repeat(20_000) + " HTTP/1.1", "Host: a\r\n",
            414, ABOUT_BLANK));
  }

  static final String[] METHODS = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "FROB"};

  static Stream<Arguments> methodsAndMalformations() {
    return Stream.of(METHODS).flatMap(m -> malformations().map(x -> Arguments.of(m, x)));
  }

  JettyArtifactServer server;

  @BeforeAll
  void start() {
    ArtifactHandler handler = ArtifactHandler.builder()
        .service(ArtifactService.builder()
            .backend(new InMemoryArtifactBackend())
            .store(new InMemoryArtifactStore())
            .build())
        .authenticator(InMemoryAuthenticator.builder().worker(Principal.mintWorkerId(), "secret").build())
        .servedExperiments(ExperimentId.mint())
        .build();
    server = JettyArtifactServer.builder().handler(handler).host("127.0.0.1").port(0).build().start();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "HEAD"})
  void wellFormedRequestIsServed(String method) throws IOException {
    Answer answer = exchange(method + " /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("methodsAndMalformations")
  void malformedHeadIsAProblemAndClosesTheConnection(String method, Malformation malformed) throws IOException {
    Answer answer = exchange(malformed.request(method));
    assertThat(answer.status()).as(answer.text()).isEqualTo(malformed.status());
    assertThat(answer.header("content-type")).as(answer.text()).isEqualTo("application/problem+json; charset=utf-8");
    assertThat(answer.header("connection")).as(answer.text()).isEqualTo("close");
    assertThat(answer.closed()).as("connection closed after the answer").isTrue();
    if (method.equals("HEAD") && malformed.requestLine().endsWith("/healthz HTTP/1.1")) {
      assertThat(answer.body()).as("a HEAD answer has no content").isEmpty();
      assertThat(Long.parseLong(answer.header("content-length"))).isPositive();
      return;
    }
    assertThat(answer.header("content-length")).isEqualTo(Integer.toString(answer.body().length()));
    WireBodies.check(malformed.status(), answer.header("content-type"), answer.body());
    JsonNode problem = ServerFixture.JSON.readTree(answer.body());
    assertThat(problem.get("type").asText()).isEqualTo(malformed.type());
    assertThat(problem.get("status").asInt()).isEqualTo(malformed.status());
    if (problem.has("instance")) {
      assertThat(problem.get("instance").asText()).endsWith("/healthz");
    }
  }

  /** Sends {@code request}, then reads until the server closes the connection (or 10 s pass). */
  private Answer exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return Answer.read(socket.getInputStream());
    }
  }
}
