package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heap stays flat in artifact size: a server JVM capped at 64 MiB of heap accepts and serves a
 * 1 GiB artifact byte-exact with its live heap within half of that cap. Prints the deposit and fetch
 * times and the heap peaks seen by the GC.
 */
class LargeArtifactMemoryTest {
  @TempDir Path tempDir;

  @Test
  void oneGibibyteRoundTripsThroughA64MibHeap() throws Exception {
    LargeRoundTrip.Result result = LargeRoundTrip.run(tempDir, 1L << 30, List.of("-Xmx64m", "-Xms64m"), Map.of());
    // live heap sampled by full collections forced about once a second: a server holding even a
    // thirty-second of 1 GiB could not stay within half of its cap
    assertThat(result.liveSamples()).isGreaterThanOrEqualTo(2);
    assertThat(result.peakLiveMiB()).isLessThanOrEqualTo(32);
    System.out.println(result.describe("a -Xmx64m server, file blobs fsync'd"));
  }
}
