package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The access log's two line formats, for lines the real handler produced: the fields and their
 * values for a deposit, a fetch and refusals; JSON that Jackson parses back with exactly the
 * documented keys; no secret anywhere.
 */
class AccessLogTest {
  static final String WORKER = Principal.mintWorkerId();
  static final String STRANGER = Principal.mintWorkerId();
  static final String SECRET = "w0rker-Secret-for-the-access-log";
  static final String STRANGER_SECRET = "str4nger-Secret-for-the-access-log";
  static final ObjectMapper JSON = new ObjectMapper();
  static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T09:30:00.123456Z"), ZoneOffset.UTC);

  final ExperimentId experiment = ExperimentId.mint();
  final HttpClient http = HttpClient.newHttpClient();
  final List<String> lines = new CopyOnWriteArrayList<>();
  Transport.Running server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private void start(AccessLog.Format format, ArtifactService service) throws Exception {
    server = Transport.EMBEDDED_JETTY.start(ArtifactHandler.builder()
        .service(service)
        .authenticator(InMemoryAuthenticator.builder().worker(WORKER, SECRET).worker(STRANGER, STRANGER_SECRET).build())
        .servedExperiments(experiment)
        .addExchangeListener(new AccessLog(format, lines::add, CLOCK))
        .build());
  }

  private static ArtifactService memory() {
    return ArtifactService.builder().backend(new InMemoryArtifactBackend()).store(new InMemoryArtifactStore()).build();
  }

  private URI artifacts(String query) {
    return URI.create(server.base() + "/v0/experiments/" + experiment + "/artifacts" + query);
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String principal, String secret) throws Exception {
    return http.send(request.header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", "Bearer " + principal + ":" + secret).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A deposit, its fetch, a 403 and a 401; returns the deposit's body length and the fetch's query. */
  private String[] depositFetchAndRefusals(byte[] content) throws Exception {
    byte[] body = ExchangeListenerTest.multipart(content, "");
    HttpResponse<String> created = send(HttpRequest.newBuilder(artifacts(""))
        .header("Content-Type", "multipart/form-data; boundary=b0undary")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)), WORKER, SECRET);
    assertThat(created.statusCode()).isEqualTo(201);
    String query = "?uri=" + URLEncoder.encode(JSON.readTree(created.body()).get("artifacts_uri").asText(),
        StandardCharsets.UTF_8);
    assertThat(send(HttpRequest.newBuilder(artifacts(query)), WORKER, SECRET).statusCode()).isEqualTo(200);
    assertThat(send(HttpRequest.newBuilder(artifacts(query)), STRANGER, STRANGER_SECRET).statusCode()).isEqualTo(403);
    assertThat(send(HttpRequest.newBuilder(artifacts(query)), WORKER, "wrong-" + SECRET).statusCode()).isEqualTo(401);
    awaitLines(4);
    return new String[] {String.valueOf(body.length), String.valueOf(created.body().length()), query};
  }

