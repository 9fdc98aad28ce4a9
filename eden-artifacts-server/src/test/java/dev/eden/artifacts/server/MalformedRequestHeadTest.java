package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jdk.JdkHttpServerHandler;
import dev.eden.artifacts.server.jdk.JdkHttpServers;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A request whose framing or {@code Host} is malformed (RFC 9112 §3.2, §6.3; RFC 9110 §8.6) is
 * refused with a 400 and a closed connection by every transport this module ships: the JDK
 * {@code HttpServer} adapter and the embedded Jetty server. Each request would be answered 200 if
 * it were well-formed ({@code GET /healthz}), so only the malformation can cause the 400.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestHeadTest {
  static final String WORKER = Principal.mintWorkerId();

  /** Who answers: the adapter or the JDK server itself, which writes plain HTML on what it cannot parse. */
  enum JdkAnswer { ADAPTER, JDK_ITSELF }

  enum Transport { JDK, JETTY }

  /** A malformed request head; {@code jdk} says who refuses it on the JDK server. */
  record Case(String name, String head, JdkAnswer jdk) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        // RFC 9112 §3.2: exactly one Host, with a valid value, on every HTTP/1.1 request.
        new Case("no Host", "GET /healthz HTTP/1.1\r\n\r\n", JdkAnswer.ADAPTER),
        new Case("two Host lines", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", JdkAnswer.ADAPTER),
        new Case("Host: a b", "GET /healthz HTTP/1.1\r\nHost: a b\r\n\r\n", JdkAnswer.ADAPTER),
        new Case("Host with a path", "GET /healthz HTTP/1.1\r\nHost: a/b\r\n\r\n", JdkAnswer.ADAPTER),
        new Case("Host with userinfo", "GET /healthz HTTP/1.1\r\nHost: user@a\r\n\r\n", JdkAnswer.ADAPTER),
        new Case("Host port not digits", "GET /healthz HTTP/1.1\r\nHost: a:8o\r\n\r\n", JdkAnswer.ADAPTER),
        // RFC 9110 §8.6: Content-Length = 1*DIGIT; anything else is unrecoverable framing.
        new Case("Content-Length: +0", get("Content-Length: +0"), JdkAnswer.ADAPTER),
        new Case("Content-Length: -0", get("Content-Length: -0"), JdkAnswer.ADAPTER),
        new Case("Content-Length: 0x0", get("Content-Length: 0x0"), JdkAnswer.JDK_ITSELF),
        new Case("Content-Length: 0 0", get("Content-Length: 0 0"), JdkAnswer.JDK_ITSELF),
        new Case("Content-Length overflow", get("Content-Length: 99999999999999999999"), JdkAnswer.JDK_ITSELF),
        new Case("Content-Length: 0, 1", get("Content-Length: 0, 1"), JdkAnswer.JDK_ITSELF),
        new Case("two differing Content-Length lines",
            get("Content-Length: 0\r\nContent-Length: 1"), JdkAnswer.JDK_ITSELF),
        new Case("Content-Length with Transfer-Encoding",
            "POST /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            JdkAnswer.JDK_ITSELF));
  }

  private static String get(String extraHeader) {
    return "GET /healthz HTTP/1.1\r\nHost: a\r\n" + extraHeader + "\r\n\r\n";
  }

  static Stream<Arguments> transportsAndCases() {
    return Stream.of(Transport.values()).flatMap(t -> cases().map(c -> Arguments.of(t, c)));
  }

  JettyArtifactServer jetty;
  HttpServer jdk;
  ExecutorService jdkThreads;

  @BeforeAll
  void start() throws IOException {
    ArtifactHandler handler = ArtifactHandler.builder()
        .service(ArtifactService.builder()
            .backend(new InMemoryArtifactBackend())
            .store(new InMemoryArtifactStore())
            .build())
        .authenticator(InMemoryAuthenticator.builder().worker(WORKER, "secret").build())
        .servedExperiments(ExperimentId.mint())
        .build();
    jetty = JettyArtifactServer.builder().handler(handler).host("127.0.0.1").port(0).build().start();
    jdk = JdkHttpServers.create(new InetSocketAddress("127.0.0.1", 0));
    jdkThreads = Executors.newFixedThreadPool(4);
    jdk.setExecutor(jdkThreads);
    jdk.createContext("/", new JdkHttpServerHandler(handler));
    jdk.start();
  }

  @AfterAll
  void stop() {
    jetty.close();
    jdk.stop(0);
    jdkThreads.shutdownNow();
  }

  private URI base(Transport transport) {
    return transport == Transport.JETTY
        ? jetty.baseUri()
        : URI.create("http://127.0.0.1:" + jdk.getAddress().getPort());
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void wellFormedRequestIsServed(Transport transport) throws IOException {
    Answer answer = exchange(transport, "GET /healthz HTTP/1.1\r\nHost: a:80\r\nConnection: close\r\n\r\n");
    assertThat(answer.status).as(answer.text).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void http10RequestNeedsNoHost(Transport transport) throws IOException {
    Answer answer = exchange(transport, "GET /healthz HTTP/1.0\r\n\r\n");
    assertThat(answer.status).as(answer.text).isEqualTo(200);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("transportsAndCases")
  void malformedHeadIsBadRequestAndClosesTheConnection(Transport transport, Case malformed)
      throws IOException {
    Answer answer = exchange(transport, malformed.head());
    assertThat(answer.status).as(answer.text).isEqualTo(400);
    assertThat(answer.closed).as("connection closed after the 400").isTrue();
    if (transport == Transport.JETTY || malformed.jdk() == JdkAnswer.ADAPTER) {
      assertThat(answer.header("content-type")).as(answer.text)
          .isEqualTo("application/problem+json; charset=utf-8");
      assertThat(answer.body()).contains("\"type\":\"eden://error/bad-request\"");
      WireBodies.check(400, answer.header("content-type"), answer.body());
    }
  }

  /** Sends {@code head}, then reads until the server closes the connection (or 10 s pass). */
  private Answer exchange(Transport transport, String head) throws IOException {
    URI base = base(transport);
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return Answer.read(socket.getInputStream());
    }
  }

  /** One response as read off the wire; {@code closed} if the server closed after it. */
  record Answer(int status, String text, boolean closed) {
    static Answer read(InputStream in) throws IOException {
      ByteArrayOutputStream seen = new ByteArrayOutputStream();
      boolean closed;
      try {
        in.transferTo(seen);
        closed = true;
      } catch (java.net.SocketTimeoutException stillOpen) {
        closed = false;
      } catch (SocketException reset) {
        closed = true; // closing with unread request bytes resets instead of a clean FIN
      }
      String text = seen.toString(StandardCharsets.ISO_8859_1);
      int status = text.startsWith("HTTP/1.") ? Integer.parseInt(text.substring(9, 12)) : -1;
      return new Answer(status, text, closed);
    }

    String header(String name) {
      String head = text.substring(0, Math.max(0, text.indexOf("\r\n\r\n")));
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    String body() {
      int end = text.indexOf("\r\n\r\n");
      return end < 0 ? "" : text.substring(end + 4);
    }
  }
}
