package dev.eden.artifacts.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Deposits and fetches 512 MiB in a separate JVM limited to a 32 MiB heap: it can only pass if
 * the bytes stream through {@link ArtifactService} and {@code FileArtifactBackend} without being
 * held in memory.
 */
class ArtifactServiceMemoryTest {
  private static final long SIZE = 512L * 1024 * 1024;

  @Test
  void halfAGibibyteRoundTripsInA32MiBHeap() throws Exception {
    Path target = Path.of(System.getProperty("basedir", "."), "target");
    Files.createDirectories(target);
    Path dir = Files.createTempDirectory(target, "memory-proof-");
    try {
      String java = ProcessHandle.current().info().command()
          .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      Process child = new ProcessBuilder(java, "-Xmx32m",
          "-cp", System.getProperty("java.class.path"),
          MemoryProofMain.class.getName(), dir.resolve("blobs").toString(), Long.toString(SIZE))
          .redirectErrorStream(true)
          .start();
      child.getOutputStream().close();
      byte[] output = child.getInputStream().readAllBytes();
      boolean exited = child.waitFor(10, TimeUnit.MINUTES);
      String text = new String(output, StandardCharsets.UTF_8);
      System.out.println("memory proof (-Xmx32m):\n" + text);

      assertThat(exited).as("child finished").isTrue();
      assertThat(child.exitValue()).as(text).isZero();
      assertThat(text).contains("bytes: " + SIZE, "digests match");
    } finally {
      deleteRecursively(dir);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
      for (Path path : all) {
        Files.deleteIfExists(path);
      }
    }
  }
}
