package dev.eden.artifacts.server;

import static dev.eden.artifacts.server.TestDigests.sha256Field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.server.metrics.ArtifactMetrics;
import dev.eden.artifacts.server.metrics.JettyMetrics;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import dev.eden.artifacts.testkit.FaultyArtifactStore;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ArtifactMetrics} bound to a running server in this JVM: each counter moves by exactly what
 * happened — deposits and fetches by outcome, refusals, bytes, sizes, in-flight deposits, storage
 * failures — and Jetty's pool is measured.
 */
class MetricsOnTheServerTest {
  static final String ADMIN_TOKEN = "admin-token-for-metrics";
  static final String WORKER = Principal.mintWorkerId();
  static final String STRANGER = Principal.mintWorkerId();
  static final String SECRET = "metrics-worker-secret";
  static final String STRANGER_SECRET = "metrics-stranger-secret";
  static final long CAP = 10_000;
  static final ObjectMapper JSON = new ObjectMapper();

  final ExperimentId experiment = ExperimentId.mint();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final FaultyArtifactStore store = new FaultyArtifactStore(new InMemoryArtifactStore());
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  JettyArtifactServer server;

  @BeforeEach
  void start() {
    InMemoryArtifactBackend backend = new InMemoryArtifactBackend();
    Authenticator authenticator = InMemoryAuthenticator.builder().adminToken(ADMIN_TOKEN)
        .worker(WORKER, SECRET).worker(STRANGER, STRANGER_SECRET).build();
    // Shown in eden-artifacts-server/README.md, which checks/readme compares with this region.
    // snippet: metrics
    ArtifactMetrics metrics = new ArtifactMetrics(registry);   // any MeterRegistry
    ArtifactService service = ArtifactService.builder()
        .backend(metrics.instrument(backend))                  // counts blob-store failures
        .store(metrics.instrument(store))                      // counts metadata-store failures
        .maxArtifactBytes(CAP)
        .build();
    JettyArtifactServer server = JettyArtifactServer.builder()
        .handler(ArtifactHandler.builder().service(service).authenticator(authenticator)
            .servedExperiments(experiment)
            .addExchangeListener(metrics)                      // every exchange, by outcome
            .build())
        .adminHandler(AdminHandler.builder().service(service).authenticator(authenticator)
            .experiments(experiment).addExchangeListener(metrics).build())
        .port(0)
        .build();
    JettyMetrics.bind(server, registry);                       // Jetty's thread pool and connections
    // end snippet
    this.server = server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private URI artifacts(String query) {
    return URI.create(server.baseUri() + "/v0/experiments/" + experiment + "/artifacts" + query);
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request, String principal, String secret) throws Exception {
    return http.send(request.header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", "Bearer " + principal + ":" + secret).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> deposit(byte[] body) throws Exception {
    return send(HttpRequest.newBuilder(artifacts("")).header("Content-Type", "multipart/form-data; boundary=b0undary")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)), WORKER, SECRET);
  }

