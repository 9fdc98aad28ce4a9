package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.ExperimentId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --access-log} as an operator runs it, in its own JVM, standard output and standard
 * error read apart: one line per request on standard output (text by default, JSON on request, none
 * when off) with the right values for a deposit, a fetch and refusals; the start-up lines stay;
 * other log lines stay on standard error; no bearer secret reaches either.
 */
class RunnableServerAccessLogTest {
  static final String ADMIN_TOKEN = "access-log-admin-token";
  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern TEXT_LINE = Pattern.compile("(?m)^(\\S+Z) (\\S+) (\\S+) (\\d{3}) bytes_in=(\\d+) bytes_out=(\\d+)"
      + " duration_ms=(\\d+\\.\\d{3}) principal=(\\S+)(?: incident=(\\S+))?$");
  static final Pattern INCIDENT = Pattern.compile("incident ([0-9a-f-]{36})");

  @TempDir Path dir;
  final OkHttpClient http = WireBodies.checkedClient();

  /** What the client sent and received, to compare with a line. */
  record Exchange(String method, String path, int status, long bytesIn, long bytesOut, String body) {}

  /** A deposit, its fetch, the fetch by a stranger (403) and by a wrong secret (401). */
  private List<Exchange> traffic(ForkedServer server, ExperimentId experiment, String worker, String stranger)
      throws Exception {
    List<Exchange> exchanges = new ArrayList<>();
    String path = "/v0/experiments/" + experiment + "/artifacts";
    RequestBody deposit = ServerFixture.onePart("plan.md", "text/markdown", "# plan\n".getBytes(StandardCharsets.UTF_8));
    Buffer sent = new Buffer();
    deposit.writeTo(sent);
    Exchange created = send(server, "POST", path, worker, deposit, experiment);
    exchanges.add(new Exchange("POST", path, 201, sent.size(), created.bytesOut(), created.body()));
    String uri = JSON.readTree(created.body()).get("artifacts_uri").asText();
    String fetch = path + "?uri=" + java.net.URLEncoder.encode(uri, StandardCharsets.UTF_8);
    exchanges.add(send(server, "GET", fetch, worker, null, experiment));
    exchanges.add(send(server, "GET", fetch, stranger, null, experiment));
    exchanges.add(send(server, "GET", fetch, worker.substring(0, worker.indexOf(':') + 1) + "wrong-secret", null, experiment));
    assertThat(exchanges).extracting(Exchange::status).containsExactly(201, 200, 403, 401);
    return exchanges;
  }

  private Exchange send(ForkedServer server, String method, String path, String bearer, RequestBody body,
      ExperimentId experiment) throws Exception {
    try (Response r = http.newCall(new Request.Builder().url(server.baseUri + path).method(method, body)
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", "Bearer " + bearer).build()).execute()) {
      byte[] bytes = r.body().bytes();
      return new Exchange(method, path, r.code(), 0, bytes.length, new String(bytes, StandardCharsets.UTF_8));
    }
  }

  /** The lines of {@code text} that {@code pattern} matches from their start, once there are {@code n}. */
  private static List<String> awaitLines(java.util.function.Supplier<String> text, Pattern pattern, int n)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<String> lines = matching(text.get(), pattern);
    while (lines.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
      lines = matching(text.get(), pattern);
    }
    assertThat(lines).as(text.get()).hasSize(n);
    return lines;
  }

  private static List<String> matching(String text, Pattern pattern) {
    return text.lines().filter(line -> pattern.matcher(line).lookingAt()).toList();
  }

  private static String secretOf(String bearer) {
    return bearer.substring(bearer.indexOf(':') + 1);
  }

  @Test
  void textLinesOnStandardOutputAndNothingElseMoves() throws Exception {
    Path data = dir.resolve("data");
    String worker = RunnableServerMetricsTest.addWorker(data);
    String stranger = RunnableServerMetricsTest.addWorker(data);
    ExperimentId experiment = ExperimentId.mint();
    try (ForkedServer server = ForkedServer.startSeparated(Map.of(), ADMIN_TOKEN,
        "--data-dir", data.toString(), "--port", "0", "--experiment-id", experiment.value())) {
      assertThat(server.output()).contains("access log: text, on standard output").contains("listening on ");
      List<Exchange> sent = traffic(server, experiment, worker, stranger);
      List<String> lines = awaitLines(server::output, TEXT_LINE, 4);
      String[] principals = {worker.substring(0, worker.indexOf(':')), worker.substring(0, worker.indexOf(':')),
          stranger.substring(0, stranger.indexOf(':')), "-"};
      for (int i = 0; i < 4; i++) {
        Matcher m = TEXT_LINE.matcher(lines.get(i));
        assertThat(m.matches()).isTrue();
        Exchange exchange = sent.get(i);
        assertThat(m.group(2)).isEqualTo(exchange.method());
        assertThat(m.group(3)).isEqualTo(exchange.path());
        assertThat(Integer.parseInt(m.group(4))).isEqualTo(exchange.status());
        assertThat(Long.parseLong(m.group(5))).as(lines.get(i)).isEqualTo(exchange.bytesIn());
        assertThat(Long.parseLong(m.group(6))).as(lines.get(i)).isEqualTo(exchange.bytesOut());
        assertThat(m.group(8)).isEqualTo(principals[i]);
        assertThat(m.group(9)).isNull();
      }
      assertThat(Long.parseLong(lines.get(1).replaceAll(".* bytes_out=(\\d+) .*", "$1"))).isEqualTo(7); // "# plan\n"

      // a 500: the line carries the incident id the answer and the error log carry
      Path blobs = ForkedServer.blobRoot(data);
      Files.move(blobs, data.resolve("blobs.moved"));
      Files.writeString(blobs, "not a directory");
      Exchange failed = send(server, "POST", "/v0/experiments/" + experiment + "/artifacts", worker,
          ServerFixture.onePart("a", "text/plain", new byte[] {1}), experiment);
      assertThat(failed.status()).isEqualTo(500);
      Matcher incident = INCIDENT.matcher(failed.body());
      assertThat(incident.find()).isTrue();
      String last = awaitLines(server::output, TEXT_LINE, 5).get(4);
      assertThat(last).contains(" 500 ").endsWith(" incident=" + incident.group(1));
      awaitLines(server::errors, Pattern.compile(".*internal error \\(incident " + incident.group(1)), 1);

      assertThat(server.errors()).doesNotContain("bytes_in=").doesNotContain("listening on");
      assertThat(server.output()).doesNotContain(" ERROR ").doesNotContain("internal error");
      for (String log : List.of(server.output(), server.errors())) {
        assertThat(log).doesNotContain(secretOf(worker)).doesNotContain(secretOf(stranger)).doesNotContain(ADMIN_TOKEN)
            .doesNotContain("wrong-secret").doesNotContain("Authorization");
      }
    }
  }

