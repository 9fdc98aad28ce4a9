package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.s3.testing.S3TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heap stays flat in artifact size on S3 too: the runnable server with {@code -Xmx96m} and its blobs
 * in a bucket of a real S3-compatible server takes and serves 256 MiB, then 1 GiB, byte-exact, and
 * during each transfer its live heap (sampled by forced full collections) stays within half of its
 * cap. Prints the peaks before and after young collections too, which follow the collector's sizing
 * of the young generation and where a collection falls more than the server's needs.
 */
class S3LargeArtifactMemoryTest {
  @TempDir Path tempDir;

  @Test
  void aGibibyteAndAQuarterOfOneEachStayWithinHalfOfA96MibHeap() throws Exception {
    S3TestServer s3 = S3TestServer.shared();
    String bucket = s3.createBucket();
    Map<String, String> credentials = Map.of(
        "AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_ACCESS_KEY);
    String[] blobStore = {"--blob-store", "s3://" + bucket + "/memory", "--s3-endpoint", s3.endpoint().toString(),
        "--s3-path-style", "--s3-buffer-budget", Long.toString(24L << 20)};
    // one server, warmed up by 64 MiB (classes, JIT, pools), then the smaller transfer first: heap
    // that grew with the bytes, or stayed behind after the first, shows in the second
    List<LargeRoundTrip.Result> results = LargeRoundTrip.runEach(tempDir,
        List.of(64L << 20, 256L << 20, 1L << 30), List.of("-Xmx96m"), credentials, blobStore);
    LargeRoundTrip.Result quarter = results.get(1);
    LargeRoundTrip.Result whole = results.get(2);
    System.out.println(quarter.describe("a -Xmx96m server on S3 (s3proxy " + s3.version() + ")"));
    System.out.println(whole.describe("a -Xmx96m server on S3 (s3proxy " + s3.version() + ")"));
    // The live heap, sampled by full collections forced about once a second, is a few MiB of the
    // server's own plus the part buffers in flight (8 MiB parts, at most the 24 MiB budget given
    // above). It must stay within half of the 96 MiB cap, which a server holding even a twentieth
    // of 1 GiB could not. (Young collections' "after" is printed, not bounded: it also counts the
    // dead part buffers that G1 allocates straight into the old generation, and once reached 51 MiB.)
    for (LargeRoundTrip.Result result : List.of(quarter, whole)) {
      assertThat(result.liveSamples()).as("full collections during %d MiB", result.size() >> 20)
          .isGreaterThanOrEqualTo(2);
      assertThat(result.peakLiveMiB()).as("peak live heap, %d MiB", result.size() >> 20).isLessThanOrEqualTo(48);
    }
  }
}
