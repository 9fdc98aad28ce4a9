package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ExperimentId;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code serve --metrics-port} as an operator runs it, in its own JVM: Prometheus text at {@code GET
 * /metrics} on that port only, whose counters move by exactly the deposits, fetches and refusals
 * made, with the JVM's and Jetty's meters beside them; nothing of it on the API port, nor without
 * the option.
 */
class RunnableServerMetricsTest {
  static final String ADMIN_TOKEN = "metrics-admin-token";
  static final Pattern METRICS = Pattern.compile("metrics: (http://\\S+/metrics)");
  static final Pattern SAMPLE = Pattern.compile("(?m)^([a-z_]+(?:\\{[^}]*\\})?) (\\S+)$");

  @TempDir Path dir;
  final OkHttpClient http = WireBodies.checkedClient();
  /** For the metrics port, which is no EDEN endpoint: its refusals are plain text. */
  final OkHttpClient plain = new OkHttpClient();

  /** Enrols a worker through the server's own command line; returns its bearer. */
  static String addWorker(Path data) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(dev.eden.artifacts.server.cli.ServerMain.class);
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute("add-worker", "--data-dir", data.toString())).isZero();
    List<String> lines = out.toString().lines().toList();
    return lines.get(lines.size() - 1);
  }

  /** Every sample of a scrape, by name with its labels in order: {@code name{label="v",...}} → value. */
  static Map<String, Double> samples(String scrape) {
    Map<String, Double> samples = new TreeMap<>();
    Matcher m = SAMPLE.matcher(scrape);
    while (m.find()) {
      samples.put(m.group(1), Double.valueOf(m.group(2)));
    }
    return samples;
  }

  private Map<String, Double> scrape(URI metrics) throws Exception {
    try (Response r = plain.newCall(new Request.Builder().url(metrics.toString()).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
      return samples(r.body().string());
    }
  }

  private static Request.Builder api(String url, ExperimentId experiment, String bearer) {
    return new Request.Builder().url(url)
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", "Bearer " + bearer);
  }

  private int call(Request request) throws Exception {
    try (Response r = http.newCall(request).execute()) {
      r.body().bytes();
      return r.code();
    }
  }

  /** Scrapes until {@code sample} reaches {@code value}: the server counts an exchange once its answer is out. */
  private Map<String, Double> scrapeUntil(URI metrics, String sample, double value) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Map<String, Double> samples = scrape(metrics);
    while (!Double.valueOf(value).equals(samples.get(sample)) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      samples = scrape(metrics);
    }
    return samples;
  }

  @Test
  void metricsOnTheirOwnPortCountDepositsFetchesAndRefusals() throws Exception {
    Path data = dir.resolve("data");
    String worker = addWorker(data);
    String stranger = addWorker(data);
    ExperimentId experiment = ExperimentId.mint();
    try (ForkedServer server = ForkedServer.start(List.of(), ADMIN_TOKEN, "--data-dir", data.toString(),
        "--port", "0", "--metrics-port", "0", "--experiment-id", experiment.value(),
        "--max-artifact-bytes", "1000", "--access-log", "off")) {
      Matcher m = METRICS.matcher(server.output());
      assertThat(m.find()).as(server.output()).isTrue();
      URI metrics = URI.create(m.group(1));
      assertThat(metrics.getHost()).isEqualTo("127.0.0.1");
      assertThat(metrics.getPort()).isNotEqualTo(server.baseUri.getPort());
      Map<String, Double> before = scrape(metrics);
      assertThat(before.get("eden_artifacts_deposits_total{outcome=\"ok\"}")).isZero();
      assertThat(before.get("eden_artifacts_fetches_total{outcome=\"forbidden\"}")).isZero();

      String artifacts = server.baseUri + "/v0/experiments/" + experiment + "/artifacts";
      String uri;
      try (Response r = http.newCall(api(artifacts, experiment, worker)
          .post(ServerFixture.onePart("a.txt", "text/plain", new byte[600])).build()).execute()) {
        assertThat(r.code()).isEqualTo(201);
        uri = ServerFixture.JSON.readTree(r.body().string()).get("artifacts_uri").asText();
      }
      assertThat(call(api(artifacts, experiment, worker)
          .post(ServerFixture.onePart("b.txt", "text/plain", new byte[400])).build())).isEqualTo(201);
      String fetch = artifacts + "?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8);
      assertThat(call(api(fetch, experiment, worker).build())).isEqualTo(200);
      assertThat(call(api(fetch, experiment, "admin:" + ADMIN_TOKEN).build())).isEqualTo(200);
      assertThat(call(api(fetch, experiment, stranger).build())).isEqualTo(403);
      assertThat(call(api(fetch, experiment, "admin:not-the-token").build())).isEqualTo(401);
      assertThat(call(api(artifacts, experiment, worker)
          .post(ServerFixture.onePart("c.bin", "application/octet-stream", new byte[1001])).build())).isEqualTo(413);
      http.connectionPool().evictAll(); // the 413 closed its connection

      // The last exchange's last counter: a scrape may fall between an exchange's counters.
      Map<String, Double> after = scrapeUntil(metrics, "eden_artifacts_payload_too_large_total", 1);
      assertThat(after.get("eden_artifacts_deposits_total{outcome=\"ok\"}")).isEqualTo(2);
      assertThat(after.get("eden_artifacts_deposits_total{outcome=\"payload-too-large\"}")).isEqualTo(1);
      assertThat(after.get("eden_artifacts_deposits_total{outcome=\"unauthorized\"}")).isZero();
      assertThat(after.get("eden_artifacts_fetches_total{outcome=\"ok\"}")).isEqualTo(2);
      assertThat(after.get("eden_artifacts_fetches_total{outcome=\"forbidden\"}")).isEqualTo(1);
      assertThat(after.get("eden_artifacts_fetches_total{outcome=\"unauthorized\"}")).isEqualTo(1);
      assertThat(after.get("eden_artifacts_fetches_total{outcome=\"not-found\"}")).isZero();
      assertThat(after.get("eden_artifacts_payload_too_large_total")).isEqualTo(1);
      assertThat(after.get("eden_artifacts_authentication_failures_total")).isEqualTo(1);
      assertThat(after.get("eden_artifacts_digest_mismatches_total")).isZero();
      assertThat(after.get("eden_artifacts_deposits_in_flight")).isZero();
      assertThat(after.get("eden_artifacts_sent_bytes_total{operation=\"fetch\"}")).isGreaterThanOrEqualTo(1200);
      assertThat(after.get("eden_artifacts_received_bytes_total{operation=\"deposit\"}")).isGreaterThan(2001);
      assertThat(after.get("eden_artifacts_artifact_size_bytes_count{operation=\"deposit\"}")).isEqualTo(2);
      assertThat(after.get("eden_artifacts_artifact_size_bytes_sum{operation=\"deposit\"}")).isEqualTo(1000);
      assertThat(after.get("eden_artifacts_artifact_size_bytes_bucket{operation=\"deposit\",le=\"1024.0\"}")).isEqualTo(2);
      assertThat(after.get("eden_artifacts_requests_seconds_count{operation=\"fetch\",outcome=\"ok\"}")).isEqualTo(2);
      assertThat(after.get("eden_artifacts_requests_seconds_bucket{operation=\"fetch\",outcome=\"ok\",le=\"+Inf\"}"))
          .isEqualTo(2);
      assertThat(after.get("eden_artifacts_metadata_store_errors_total{operation=\"create\"}")).isZero();
      assertThat(after.get("eden_artifacts_blob_store_errors_total{operation=\"commit\"}")).isZero();
      // the JVM's and Jetty's own meters, under their usual names
      assertThat(after).containsKeys("jvm_threads_live_threads", "jvm_classes_loaded_classes", "process_cpu_usage",
          "process_uptime_seconds", "jetty_threads_current", "jetty_threads_busy");
      for (String family : List.of("jvm_memory_used_bytes{area=\"heap\"", "jvm_gc_", "jetty_connections_")) {
        assertThat(after.keySet()).as(family).anyMatch(name -> name.startsWith(family));
      }
      assertThat(after.get("jetty_threads_current")).isPositive();

      // not on the API port
      try (Response r = http.newCall(new Request.Builder().url(server.baseUri + "/metrics").build()).execute()) {
        assertThat(r.code()).isEqualTo(404);
        assertThat(r.body().string()).doesNotContain("eden_artifacts_");
      }
      // the metrics port serves nothing else
      try (Response r = plain.newCall(new Request.Builder().url(metrics.resolve("/v0/experiments/" + experiment
          + "/artifacts").toString()).build()).execute()) {
        assertThat(r.code()).isEqualTo(404);
      }
      try (Response r = plain.newCall(new Request.Builder().url(metrics.toString())
          .post(RequestBody.create(new byte[0])).build()).execute()) {
        assertThat(r.code()).isEqualTo(405);
      }
      assertThat(server.output()).doesNotContain(worker.substring(worker.indexOf(':') + 1))
          .doesNotContain(ADMIN_TOKEN);
    }
  }

  @Test
  void noMetricsUnlessAskedAndThePortComesFromTheEnvironmentToo() throws Exception {
    Path data = dir.resolve("data");
    try (ForkedServer server = ForkedServer.start(List.of(), ADMIN_TOKEN, "--data-dir", data.toString(),
        "--port", "0")) {
      assertThat(server.output()).contains("metrics: off");
      try (Response r = http.newCall(new Request.Builder().url(server.baseUri + "/metrics").build()).execute()) {
        assertThat(r.code()).isEqualTo(404);
      }
    }
    try (ForkedServer server = ForkedServer.startWithEnvironment(List.of(), Map.of("EDEN_METRICS_PORT", "0"),
        ADMIN_TOKEN, "--data-dir", data.toString(), "--port", "0")) {
      Matcher m = METRICS.matcher(server.output());
      assertThat(m.find()).as(server.output()).isTrue();
      assertThat(scrape(URI.create(m.group(1)))).containsKey("eden_artifacts_deposits_total{outcome=\"ok\"}");
    }
  }
}