  @Test
  void jsonLinesFromTheEnvironmentParseWithJackson() throws Exception {
    Path data = dir.resolve("data");
    String worker = RunnableServerMetricsTest.addWorker(data);
    String stranger = RunnableServerMetricsTest.addWorker(data);
    ExperimentId experiment = ExperimentId.mint();
    try (ForkedServer server = ForkedServer.startSeparated(Map.of("EDEN_ACCESS_LOG", "json"), ADMIN_TOKEN,
        "--data-dir", data.toString(), "--port", "0", "--experiment-id", experiment.value())) {
      assertThat(server.output()).contains("access log: json, on standard output");
      List<Exchange> sent = traffic(server, experiment, worker, stranger);
      List<String> lines = awaitLines(server::output, Pattern.compile("\\{"), 4);
      String[] principals = {worker.substring(0, worker.indexOf(':')), worker.substring(0, worker.indexOf(':')),
          stranger.substring(0, stranger.indexOf(':')), null};
      for (int i = 0; i < 4; i++) {
        JsonNode line = JSON.readTree(lines.get(i));
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = line.fieldNames(); it.hasNext(); ) {
          keys.add(it.next());
        }
        assertThat(keys).containsExactly("timestamp", "method", "path", "status", "bytes_in", "bytes_out",
            "duration_ms", "principal");
        Exchange exchange = sent.get(i);
        assertThat(line.get("method").asText()).isEqualTo(exchange.method());
        assertThat(line.get("path").asText()).isEqualTo(exchange.path());
        assertThat(line.get("status").asInt()).isEqualTo(exchange.status());
        assertThat(line.get("bytes_in").asLong()).isEqualTo(exchange.bytesIn());
        assertThat(line.get("bytes_out").asLong()).isEqualTo(exchange.bytesOut());
        assertThat(line.get("duration_ms").isNumber()).isTrue();
        assertThat(line.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        if (principals[i] == null) {
          assertThat(line.get("principal").isNull()).isTrue();
        } else {
          assertThat(line.get("principal").asText()).isEqualTo(principals[i]);
        }
      }
      for (String log : List.of(server.output(), server.errors())) {
        assertThat(log).doesNotContain(secretOf(worker)).doesNotContain(secretOf(stranger)).doesNotContain(ADMIN_TOKEN);
      }
    }
  }

  @Test
  void offPrintsNoLine() throws Exception {
    Path data = dir.resolve("data");
    String worker = RunnableServerMetricsTest.addWorker(data);
    String stranger = RunnableServerMetricsTest.addWorker(data);
    ExperimentId experiment = ExperimentId.mint();
    try (ForkedServer server = ForkedServer.startSeparated(Map.of(), ADMIN_TOKEN, "--access-log", "off",
        "--data-dir", data.toString(), "--port", "0", "--experiment-id", experiment.value())) {
      assertThat(server.output()).contains("access log: off");
      traffic(server, experiment, worker, stranger);
      http.connectionPool().evictAll();
      assertThat(server.terminate(30)).isIn(0, 143); // every line it wrote is in by now
      String out = server.output();
      assertThat(out.substring(out.indexOf("listening on "))).as(out).hasLineCount(1);
      assertThat(server.errors()).doesNotContain("bytes_in").doesNotContain("\"status\"");
    }
  }

  @Test
  void anAccessLogFormatOtherThanTheThreeIsAUsageError() throws Exception {
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cli = new picocli.CommandLine(dev.eden.artifacts.server.cli.ServerMain.class);
    cli.setErr(new java.io.PrintWriter(err, true));
    int exit = cli.execute("serve", "--data-dir", dir.resolve("never").toString(), "--access-log", "xml");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--access-log must be text, json or off: xml");
    assertThat(dir.resolve("never")).doesNotExist();
  }
}
