package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jdk.JdkHttpServerHandler;
import dev.eden.artifacts.server.jdk.JdkHttpServers;
import dev.eden.artifacts.server.jetty.ArtifactJettyHandler;
import dev.eden.artifacts.server.jetty.ExactRequestHeaders;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every request header the endpoints act on is read exactly as sent — byte for byte, once — on
 * every transport, including on a kept-alive connection whose earlier requests carried values
 * differing only in letter case (a server-side header cache must not hand back an earlier value),
 * and a header that must occur once is refused when it occurs twice.
 */
class ExactRequestHeadersTest {
  static final String ADMIN_TOKEN = "admin-token-for-tests";
  static final String WORKER = Principal.mintWorkerId();
  static final String SECRET = "secret-a";
  static final String BOUNDARY = "Eden-Boundary-q7X";

  final ExperimentId experiment = ExperimentId.mint();
  @TempDir java.nio.file.Path dir;
  Transport.Running server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  // ---- Item: header values are byte-exact on a reused connection --------------------------

  @ParameterizedTest
  @EnumSource(Transport.class)
  void adminNameDifferingOnlyInCaseIsUnauthorizedOnAReusedConnection(Transport transport) throws Exception {
    try (RawHttp c = connect(transport)) {
      assertStatus(deposit(c, auth("Bearer admin:")), 401, "unauthorized");
      assertStatus(deposit(c, auth("Bearer ADMIN:" + ADMIN_TOKEN)), 401, "unauthorized");
      assertStatus(deposit(c, auth("Bearer admin:" + ADMIN_TOKEN)), 201, null);
      assertStatus(deposit(c, auth("Bearer Admin:" + ADMIN_TOKEN)), 401, "unauthorized");
      assertStatus(fetch(c, auth("Bearer aDMIN:" + ADMIN_TOKEN)), 401, "unauthorized");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void workerIdDifferingOnlyInCaseIsUnauthorizedOnAReusedConnection(Transport transport) throws Exception {
    try (RawHttp c = connect(transport)) {
      assertStatus(deposit(c, auth("Bearer " + WORKER + ":" + SECRET)), 201, null);
      assertStatus(deposit(c, auth("Bearer " + WORKER.toUpperCase(Locale.ROOT) + ":" + SECRET)), 401, "unauthorized");
      assertStatus(deposit(c, auth("Bearer " + swapCase(WORKER, 4) + ":" + SECRET)), 401, "unauthorized");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void secretDifferingOnlyInCaseIsUnauthorizedOnAReusedConnection(Transport transport) throws Exception {
    try (RawHttp c = connect(transport)) {
      assertStatus(deposit(c, auth("Bearer " + WORKER + ":" + SECRET)), 201, null);
      assertStatus(deposit(c, auth("Bearer " + WORKER + ":" + SECRET.toUpperCase(Locale.ROOT))), 401, "unauthorized");
      assertStatus(deposit(c, auth("Bearer admin:" + ADMIN_TOKEN)), 201, null);
      assertStatus(deposit(c, auth("Bearer admin:" + swapCase(ADMIN_TOKEN, 0))), 401, "unauthorized");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void experimentIdDifferingOnlyInCaseIsAMismatchOnAReusedConnection(Transport transport) throws Exception {
    start(transport);
    // One connection per variant: Tomcat closes a connection after any 400.
    try (RawHttp c = new RawHttp(server.base(), 20_000)) {
      assertStatus(deposit(c, workerAuth()), 201, null);
      assertStatus(send(c, "POST", "", multipart(BOUNDARY), workerAuth(), multipartType(BOUNDARY),
          ArtifactHandler.EXPERIMENT_HEADER + ": " + experiment.value().toUpperCase(Locale.ROOT)),
          400, "experiment-id-mismatch");
    }
    try (RawHttp c = new RawHttp(server.base(), 20_000)) {
      assertStatus(deposit(c, workerAuth()), 201, null);
      assertStatus(send(c, "GET", "?uri=x", null, workerAuth(),
          ArtifactHandler.EXPERIMENT_HEADER + ": " + swapCase(experiment.value(), 4)), 400, "experiment-id-mismatch");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void boundaryDifferingOnlyInCaseIsADifferentBoundaryOnAReusedConnection(Transport transport) throws Exception {
    String variant = swapCase(BOUNDARY, 0);
    try (RawHttp c = connect(transport)) {
      assertStatus(deposit(c, workerAuth()), 201, null);
      // Header and body both use the variant: a well-formed deposit.
      RawHttp.Reply reply = send(c, "POST", "", multipart(variant), workerAuth(), experimentHeader(),
          multipartType(variant));
      assertStatus(reply, 201, null);
      assertThat(ServerFixture.JSON.readTree(reply.body()).get("size_bytes").asLong()).isEqualTo(CONTENT.length);
      // The header names the variant, the body is framed with the earlier boundary: no delimiter.
      // (Last on the connection: a malformed deposit closes it.)
      assertStatus(send(c, "POST", "", multipart(BOUNDARY), workerAuth(), experimentHeader(),
          multipartType(variant)), 400, "bad-request");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void hostDifferingOnlyInCaseIsEchoedAsSentOnAReusedConnection(Transport transport) throws Exception {
    try (RawHttp c = connect(transport)) {
      int port = server.base().getPort();
      for (String host : List.of("Eden.Example:" + port, "eden.EXAMPLE:" + port)) {
        RawHttp.Reply reply = send(c, "GET", "?uri=x", null, "Host: " + host, experimentHeader());
        assertStatus(reply, 401, "unauthorized");
        assertThat(ServerFixture.JSON.readTree(reply.body()).get("instance").asText())
            .startsWith("http://" + host + "/");
      }
    }
  }

  @Test
  void coreJettyHandlerRefusesToStartBehindAConnectorThatMayHandBackCachedValues() throws Exception {
    Server jetty = new Server();
    jetty.addConnector(new ServerConnector(jetty)); // Jetty's default HttpConfiguration
    jetty.setHandler(new ArtifactJettyHandler(ArtifactHandler.builder()
        .service(ArtifactService.builder().backend(new InMemoryArtifactBackend())
            .store(new InMemoryArtifactStore()).build())
        .authenticator(InMemoryAuthenticator.builder().adminToken(ADMIN_TOKEN).build())
        .servedExperiments(experiment)
        .build()));
    try {
      assertThatThrownBy(jetty::start).hasStackTraceContaining("ExactRequestHeaders.apply");
    } finally {
      jetty.stop();
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void servletRefusesToServeOnAJettyConnectorThatMayHandBackCachedValues(boolean ownServletContextClass)
      throws Exception {
    Server jetty = new Server();
    jetty.addConnector(new ServerConnector(jetty)); // Jetty's default HttpConfiguration
    // A context with its own ServletContext class, as Jetty's WebAppContext has.
    ServletContextHandler context = ownServletContextClass
        ? new ServletContextHandler("/") {
            @Override
            public ServletContextApi newServletContextApi() {
              return new ServletContextApi() {};
            }
          }
        : new ServletContextHandler("/");
    context.addServlet(new ServletHolder(new ArtifactServlet(ArtifactHandler.builder()
        .service(ArtifactService.builder().backend(new InMemoryArtifactBackend())
            .store(new InMemoryArtifactStore()).build())
        .authenticator(InMemoryAuthenticator.builder().adminToken(ADMIN_TOKEN).build())
        .servedExperiments(experiment)
        .build())), "/*");
    jetty.setHandler(context);
    try {
      // The servlet's init fails, so the container does not serve with headers it may alter.
      assertThatThrownBy(jetty::start).hasStackTraceContaining("ExactRequestHeaders.apply");
    } finally {
      jetty.stop();
    }
  }

  // ---- Item: headers that must occur once --------------------------------------------------

  @ParameterizedTest
  @EnumSource(Transport.class)
  void twoAuthorizationHeadersAreUnauthorized(Transport transport) throws Exception {
    try (RawHttp c = connect(transport)) {
      assertStatus(deposit(c, workerAuth()), 201, null);
      assertStatus(deposit(c, workerAuth(), workerAuth()), 401, "unauthorized");
      assertStatus(deposit(c, workerAuth(), auth("Bearer admin:" + ADMIN_TOKEN)), 401, "unauthorized");
      assertStatus(deposit(c, auth("Bearer admin:wrong"), workerAuth()), 401, "unauthorized");
      assertStatus(fetch(c, workerAuth(), workerAuth()), 401, "unauthorized");
      assertStatus(deposit(c, workerAuth()), 201, null);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void twoExperimentHeadersAreAMismatch(Transport transport) throws Exception {
    start(transport);
    // One connection per case: Tomcat closes a connection after any 400.
    try (RawHttp c = new RawHttp(server.base(), 20_000)) {
      assertStatus(deposit(c, workerAuth()), 201, null);
      assertStatus(send(c, "POST", "", multipart(BOUNDARY), workerAuth(), multipartType(BOUNDARY),
          experimentHeader(), experimentHeader()), 400, "experiment-id-mismatch");
    }
    try (RawHttp c = new RawHttp(server.base(), 20_000)) {
      assertStatus(deposit(c, workerAuth()), 201, null);
      assertStatus(send(c, "GET", "?uri=x", null, workerAuth(), experimentHeader(),
          ArtifactHandler.EXPERIMENT_HEADER + ": " + ExperimentId.mint()), 400, "experiment-id-mismatch");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void twoContentTypeHeadersOnADepositAreABadRequest(Transport transport) throws Exception {
    start(transport);
    List<List<String>> pairs = List.of(
        List.of(multipartType(BOUNDARY), multipartType(BOUNDARY)),
        List.of(multipartType(BOUNDARY), multipartType("other")),
        List.of(multipartType("other"), multipartType(BOUNDARY)));
    for (List<String> pair : pairs) {
      // A refused deposit closes its connection (its body is not read), so one connection each.
      try (RawHttp c = new RawHttp(server.base(), 20_000)) {
        assertStatus(deposit(c, workerAuth()), 201, null);
        List<String> headers = new ArrayList<>(List.of(workerAuth(), experimentHeader()));
        headers.addAll(pair);
        assertStatus(send(c, "POST", "", multipart(BOUNDARY), headers.toArray(String[]::new)), 400, "bad-request");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void framingAndHostHeadersThatMustOccurOnceAreRefusedByTheTransport(Transport transport) throws Exception {
    start(transport);
    byte[] body = multipart(BOUNDARY);
    String length = "Content-Length: " + body.length;
    List<List<String>> framings = List.of(
        List.of(length, length),
        List.of(length, "Content-Length: " + (body.length + 1)),
        List.of(length, "Transfer-Encoding: chunked"),
        List.of("Transfer-Encoding: chunked", "Transfer-Encoding: chunked"));
    for (List<String> framing : framings) {
      try (RawHttp c = new RawHttp(server.base(), 20_000)) {
        List<String> headers = new ArrayList<>(List.of(hostHeader(), experimentHeader(), workerAuth(),
            multipartType(BOUNDARY)));
        headers.addAll(framing);
        c.write(head("POST", "", headers));
        c.write(body);
        // 400, or 501 where a transport rejects the repeated coding as one it does not implement.
        assertThat(c.readUncheckedReply().status()).as("%s", framing).isIn(400, 501);
      }
    }
    try (RawHttp c = new RawHttp(server.base(), 20_000)) {
      c.write(head("POST", "", List.of(hostHeader(), hostHeader(), experimentHeader(), workerAuth(),
          multipartType(BOUNDARY), length)));
      c.write(body);
      assertThat(c.readUncheckedReply().status()).as("two Host headers").isEqualTo(400);
    }
  }

  // ---- Requests -----------------------------------------------------------------------------

  static final byte[] CONTENT = "exact bytes".getBytes(StandardCharsets.UTF_8);

  private RawHttp connect(Transport transport) throws Exception {
    start(transport);
    return new RawHttp(server.base(), 20_000);
  }

  private void start(Transport transport) throws Exception {
    ArtifactHandler handler = ArtifactHandler.builder()
        .service(ArtifactService.builder().backend(new InMemoryArtifactBackend())
            .store(new InMemoryArtifactStore()).maxArtifactBytes(1024).build())
        .authenticator(InMemoryAuthenticator.builder().adminToken(ADMIN_TOKEN).worker(WORKER, SECRET).build())
        .servedExperiments(experiment)
        .build();
    server = transport.start(handler);
  }

  private RawHttp.Reply deposit(RawHttp c, String... authorizations) throws IOException {
    List<String> headers = new ArrayList<>(List.of(experimentHeader(), multipartType(BOUNDARY)));
    headers.addAll(List.of(authorizations));
    return send(c, "POST", "", multipart(BOUNDARY), headers.toArray(String[]::new));
  }

  private RawHttp.Reply fetch(RawHttp c, String... authorizations) throws IOException {
    List<String> headers = new ArrayList<>(List.of(experimentHeader()));
    headers.addAll(List.of(authorizations));
    return send(c, "GET", "?uri=eden%3A%2F%2Fartifacts%2F" + "0".repeat(32), null, headers.toArray(String[]::new));
  }

  /** One request on {@code c}: request line, Host unless given, {@code headerLines} in order, Content-Length. */
  private RawHttp.Reply send(RawHttp c, String method, String query, byte[] body, String... headerLines)
      throws IOException {
    List<String> headers = new ArrayList<>(List.of(headerLines));
    if (headers.stream().noneMatch(h -> h.startsWith("Host: "))) {
      headers.add(0, hostHeader());
    }
    if (body != null) {
      headers.add("Content-Length: " + body.length);
    }
    // One write: the body arrives with the head, so a server that answers without reading it can
    // still drain it and keep the connection open for the next request.
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(head(method, query, headers).getBytes(StandardCharsets.UTF_8));
    if (body != null) {
      request.writeBytes(body);
    }
    c.write(request.toByteArray());
    return c.readReply();
  }

  private String head(String method, String query, List<String> headers) {
    StringBuilder sb = new StringBuilder().append(method).append(' ').append(server.prefix())
        .append("/v0/experiments/").append(experiment).append("/artifacts").append(query)
        .append(" HTTP/1.1\r\n");
    headers.forEach(h -> sb.append(h).append("\r\n"));
    return sb.append("\r\n").toString();
  }

  private String hostHeader() {
    return "Host: 127.0.0.1:" + server.base().getPort();
  }

  private String experimentHeader() {
    return ArtifactHandler.EXPERIMENT_HEADER + ": " + experiment;
  }

  private static String workerAuth() {
    return auth("Bearer " + WORKER + ":" + SECRET);
  }

  private static String auth(String value) {
    return "Authorization: " + value;
  }

  private static String multipartType(String boundary) {
    return "Content-Type: multipart/form-data; boundary=" + boundary;
  }

  private static byte[] multipart(String boundary) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
        + "Content-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(CONTENT);
    out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** {@code text} with the letter case of every character from {@code from} on inverted. */
  private static String swapCase(String text, int from) {
    StringBuilder sb = new StringBuilder(text.substring(0, from));
    for (char ch : text.substring(from).toCharArray()) {
      sb.append(Character.isUpperCase(ch) ? Character.toLowerCase(ch) : Character.toUpperCase(ch));
    }
    return sb.toString();
  }

  private static void assertStatus(RawHttp.Reply reply, int status, String problem) {
    assertThat(reply.status()).as("%s", reply.body()).isEqualTo(status);
    if (problem != null) {
      assertThat(reply.body()).contains("\"eden://error/" + problem + "\"");
    }
  }
}