  private void awaitLines(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (lines.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(lines).hasSizeGreaterThanOrEqualTo(n);
  }

  @Test
  void textLinesNameEveryField() throws Exception {
    start(AccessLog.Format.TEXT, memory());
    byte[] content = new byte[777];
    String[] facts = depositFetchAndRefusals(content);
    String path = "/v0/experiments/" + experiment + "/artifacts";
    String duration = "duration_ms=\\d+\\.\\d{3}";
    assertThat(lines.get(0)).matches(Pattern.quote("2025-06-01T09:30:00.123Z POST " + path + " 201 bytes_in="
        + facts[0] + " bytes_out=" + facts[1] + " ") + duration + Pattern.quote(" principal=" + WORKER));
    assertThat(lines.get(1)).matches(Pattern.quote("2025-06-01T09:30:00.123Z GET " + path + facts[2]
        + " 200 bytes_in=0 bytes_out=777 ") + duration + Pattern.quote(" principal=" + WORKER));
    assertThat(lines.get(2)).matches(Pattern.quote("2025-06-01T09:30:00.123Z GET " + path + facts[2]
        + " 403 bytes_in=0 bytes_out=") + "\\d+ " + duration + Pattern.quote(" principal=" + STRANGER));
    assertThat(lines.get(3)).matches(".* 401 bytes_in=0 bytes_out=\\d+ " + duration + " principal=-");
    assertThat(String.join("\n", lines)).doesNotContain(SECRET).doesNotContain(STRANGER_SECRET).doesNotContain("Bearer");
  }

  @Test
  void jsonLinesParseWithExactlyTheDocumentedKeys() throws Exception {
    start(AccessLog.Format.JSON, memory());
    String[] facts = depositFetchAndRefusals(new byte[777]);
    String path = "/v0/experiments/" + experiment + "/artifacts";
    List<String> keys = List.of("timestamp", "method", "path", "status", "bytes_in", "bytes_out", "duration_ms", "principal");
    for (String line : lines) {
      assertThat(line).doesNotContain("\n");
      assertThat(fieldNames(JSON.readTree(line))).containsExactlyElementsOf(keys);
    }
    JsonNode deposit = JSON.readTree(lines.get(0));
    assertThat(deposit.get("timestamp").asText()).isEqualTo("2025-06-01T09:30:00.123Z");
    assertThat(deposit.get("method").asText()).isEqualTo("POST");
    assertThat(deposit.get("path").asText()).isEqualTo(path);
    assertThat(deposit.get("status").asInt()).isEqualTo(201);
    assertThat(deposit.get("bytes_in").asLong()).isEqualTo(Long.parseLong(facts[0]));
    assertThat(deposit.get("bytes_out").asLong()).isEqualTo(Long.parseLong(facts[1]));
    assertThat(deposit.get("duration_ms").isNumber()).isTrue();
    assertThat(deposit.get("duration_ms").asDouble()).isPositive();
    assertThat(deposit.get("principal").asText()).isEqualTo(WORKER);
    JsonNode fetch = JSON.readTree(lines.get(1));
    assertThat(fetch.get("path").asText()).isEqualTo(path + facts[2]);
    assertThat(fetch.get("status").asInt()).isEqualTo(200);
    assertThat(fetch.get("bytes_out").asLong()).isEqualTo(777);
    assertThat(JSON.readTree(lines.get(2)).get("status").asInt()).isEqualTo(403);
    assertThat(JSON.readTree(lines.get(2)).get("principal").asText()).isEqualTo(STRANGER);
    JsonNode unauthorized = JSON.readTree(lines.get(3));
    assertThat(unauthorized.get("status").asInt()).isEqualTo(401);
    assertThat(unauthorized.get("principal").isNull()).isTrue();
    assertThat(String.join("\n", lines)).doesNotContain(SECRET).doesNotContain(STRANGER_SECRET);
  }

  @Test
  void a500CarriesItsIncidentInBothFormats() throws Exception {
    PrintStream err = System.err;
    System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // the expected ERROR line
    try {
      for (AccessLog.Format format : AccessLog.Format.values()) {
        lines.clear();
        start(format, ArtifactService.builder().backend(new InMemoryArtifactBackend())
            .store(new SecretsNeverLeakTest.BrokenStore()).build());
        HttpResponse<String> failed = send(HttpRequest.newBuilder(artifacts(""))
            .header("Content-Type", "multipart/form-data; boundary=b0undary")
            .POST(HttpRequest.BodyPublishers.ofByteArray(ExchangeListenerTest.multipart(new byte[3], ""))), WORKER, SECRET);
        assertThat(failed.statusCode()).isEqualTo(500);
        Matcher incident = Pattern.compile("incident ([0-9a-f-]{36})").matcher(failed.body());
        assertThat(incident.find()).isTrue();
        awaitLines(1);
        if (format == AccessLog.Format.TEXT) {
          assertThat(lines.get(0)).contains(" 500 ").endsWith(" principal=" + WORKER + " incident=" + incident.group(1));
        } else {
          JsonNode line = JSON.readTree(lines.get(0));
          assertThat(line.get("status").asInt()).isEqualTo(500);
          assertThat(line.get("incident").asText()).isEqualTo(incident.group(1));
          assertThat(fieldNames(line)).endsWith("principal", "incident");
        }
        server.close();
        server = null;
      }
    } finally {
      System.setErr(err);
    }
  }

  @Test
  void aTextLineIsOneLineOfSpaceFreeFieldsWhateverThePath() throws Exception {
    // Raw bytes a lenient transport could hand over: a space, a quote, a tab, non-ASCII.
    ExchangeEvent odd = new ExchangeEvent("GET", "/a b\"\t/é", 404, 0, 10, 1_500_000, null,
        ExchangeEvent.Operation.OTHER, "not-found", null, -1, false, true);
    String line = new AccessLog(AccessLog.Format.TEXT, s -> { }, CLOCK).line(odd);
    assertThat(line).isEqualTo("2025-06-01T09:30:00.123Z GET /a%20b\"%09/%C3%A9 404 bytes_in=0 bytes_out=10"
        + " duration_ms=1.500 principal=-");
    String json = new AccessLog(AccessLog.Format.JSON, s -> { }, CLOCK).line(odd);
    assertThat(JSON.readTree(json).get("path").asText()).isEqualTo("/a b\"\t/é");
    assertThat(JSON.readTree(json).get("duration_ms").decimalValue()).isEqualByComparingTo("1.5");
  }

  @Test
  void linesGoToTheAccessLoggerAtInfo() {
    Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER_NAME);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      AccessLog.to(AccessLog.Format.JSON).exchangeFinished(new ExchangeEvent("GET", "/healthz", 200, 0, 15, 1000,
          null, ExchangeEvent.Operation.HEALTH, null, null, -1, false, true));
    } finally {
      logger.detachAppender(appender);
    }
    assertThat(appender.list).hasSize(1);
    assertThat(appender.list.get(0).getLevel()).isEqualTo(Level.INFO);
    assertThat(appender.list.get(0).getFormattedMessage()).startsWith("{\"timestamp\":").contains("\"path\":\"/healthz\"");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
