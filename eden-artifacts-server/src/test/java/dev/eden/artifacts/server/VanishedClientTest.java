package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jdk.JdkHttpServerHandler;
import dev.eden.artifacts.server.jdk.JdkHttpServers;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import dev.eden.artifacts.server.jetty.ExactRequestHeaders;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that closes its connection in the middle of a fetch is routine: the server says so in
 * one DEBUG line, without a stack trace, on every transport. A fault of the server itself after
 * the response started (a blob shorter than its recorded size) still logs a WARN with an incident
 * id. The log is read from slf4j-simple's output on {@code System.err}.
 */
class VanishedClientTest {
  static final String WORKER = Principal.mintWorkerId();
  static final String SECRET = "secret";
  static final int SIZE = 16 * 1024 * 1024; // far more than the socket buffers hold

  enum Transport { JDK, JETTY, SERVLET }

  final ExperimentId experiment = ExperimentId.mint();
  final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  @TempDir Path dir;
  PrintStream originalErr;
  ArtifactService service;
  AutoCloseable server;
  int port;

  @BeforeEach
  void captureLog() {
    originalErr = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreLog() throws Exception {
    if (server != null) {
      server.close();
    }
    System.setErr(originalErr);
  }

  private void start(Transport transport) throws Exception {
    service = ArtifactService.builder()
        .backend(new FileArtifactBackend(dir.resolve("blobs")))
        .store(new InMemoryArtifactStore())
        .maxArtifactBytes(SIZE)
        .build();
    ArtifactHandler handler = ArtifactHandler.builder()
        .service(service)
        .authenticator(InMemoryAuthenticator.builder().worker(WORKER, SECRET).build())
        .servedExperiments(experiment)
        .build();
    switch (transport) {
      case JDK -> {
        HttpServer jdk = JdkHttpServers.create(new InetSocketAddress("127.0.0.1", 0));
        ExecutorService threads = Executors.newFixedThreadPool(4);
        jdk.setExecutor(threads);
        jdk.createContext("/", new JdkHttpServerHandler(handler));
        jdk.start();
        port = jdk.getAddress().getPort();
        server = () -> {
          jdk.stop(0);
          threads.shutdown();
          threads.awaitTermination(30, TimeUnit.SECONDS); // every exchange has ended and logged
        };
      }
      case JETTY -> {
        JettyArtifactServer jetty = JettyArtifactServer.builder().handler(handler).port(0).build().start();
        port = jetty.port();
        server = jetty; // a graceful stop: in-flight requests end first
      }
      case SERVLET -> {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty,
            new HttpConnectionFactory(ExactRequestHeaders.apply(new HttpConfiguration())));
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new ArtifactServlet(handler)), "/*");
        jetty.setHandler(context);
        jetty.start();
        port = connector.getLocalPort();
        server = jetty::stop;
      }
    }
  }

  private String depositLargeArtifact() throws IOException {
    byte[] bytes = new byte[SIZE];
    new Random(11).nextBytes(bytes);
    return service.deposit(experiment, Principal.worker(WORKER), "big.bin", "application/octet-stream",
        new ByteArrayInputStream(bytes)).artifactsUri();
  }

  private String fetchHead(String uri) {
    return "GET /v0/experiments/" + experiment + "/artifacts?uri="
        + URLEncoder.encode(uri, StandardCharsets.UTF_8) + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + ArtifactHandler.EXPERIMENT_HEADER + ": " + experiment + "\r\n"
        + "Authorization: Bearer " + WORKER + ":" + SECRET + "\r\n\r\n";
  }

  /** Waits until the fetch of this experiment was logged (or 20 s pass), then stops the server. */
  private String logOfTheFetch() throws Exception {
    String marker = "GET /v0/experiments/" + experiment;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!log().contains(marker) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    server.close();
    server = null;
    return log();
  }

  private String log() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void clientClosingMidFetchIsOneDebugLineWithoutStackTrace(Transport transport) throws Exception {
    start(transport);
    String uri = depositLargeArtifact();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(fetchHead(uri).getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] first = in.readNBytes(64 * 1024);
      assertThat(new String(first, 0, 12, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      socket.setSoLinger(true, 0); // hang up hard, as a client that refuses the rest would
    }
    String log = logOfTheFetch();
    assertThat(log).as(log)
        .containsPattern("DEBUG .*GET /v0/experiments/" + experiment + "/artifacts: .*client")
        .doesNotContain(" WARN ")
        .doesNotContain(" ERROR ")
        .doesNotContain("\tat ");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void serverFaultAfterTheResponseStartedStillWarnsWithAnIncident(Transport transport) throws Exception {
    start(transport);
    String uri = depositLargeArtifact();
    String id = uri.substring(uri.lastIndexOf('/') + 1);
    Path blob = dir.resolve("blobs").resolve(id.substring(0, 2)).resolve(id);
    // Cut once the response has started: the Jetty adapter checks a file's size before it sends
    // a mapped slice of it, so a file cut before the fetch is a 500 (see ZeroCopyFetchTest).
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(fetchHead(uri).getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] first = in.readNBytes(64 * 1024);
      assertThat(new String(first, 0, 12, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      try (var channel = java.nio.channels.FileChannel.open(blob, java.nio.file.StandardOpenOption.WRITE)) {
        channel.truncate(SIZE / 2);
      }
      byte[] rest = in.readAllBytes(); // the server aborts the connection
      assertThat(first.length + rest.length).isLessThan(SIZE);
    } catch (java.net.SocketException reset) {
      // an abort may arrive as a reset
    }
    String log = logOfTheFetch();
    assertThat(log).as(log).containsPattern(
        "WARN .*GET /v0/experiments/" + experiment + "/artifacts: failed after the response started \\(incident ");
    assertThat(Files.exists(blob)).isTrue();
  }
}