  private HttpRequest.Builder fetch(String uri) {
    return HttpRequest.newBuilder(artifacts("?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8)));
  }

  private double count(String name, String... tags) {
    Search search = registry.find(name).tags(tags);
    return search.counter() != null ? search.counter().count() : search.timer().count();
  }

  private double timed() {
    return registry.find("eden.artifacts.requests").timers().stream().mapToLong(t -> t.count()).sum();
  }

  /** Waits until {@code n} exchanges were timed: the listener may hear of one after its answer arrived. */
  private void awaitExchanges(long n) throws InterruptedException {
    awaitValue(this::timed, n);
  }

  private static void awaitValue(DoubleSupplier value, double expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (value.getAsDouble() != expected && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(value.getAsDouble()).isEqualTo(expected);
  }

  @Test
  void countersMoveByExactlyWhatHappened() throws Exception {
    byte[] first = ExchangeListenerTest.randomBytes(1_000);
    byte[] firstBody = ExchangeListenerTest.multipart(first, "");
    HttpResponse<byte[]> created = deposit(firstBody);
    assertThat(created.statusCode()).isEqualTo(201);
    String uri = JSON.readTree(created.body()).get("artifacts_uri").asText();
    byte[] second = ExchangeListenerTest.randomBytes(3_000);
    assertThat(deposit(ExchangeListenerTest.multipart(second, "")).statusCode()).isEqualTo(201);
    assertThat(deposit(ExchangeListenerTest.multipart(new byte[(int) CAP + 1], "")).statusCode()).isEqualTo(413);
    assertThat(deposit(ExchangeListenerTest.multipart(first, "Content-Digest: " + sha256Field(second) + "\r\n"))
        .statusCode()).isEqualTo(400);
    assertThat(send(fetch(uri), WORKER, SECRET).body()).isEqualTo(first);
    assertThat(send(fetch(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()), WORKER, SECRET).statusCode())
        .isEqualTo(200);
    assertThat(send(fetch(uri), STRANGER, STRANGER_SECRET).statusCode()).isEqualTo(403);
    assertThat(send(fetch(uri), WORKER, "wrong").statusCode()).isEqualTo(401);
    assertThat(send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/admin/v1/experiments")), "admin", "wrong")
        .statusCode()).isEqualTo(401);
    assertThat(send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/healthz")), WORKER, SECRET).statusCode())
        .isEqualTo(200);
    awaitExchanges(10);

    assertThat(count("eden.artifacts.deposits", "outcome", "ok")).isEqualTo(2);
    assertThat(count("eden.artifacts.deposits", "outcome", "payload-too-large")).isEqualTo(1);
    assertThat(count("eden.artifacts.deposits", "outcome", "bad-request")).isEqualTo(1);
    assertThat(count("eden.artifacts.deposits", "outcome", "unauthorized")).isZero();
    assertThat(count("eden.artifacts.fetches", "outcome", "ok")).isEqualTo(2);
    assertThat(count("eden.artifacts.fetches", "outcome", "forbidden")).isEqualTo(1);
    assertThat(count("eden.artifacts.fetches", "outcome", "unauthorized")).isEqualTo(1);
    assertThat(count("eden.artifacts.fetches", "outcome", "not-found")).isZero();
    assertThat(count("eden.artifacts.payload.too.large")).isEqualTo(1);
    assertThat(count("eden.artifacts.digest.mismatches")).isEqualTo(1);
    assertThat(count("eden.artifacts.authentication.failures")).isEqualTo(2); // the fetch's and the admin API's
    assertThat(count("eden.artifacts.requests", "operation", "admin", "outcome", "unauthorized")).isEqualTo(1);
    assertThat(count("eden.artifacts.requests", "operation", "health", "outcome", "ok")).isEqualTo(1);
    assertThat(count("eden.artifacts.sent", "operation", "fetch")).isGreaterThan(first.length); // + the problem bodies
    assertThat(count("eden.artifacts.received", "operation", "deposit"))
        .isGreaterThan(firstBody.length + second.length + CAP);
    assertThat(count("eden.artifacts.received", "operation", "fetch")).isZero();
    var depositSizes = registry.get("eden.artifacts.artifact.size").tag("operation", "deposit").summary();
    assertThat(depositSizes.count()).isEqualTo(2);
    assertThat(depositSizes.totalAmount()).isEqualTo(first.length + second.length);
    var fetchSizes = registry.get("eden.artifacts.artifact.size").tag("operation", "fetch").summary();
    assertThat(fetchSizes.count()).isEqualTo(2); // the GET and the HEAD
    assertThat(registry.get("eden.artifacts.deposits.in.flight").gauge().value()).isZero();
    assertThat(count("eden.artifacts.metadata.store.errors", "operation", "find")).isZero();
    assertThat(registry.get("jetty.threads.current").gauge().value()).isPositive();
    assertThat(registry.find("jetty.threads.busy").gauge()).isNotNull();
  }

  @Test
  void aDepositIsInFlightWhileItsBodyArrives() throws Exception {
    try (RawHttp raw = new RawHttp(server.baseUri(), 20_000)) {
      raw.write("POST /v0/experiments/" + experiment + "/artifacts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + ArtifactHandler.EXPERIMENT_HEADER + ": " + experiment + "\r\nAuthorization: Bearer " + WORKER + ":" + SECRET
          + "\r\nContent-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: 5000\r\n\r\n"
          + "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nfirst bytes");
      awaitValue(() -> registry.get("eden.artifacts.deposits.in.flight").gauge().value(), 1);
    } // the client hangs up mid-body: the deposit is refused and over
    awaitValue(() -> registry.get("eden.artifacts.deposits.in.flight").gauge().value(), 0);
    awaitValue(() -> count("eden.artifacts.deposits", "outcome", "bad-request"), 1);
  }

  @Test
  void aMetadataStoreFailureIsCountedAndTheFetchIsInternal() throws Exception {
    HttpResponse<byte[]> created = deposit(ExchangeListenerTest.multipart(new byte[] {1, 2}, ""));
    String uri = JSON.readTree(created.body()).get("artifacts_uri").asText();
    store.failOn(FaultyArtifactStore.Operation.FIND);
    PrintStream err = System.err;
    System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // the expected ERROR line
    try {
      assertThat(send(fetch(uri), WORKER, SECRET).statusCode()).isEqualTo(500);
      awaitExchanges(2);
    } finally {
      System.setErr(err);
    }
    assertThat(count("eden.artifacts.metadata.store.errors", "operation", "find")).isEqualTo(1);
    assertThat(count("eden.artifacts.fetches", "outcome", "internal")).isEqualTo(1);
  }
}
