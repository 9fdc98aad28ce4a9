package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --gc-interval}: the server collects garbage in the background and logs each run. */
class BackgroundGcTest {
  @TempDir Path dir;

  @Test
  void serveWithAGcIntervalCollectsInTheBackground() throws Exception {
    GarbageFixture garbage = new GarbageFixture(dir.resolve("data"));
    try (ForkedServer server = ForkedServer.start(List.of("-Xmx128m"), "admin-token-gc", "--data-dir",
        garbage.data.toString(), "--port", "0", "--gc-interval", "PT1S", "--sweep-temps-older-than", "P30D")) {
      assertThat(server.output()).contains("gc: every PT1S, grace PT24H");
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      String expected = "gc: removed orphan blobs: 1 (2000 bytes), leftovers of crashed deposits: 1 (500 bytes)";
      while (!server.output().contains(expected) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(server.output()).contains(expected);
      assertThat(garbage.oldOrphan).doesNotExist();
      assertThat(garbage.oldTemp).doesNotExist();
      assertThat(garbage.youngOrphan).exists();
      assertThat(garbage.artifact).exists();
      assertThat(Files.exists(garbage.artifact)).isTrue();
    }
  }
}
