package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heap stays flat in artifact size: a server JVM capped at 64 MiB of heap accepts and serves a
 * 1 GiB artifact byte-exact. Prints the deposit and fetch times and the peak heap seen by the GC.
 */
class LargeArtifactMemoryTest {
  @TempDir Path tempDir;

  @Test
  void oneGibibyteRoundTripsThroughA64MibHeap() throws Exception {
    LargeRoundTrip.Result result = LargeRoundTrip.run(tempDir, 1L << 30, List.of("-Xmx64m", "-Xms64m"), Map.of());
    assertThat(result.peakBeforeGcMiB()).isLessThanOrEqualTo(64);
    System.out.println(result.describe("a -Xmx64m server, file blobs fsync'd"));
  }
}
