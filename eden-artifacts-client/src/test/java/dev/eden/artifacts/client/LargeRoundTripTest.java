package dev.eden.artifacts.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB artifact through {@code Path} deposit and {@code Path} fetch, with the client in its own
 * JVM limited to a 64 MiB heap: if the client buffered the artifact anywhere, the JVM would run out
 * of memory. The server runs in this JVM. The size can be changed with
 * {@code -Deden.roundtrip.bytes=N}; the driver prints times, throughput and peak heap.
 */
class LargeRoundTripTest {
  private static final long SIZE = Long.getLong("eden.roundtrip.bytes", 1L << 30);

  @TempDir
  Path temp;

  @Test
  void oneGibibyteRoundTripsThroughFilesInA64MiBClient() throws Exception {
    Path blobs = Files.createDirectories(temp.resolve("blobs"));
    Path work = Files.createDirectories(temp.resolve("client"));
    try (LocalServer local = new LocalServer(blobs, SIZE + 1)) {
      String classpath = System.getProperty("surefire.test.class.path",
          System.getProperty("java.class.path"));
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Process process = new ProcessBuilder(List.of(java.toString(),
          "-Xmx64m", "-Xms64m", "-XX:+AlwaysPreTouch", "-XX:+ExitOnOutOfMemoryError",
          "-cp", classpath.replace(File.pathSeparator + File.pathSeparator, File.pathSeparator),
          RoundTripMain.class.getName(),
          local.baseUrl(), local.experiment.value(), LocalServer.bearerA(), work.toString(),
          Long.toString(SIZE)))
          .redirectErrorStream(true)
          .start();
      String output;
      try {
        output = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("driver finished").isTrue();
      } finally {
        process.destroyForcibly();
      }
      System.out.println("[1 GiB round trip, client -Xmx64m]\n" + output);
      assertThat(output).contains("sha256 match: true", "deposit: " + SIZE + " bytes",
          "fetch: " + SIZE + " bytes");
      assertThat(process.exitValue()).as(output).isZero();
    }
  }
}
