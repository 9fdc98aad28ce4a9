package dev.eden.artifacts.server;

import static dev.eden.artifacts.server.TestDigests.sha256Field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.ExchangeEvent.Operation;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What an {@link ExchangeListener} hears, on every transport: each exchange once routed and once
 * over, with the status, the body bytes that really moved, the principal, the problem and the
 * artifact's size — the facts the access log and the metrics are made of.
 */
class ExchangeListenerTest {
  static final String ADMIN_TOKEN = "admin-token-for-listener-tests";
  static final String WORKER = Principal.mintWorkerId();
  static final String STRANGER = Principal.mintWorkerId();
  static final String SECRET = "s3cret-of-the-worker";
  static final String STRANGER_SECRET = "s3cret-of-the-stranger";
  static final long CAP = 64 * 1024;
  static final ObjectMapper JSON = new ObjectMapper();

  final ExperimentId experiment = ExperimentId.mint();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  final Recorder recorder = new Recorder();
  ArtifactService service = ArtifactService.builder()
      .backend(new InMemoryArtifactBackend()).store(new InMemoryArtifactStore()).maxArtifactBytes(CAP).build();
  Transport.Running server;
  AutoCloseable jetty;

  /** Every call, in order, from any thread. */
  static final class Recorder implements ExchangeListener {
    final List<Operation> started = new CopyOnWriteArrayList<>();
    final List<ExchangeEvent> finished = new CopyOnWriteArrayList<>();

    @Override
    public void exchangeStarted(Operation operation) {
      started.add(operation);
    }

    @Override
    public void exchangeFinished(ExchangeEvent event) {
      finished.add(event);
    }

