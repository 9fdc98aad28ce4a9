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
 * in a bucket of a real S3-compatible server takes and serves 256 MiB and 1 GiB byte-exact, and the
 * larger transfer's heap peaks are no more than 10 % above the smaller one's. Prints both.
 */
class S3LargeArtifactMemoryTest {
  @TempDir Path tempDir;

  @Test
  void aGibibyteTakesNoMoreHeapThanAQuarterOfOne() throws Exception {
    S3TestServer s3 = S3TestServer.shared();
    String bucket = s3.createBucket();
    Map<String, String> credentials = Map.of(
        "AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_ACCESS_KEY);
    String[] blobStore = {"--blob-store", "s3://" + bucket + "/memory", "--s3-endpoint", s3.endpoint().toString(),
        "--s3-path-style"};
    LargeRoundTrip.Result quarter = LargeRoundTrip.run(tempDir, 256L << 20, List.of("-Xmx96m"), credentials, blobStore);
    LargeRoundTrip.Result whole = LargeRoundTrip.run(tempDir, 1L << 30, List.of("-Xmx96m"), credentials, blobStore);
    System.out.println(quarter.describe("a -Xmx96m server on S3 (s3proxy " + s3.version() + ")"));
    System.out.println(whole.describe("a -Xmx96m server on S3 (s3proxy " + s3.version() + ")"));
    // what the server holds does not grow with the artifact: four times the bytes, at most 10 % more heap
    assertThat((double) whole.peakAfterGcMiB()).as("peak heap after young GCs, 1 GiB vs 256 MiB")
        .isLessThanOrEqualTo(quarter.peakAfterGcMiB() * 1.1);
    assertThat((double) whole.peakBeforeGcMiB()).as("peak heap before young GCs, 1 GiB vs 256 MiB")
        .isLessThanOrEqualTo(quarter.peakBeforeGcMiB() * 1.1);
  }
}
