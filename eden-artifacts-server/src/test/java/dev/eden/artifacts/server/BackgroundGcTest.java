package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --gc-interval}: the server collects garbage in the background, logs each run and
 * counts it in its metrics. A run that finds orphans looks their rows up again a minute later
 * before it removes them, so this test takes a little over a minute.
 */
class BackgroundGcTest {
  @TempDir Path dir;

  @Test
  void serveWithAGcIntervalCollectsInTheBackground() throws Exception {
    GarbageFixture garbage = new GarbageFixture(dir.resolve("data"));
    try (ForkedServer server = ForkedServer.start(List.of("-Xmx128m"), "admin-token-gc", "--data-dir",
        garbage.data.toString(), "--port", "0", "--gc-interval", "PT1S", "--sweep-temps-older-than", "P30D", "--metrics-port", "0")) {
      assertThat(server.output()).contains("gc: every PT1S, grace PT24H");
      long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
      String expected = "gc: removed orphan blobs: 1 (2000 bytes), leftovers of crashed deposits: 1 (500 bytes)";
      while (!server.output().contains(expected) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(server.output()).contains(expected);
      assertThat(garbage.oldOrphan).doesNotExist();
      assertThat(garbage.oldTemp).doesNotExist();
      assertThat(garbage.youngOrphan).exists();
      assertThat(garbage.artifact).exists();
      Matcher metricsUri = RunnableServerMetricsTest.METRICS.matcher(server.output());
      assertThat(metricsUri.find()).as(server.output()).isTrue();
      String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(metricsUri.group(1))).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(scrape)
          .contains("eden_artifacts_gc_reclaimed_total{class=\"orphan-blobs\"} 1.0")
          .contains("eden_artifacts_gc_reclaimed_bytes_total{class=\"orphan-blobs\"} 2000.0")
          .contains("eden_artifacts_gc_reclaimed_total{class=\"stale-pending\"} 1.0")
          .contains("eden_artifacts_gc_reclaimed_bytes_total{class=\"stale-pending\"} 500.0")
          .containsPattern("eden_artifacts_gc_runs_seconds_count\\{outcome=\"ok\"\\} [1-9]")
          .doesNotContain("class=\"unreferenced-artifacts\"");
    }
  }
}