    /** The {@code n}th finished exchange (from 1), once it is over: the answer may reach the client first. */
    ExchangeEvent await(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (finished.size() < n && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(finished).as("finished exchanges").hasSizeGreaterThanOrEqualTo(n);
      return finished.get(n - 1);
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (jetty != null) {
      jetty.close();
    }
  }

  private ArtifactHandler.Builder handler(ExchangeListener... listeners) {
    ArtifactHandler.Builder builder = ArtifactHandler.builder()
        .service(service)
        .authenticator(InMemoryAuthenticator.builder().adminToken(ADMIN_TOKEN)
            .worker(WORKER, SECRET).worker(STRANGER, STRANGER_SECRET).build())
        .servedExperiments(experiment);
    Arrays.stream(listeners).forEach(builder::addExchangeListener);
    return builder;
  }

  private void start(Transport transport) throws Exception {
    server = transport.start(handler(recorder).build());
  }

  private URI artifacts(String query) {
    return URI.create(server.base() + server.prefix() + "/v0/experiments/" + experiment + "/artifacts" + query);
  }

  private HttpRequest.Builder request(URI uri, String principal, String secret) {
    return HttpRequest.newBuilder(uri)
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", "Bearer " + principal + ":" + secret);
  }

  /** A multipart body ending right after its closing delimiter, so a reader that stops there reads all of it. */
  static byte[] multipart(byte[] content, String partHeaders) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(("--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
        + "Content-Type: application/octet-stream\r\n" + partHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
    body.writeBytes(content);
    body.writeBytes("\r\n--b0undary--".getBytes(StandardCharsets.US_ASCII));
    return body.toByteArray();
  }

  private HttpResponse<byte[]> deposit(byte[] body) throws Exception {
    return http.send(request(artifacts(""), WORKER, SECRET)
        .header("Content-Type", "multipart/form-data; boundary=b0undary")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> fetch(String uri, String principal, String secret) throws Exception {
    return http.send(request(artifacts("?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8)), principal, secret)
        .build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(n).nextBytes(bytes);
    return bytes;
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void depositsFetchesAndRefusalsAreHeardWithTheBytesThatMoved(Transport transport) throws Exception {
    start(transport);
    byte[] content = randomBytes(5_000);
    byte[] body = multipart(content, "");
    HttpResponse<byte[]> created = deposit(body);
    assertThat(created.statusCode()).isEqualTo(201);
    String uri = JSON.readTree(created.body()).get("artifacts_uri").asText();
    ExchangeEvent deposit = recorder.await(1);
    assertThat(deposit.operation()).isEqualTo(Operation.DEPOSIT);
    assertThat(deposit.method()).isEqualTo("POST");
    assertThat(deposit.path()).isEqualTo("/v0/experiments/" + experiment + "/artifacts");
    assertThat(deposit.status()).isEqualTo(201);
    assertThat(deposit.bytesIn()).isEqualTo(body.length);
    assertThat(deposit.bytesOut()).isEqualTo(created.body().length);
    assertThat(deposit.principal()).isEqualTo(WORKER);
    assertThat(deposit.problem()).isNull();
    assertThat(deposit.outcome()).isEqualTo("ok");
    assertThat(deposit.artifactBytes()).isEqualTo(content.length);
    assertThat(deposit.completed()).isTrue();
    assertThat(deposit.incident()).isNull();
    assertThat(deposit.durationNanos()).isPositive();

    HttpResponse<byte[]> fetched = fetch(uri, WORKER, SECRET);
    assertThat(fetched.body()).isEqualTo(content);
    ExchangeEvent fetch = recorder.await(2);
    assertThat(fetch.operation()).isEqualTo(Operation.FETCH);
    assertThat(fetch.path()).isEqualTo("/v0/experiments/" + experiment + "/artifacts?uri="
        + URLEncoder.encode(uri, StandardCharsets.UTF_8));
    assertThat(fetch.status()).isEqualTo(200);
    assertThat(fetch.bytesIn()).isZero();
    assertThat(fetch.bytesOut()).isEqualTo(content.length);
    assertThat(fetch.principal()).isEqualTo(WORKER);
    assertThat(fetch.outcome()).isEqualTo("ok");
    assertThat(fetch.artifactBytes()).isEqualTo(content.length);

    HttpResponse<byte[]> forbidden = fetch(uri, STRANGER, STRANGER_SECRET);
    assertThat(forbidden.statusCode()).isEqualTo(403);
    ExchangeEvent refused = recorder.await(3);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.principal()).isEqualTo(STRANGER);
    assertThat(refused.problem()).isEqualTo("forbidden");
    assertThat(refused.outcome()).isEqualTo("forbidden");
    assertThat(refused.bytesOut()).isEqualTo(forbidden.body().length);
    assertThat(refused.artifactBytes()).isEqualTo(-1);

    HttpResponse<byte[]> unauthorized = fetch(uri, WORKER, "not-the-" + SECRET);
    assertThat(unauthorized.statusCode()).isEqualTo(401);
    ExchangeEvent unknown = recorder.await(4);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.principal()).isNull();
    assertThat(unknown.problem()).isEqualTo("unauthorized");
    assertThat(unknown.completed()).isTrue();

    assertThat(recorder.started).containsExactly(Operation.DEPOSIT, Operation.FETCH, Operation.FETCH, Operation.FETCH);
    assertThat(recorder.finished).hasSize(4);
  }

  @Test
  void aDepositOverTheCapIsPayloadTooLargeAndReadsNoMoreThanItMust() throws Exception {
    start(Transport.EMBEDDED_JETTY);
    byte[] body = multipart(randomBytes((int) CAP + 1000), "");
    HttpResponse<byte[]> refused = deposit(body);
    assertThat(refused.statusCode()).isEqualTo(413);
    ExchangeEvent tooLarge = recorder.await(1);
    assertThat(tooLarge.problem()).isEqualTo("payload-too-large");
    assertThat(tooLarge.principal()).isEqualTo(WORKER);
    assertThat(tooLarge.bytesIn()).isGreaterThan(CAP).isLessThanOrEqualTo(body.length);
    assertThat(tooLarge.artifactBytes()).isEqualTo(-1);

    // A declared length over the cap and its framing allowance is refused before a body byte is read.
    try (RawHttp raw = new RawHttp(server.base(), 20_000)) {
      raw.write("POST /v0/experiments/" + experiment + "/artifacts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + ArtifactHandler.EXPERIMENT_HEADER + ": " + experiment + "\r\nAuthorization: Bearer " + WORKER + ":" + SECRET
          + "\r\nContent-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: 1000000000\r\n\r\n");
      assertThat(raw.readReply().status()).isEqualTo(413);
    }
    ExchangeEvent declared = recorder.await(2);
    assertThat(declared.problem()).isEqualTo("payload-too-large");
    assertThat(declared.bytesIn()).isZero();
  }

  @Test
  void aDepositWhoseBytesMissTheirDigestIsFlagged() throws Exception {
    start(Transport.EMBEDDED_JETTY);
    byte[] body = multipart(randomBytes(100), "Content-Digest: " + sha256Field(randomBytes(101)) + "\r\n");
    assertThat(deposit(body).statusCode()).isEqualTo(400);
    ExchangeEvent mismatch = recorder.await(1);
    assertThat(mismatch.digestMismatch()).isTrue();
    assertThat(mismatch.problem()).isEqualTo("bad-request");

    byte[] content = randomBytes(100);
    assertThat(deposit(multipart(content, "Content-Digest: " + sha256Field(content) + "\r\n")).statusCode())
        .isEqualTo(201);
    assertThat(recorder.await(2).digestMismatch()).isFalse();
  }

  @Test
  void anInternalFailureCarriesTheIncidentOfIts500() throws Exception {
    service = ArtifactService.builder().backend(new InMemoryArtifactBackend())
        .store(new SecretsNeverLeakTest.BrokenStore()).build();
    PrintStream err = System.err;
    System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // the expected ERROR line
    try {
      start(Transport.EMBEDDED_JETTY);
      HttpResponse<byte[]> failed = deposit(multipart(randomBytes(10), ""));
      assertThat(failed.statusCode()).isEqualTo(500);
      Matcher incident = Pattern.compile("incident ([0-9a-f-]{36})")
          .matcher(new String(failed.body(), StandardCharsets.UTF_8));
      assertThat(incident.find()).isTrue();
      ExchangeEvent event = recorder.await(1);
      assertThat(event.status()).isEqualTo(500);
      assertThat(event.problem()).isEqualTo(ExchangeEvent.INTERNAL).isEqualTo("internal");
      assertThat(event.incident()).isEqualTo(incident.group(1));
      assertThat(event.principal()).isEqualTo(WORKER);
    } finally {
      System.setErr(err);
    }
  }

  @Test
  void headAndNotModifiedWriteNoBodyBytes() throws Exception {
    start(Transport.EMBEDDED_JETTY);
    byte[] content = randomBytes(3_000);
    String uri = JSON.readTree(deposit(multipart(content, "")).body()).get("artifacts_uri").asText();
    URI fetch = artifacts("?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8));
    HttpResponse<byte[]> head = http.send(request(fetch, WORKER, SECRET)
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(head.statusCode()).isEqualTo(200);
    String etag = head.headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> notModified = http.send(request(fetch, WORKER, SECRET).header("If-None-Match", etag)
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(notModified.statusCode()).isEqualTo(304);
    ExchangeEvent headEvent = recorder.await(2);
    assertThat(headEvent.method()).isEqualTo("HEAD");
    assertThat(headEvent.bytesOut()).isZero();
    assertThat(headEvent.artifactBytes()).isEqualTo(content.length);
    ExchangeEvent notModifiedEvent = recorder.await(3);
    assertThat(notModifiedEvent.status()).isEqualTo(304);
    assertThat(notModifiedEvent.bytesOut()).isZero();
    assertThat(notModifiedEvent.outcome()).isEqualTo("ok");
  }

  @Test
  void theRouteNamesTheOperationBeforeAnyCheck() throws Exception {
    start(Transport.EMBEDDED_JETTY);
    send(HttpRequest.newBuilder(URI.create(server.base() + "/healthz")).build());
    send(HttpRequest.newBuilder(URI.create(server.base() + "/nowhere")).build());
    send(HttpRequest.newBuilder(artifacts("")).PUT(HttpRequest.BodyPublishers.noBody()).build());
    // no experiment header, no bearer: still a deposit, refused
    send(HttpRequest.newBuilder(artifacts("")).POST(HttpRequest.BodyPublishers.noBody()).build());
    recorder.await(4);
    assertThat(recorder.finished).extracting(ExchangeEvent::operation, ExchangeEvent::status, ExchangeEvent::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Operation.HEALTH, 200, "ok"),
            org.assertj.core.groups.Tuple.tuple(Operation.OTHER, 404, "not-found"),
            org.assertj.core.groups.Tuple.tuple(Operation.OTHER, 405, "method-not-allowed"),
            org.assertj.core.groups.Tuple.tuple(Operation.DEPOSIT, 400, "experiment-id-mismatch"));
    assertThat(recorder.started).containsExactly(Operation.HEALTH, Operation.OTHER, Operation.OTHER, Operation.DEPOSIT);
  }

  @Test
  void adminExchangesAreHeardAsAdminWithTheirPrincipal() throws Exception {
    JettyArtifactServer started = JettyArtifactServer.builder()
        .handler(handler(recorder).build())
        .adminHandler(AdminHandler.builder().service(service)
            .authenticator(InMemoryAuthenticator.builder().adminToken(ADMIN_TOKEN).build())
            .experiments(experiment).addExchangeListener(recorder).build())
        .port(0).build().start();
    jetty = started;
    HttpResponse<byte[]> listed = send(HttpRequest.newBuilder(
        URI.create(started.baseUri() + "/admin/v1/experiments/" + experiment + "/summary"))
        .header("Authorization", "Bearer admin:" + ADMIN_TOKEN).build());
    assertThat(listed.statusCode()).isEqualTo(200);
    ExchangeEvent admin = recorder.await(1);
    assertThat(admin.operation()).isEqualTo(Operation.ADMIN);
    assertThat(admin.principal()).isEqualTo("admin");
    assertThat(admin.bytesOut()).isEqualTo(listed.body().length);
    assertThat(recorder.started).containsExactly(Operation.ADMIN);
  }

  @Test
  void aThrowingListenerChangesNoAnswerAndTheOthersStillHear() throws Exception {
    ExchangeListener broken = new ExchangeListener() {
      @Override
      public void exchangeStarted(Operation operation) {
        throw new IllegalStateException("broken listener");
      }

      @Override
      public void exchangeFinished(ExchangeEvent event) {
        throw new IllegalStateException("broken listener");
      }
    };
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      server = Transport.EMBEDDED_JETTY.start(handler(broken, recorder).build());
      assertThat(deposit(multipart(randomBytes(10), "")).statusCode()).isEqualTo(201);
      assertThat(recorder.await(1).outcome()).isEqualTo("ok");
      assertThat(recorder.started).containsExactly(Operation.DEPOSIT);
    } finally {
      System.setErr(err);
    }
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("WARN").contains("broken listener");
  }

  @Test
  void aClientGoneMidResponseIsHeardAsDisconnected() throws Exception {
    // deposited through the service, beyond the handler's cap
    ArtifactService unlimited = ArtifactService.builder()
        .backend(new InMemoryArtifactBackend()).store(new InMemoryArtifactStore()).build();
    byte[] big = randomBytes(16 * 1024 * 1024);
    String uri = unlimited.deposit(experiment, Principal.worker(WORKER), "big.bin", null,
        new ByteArrayInputStream(big)).artifactsUri();
    server = Transport.EMBEDDED_JETTY.start(ArtifactHandler.builder().service(unlimited)
        .authenticator(InMemoryAuthenticator.builder().worker(WORKER, SECRET).build())
        .servedExperiments(experiment).addExchangeListener(recorder).build());
    try (Socket socket = new Socket(server.base().getHost(), server.base().getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /v0/experiments/" + experiment + "/artifacts?uri="
          + URLEncoder.encode(uri, StandardCharsets.UTF_8) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + ArtifactHandler.EXPERIMENT_HEADER + ": " + experiment + "\r\nAuthorization: Bearer " + WORKER + ":"
          + SECRET + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      assertThat(in.readNBytes(64 * 1024)).hasSize(64 * 1024);
      socket.setSoLinger(true, 0);
    }
    ExchangeEvent gone = recorder.await(1);
    assertThat(gone.completed()).isFalse();
    assertThat(gone.outcome()).isEqualTo("disconnected");
    assertThat(gone.problem()).isNull();
    assertThat(gone.status()).isEqualTo(200);
    assertThat(gone.bytesOut()).isGreaterThan(0).isLessThan(big.length);
  }

  /** The observing exchange forwards every method of the SPI, defaults included (a default left alone would answer for the adapter). */
  @Test
  void theObservedExchangeForwardsEveryMethodOfServerExchange() {
    List<String> missing = new ArrayList<>();
    for (Method method : ServerExchange.class.getMethods()) {
      if (Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      try {
        ObservedExchange.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
      } catch (NoSuchMethodException e) {
        missing.add(method.toString());
      }
    }
    assertThat(missing).isEmpty();
  }

  private HttpResponse<byte[]> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }
}
