package dev.eden.artifacts.s3;

import static dev.eden.artifacts.testkit.Blobs.generated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.spi.PendingBlob;
import dev.eden.artifacts.testkit.Blobs;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * What an abandoned write leaves: abort and close-without-commit leave no object and no multipart
 * upload; a writer that crashed mid-upload leaves an upload that reads and listings never see and
 * that the sweep aborts once it is old enough, sparing young ones and foreign keys.
 */
class AbortAndSweepTest {
  private static final int PART = (int) S3ArtifactBackend.MIN_PART_SIZE;
  private String bucket;
  private S3ArtifactBackend backend;

  @BeforeEach
  void newBackend() {
    bucket = TestStorage.bucketFor(getClass());
    backend = TestStorage.onSharedClient(bucket).build();
  }

  @Test
  void abortAfterAPartWentUpLeavesNoObjectAndNoUpload() throws Exception {
    ArtifactId id = ArtifactId.mint();
    PendingBlob blob = backend.begin(id);
    blob.output().write(generated(PART + 10, 1)); // the first part goes up
    assertThat(uploads()).extracting(MultipartUpload::key).containsExactly(backend.keyPrefix() + id.value().substring(0, 2) + "/" + id);
    blob.abort();
    assertThat(uploads()).isEmpty();
    assertThat(backend.open(id, 0)).isEmpty();
    assertThat(TestStorage.keys(bucket, backend.keyPrefix())).isEmpty();
    assertThat(backend.reservedBufferBytes()).isZero();
    blob.abort(); // idempotent
    assertThatThrownBy(() -> blob.output().write(1)).isInstanceOf(IOException.class);
  }

  @Test
  void closeWithoutCommitLeavesNoObjectAndNoUpload() throws Exception {
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob blob = backend.begin(id)) {
      blob.output().write(generated(2 * PART + 10, 2)); // two parts go up
      assertThat(uploads()).hasSize(1);
      assertThat(backend.reservedBufferBytes()).isPositive();
    }
    assertThat(uploads()).isEmpty();
    assertThat(TestStorage.keys(bucket, backend.keyPrefix())).isEmpty();
    assertThat(backend.reservedBufferBytes()).isZero();
  }

  @Test
  void anInterruptedUploadIsInvisibleUntilTheSweepAbortsIt() throws Exception {
    ArtifactId crashed = ArtifactId.mint();
    PendingBlob orphan = backend.begin(crashed); // its writer "crashes": never committed or aborted
    orphan.output().write(generated(PART + 1, 3));
    assertThat(uploads()).hasSize(1);

    assertThat(backend.open(crashed, 0)).isEmpty();
    assertThat(backend.open(crashed, 0, 10)).isEmpty();
    assertThat(Blobs.ids(backend)).isEmpty();
    assertThat(Blobs.blobs(backend)).isEmpty();
    assertThat(backend.delete(crashed)).isFalse();

    assertThat(backend.sweepStalePending(Duration.ofHours(1))).as("young uploads are spared").isZero();
    assertThat(uploads()).hasSize(1);
    Thread.sleep(20); // initiated strictly before now
    assertThat(backend.sweepStalePending(Duration.ZERO)).isEqualTo(1);
    assertThat(uploads()).isEmpty();
    assertThat(backend.sweepStalePending(Duration.ZERO)).isZero();

    orphan.close(); // aborting an upload the sweep removed is quiet
  }

  @Test
  void aBlobWhoseUploadWasSweptFailsToCommitAndLeavesNothing() throws Exception {
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob blob = backend.begin(id)) {
      blob.output().write(generated(PART + 1, 4));
      Thread.sleep(20);
      assertThat(backend.sweepStalePending(Duration.ZERO)).isEqualTo(1);
      assertThatThrownBy(blob::commit).isInstanceOf(IOException.class)
          .isNotInstanceOf(dev.eden.artifacts.spi.ArtifactAlreadyExistsException.class);
    }
    assertThat(backend.open(id, 0)).isEmpty();
    assertThat(uploads()).isEmpty();
  }

  @Test
  void theSweepAgesUploadsByTheClockAndLeavesForeignKeysAlone() throws Exception {
    String foreign = backend.keyPrefix() + "not-an-artifact";
    String foreignUpload = TestStorage.server().client()
        .createMultipartUpload(r -> r.bucket(bucket).key(foreign)).uploadId();
    ArtifactId id = ArtifactId.mint();
    PendingBlob orphan = backend.begin(id);
    orphan.output().write(generated(PART + 1, 5));

    S3ArtifactBackend anHourLater = S3ArtifactBackend.builder().client(TestStorage.server().client())
        .bucket(bucket).keyPrefix(backend.keyPrefix())
        .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(1))).build();
    assertThat(anHourLater.sweepStalePending(Duration.ofMinutes(90))).isZero();
    assertThat(anHourLater.sweepStalePending(Duration.ofMinutes(30))).isEqualTo(1);
    assertThat(uploads()).extracting(MultipartUpload::key).containsExactly(foreign);

    TestStorage.server().client().abortMultipartUpload(r -> r.bucket(bucket).key(foreign).uploadId(foreignUpload));
    orphan.close();
  }

  private java.util.List<MultipartUpload> uploads() {
    return TestStorage.uploads(bucket, backend.keyPrefix());
  }
}
