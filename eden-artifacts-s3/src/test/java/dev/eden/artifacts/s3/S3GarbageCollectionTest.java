package dev.eden.artifacts.s3;

import static dev.eden.artifacts.testkit.Blobs.generated;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.DepositResult;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.FetchedArtifact;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.maintenance.GarbageCollector;
import dev.eden.artifacts.maintenance.GcReport;
import dev.eden.artifacts.maintenance.GcReport.Reclaimed;
import dev.eden.artifacts.spi.PendingBlob;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import dev.eden.artifacts.testkit.Blobs;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Garbage collection on a real S3-compatible server (s3proxy): an object committed without a
 * metadata row (an orphan) and the multipart upload of a writer that crashed after two parts are
 * counted by a dry run with their exact bytes, deleting nothing, and removed by a collection,
 * leaving the artifact that has a row readable; a second collection finds nothing. S3 dates objects
 * and parts by its own clock and {@code Last-Modified} cannot be set back, so the collector and
 * the backend are given a clock some hours ahead instead; with the real clock the same collector
 * finds everything too young.
 */
class S3GarbageCollectionTest {
  private static final int PART = (int) S3ArtifactBackend.MIN_PART_SIZE;
  private static final Duration AHEAD = Duration.ofHours(3);
  private static final Duration GRACE = Duration.ofHours(1);
  private static final Reclaimed NOTHING = new Reclaimed(0, 0, Optional.empty());

  private final ExperimentId experiment = ExperimentId.mint();

  @Test
  void aDryRunCountsTheOrphanObjectAndTheAbandonedUploadAndACollectionRemovesExactlyThose()
      throws Exception {
    String bucket = TestStorage.bucketFor(getClass());
    Clock later = Clock.offset(Clock.systemUTC(), AHEAD);
    S3ArtifactBackend backend = TestStorage.onSharedClient(bucket).clock(later).build();
    String prefix = backend.keyPrefix();
    InMemoryArtifactStore rows = new InMemoryArtifactStore();

    byte[] kept = generated(100_000, 1);
    DepositResult artifact = ArtifactService.builder().backend(backend).store(rows).build()
        .deposit(experiment, Principal.admin(), "kept.bin", null, new ByteArrayInputStream(kept));
    ArtifactId orphan = ArtifactId.mint();
    byte[] orphanBytes = generated(PART + 123, 2); // a completed multipart upload, without a row
    Blobs.commit(backend, orphan, orphanBytes);
    PendingBlob crashed = backend.begin(ArtifactId.mint());
    crashed.output().write(generated(2 * PART + 10, 3)); // two parts go up; the writer never finishes
    List<String> keys = List.of(key(prefix, artifact.metadata().id()), key(prefix, orphan));
    assertThat(TestStorage.keys(bucket, prefix)).containsExactlyInAnyOrderElementsOf(keys);
    assertThat(uploads(bucket, prefix)).containsExactly(key(prefix, crashed.id()));

    S3ArtifactBackend sameBucketNow = S3ArtifactBackend.builder().client(TestStorage.server().client())
        .bucket(bucket).keyPrefix(prefix).build();
    GcReport now = collector(sameBucketNow, rows, Clock.systemUTC()).dryRun();
    assertThat(List.of(now.orphanBlobs(), now.stalePending())).as(now.summary()).containsOnly(NOTHING);

    GarbageCollector collector = collector(backend, rows, later);
    GcReport dryRun = collector.dryRun();
    assertThat(dryRun.dryRun()).isTrue();
    assertThat(dryRun.orphanBlobs()).as(dryRun.summary())
        .isEqualTo(new Reclaimed(1, orphanBytes.length, Optional.empty()));
    assertThat(dryRun.stalePending()).as(dryRun.summary())
        .isEqualTo(new Reclaimed(1, 2L * PART, Optional.empty()));
    assertThat(dryRun.unreferencedArtifacts().notChecked()).as("without ArtifactReferences").isPresent();
    assertThat(TestStorage.keys(bucket, prefix)).as("objects after the dry run")
        .containsExactlyInAnyOrderElementsOf(keys);
    assertThat(uploads(bucket, prefix)).as("uploads after the dry run")
        .containsExactly(key(prefix, crashed.id()));

    GcReport collected = collector.collect();
    assertThat(collected.dryRun()).isFalse();
    assertThat(collected.orphanBlobs()).isEqualTo(dryRun.orphanBlobs());
    assertThat(collected.stalePending()).isEqualTo(dryRun.stalePending());
    assertThat(TestStorage.keys(bucket, prefix)).containsExactly(key(prefix, artifact.metadata().id()));
    assertThat(uploads(bucket, prefix)).isEmpty();
    assertThat(rows.contains(artifact.metadata().id())).isTrue();
    try (FetchedArtifact fetched = ArtifactService.builder().backend(backend).store(rows).build()
        .open(experiment, Principal.admin(), artifact.artifactsUri())) {
      assertThat(Blobs.readAll(fetched.content())).isEqualTo(kept);
    }

    GcReport again = collector.collect();
    assertThat(List.of(again.orphanBlobs(), again.stalePending())).as(again.summary()).containsOnly(NOTHING);
    System.out.println("s3 gc: dry run: " + dryRun.summary() + "; then: " + collected.summary()
        + "; again: " + again.summary());

    crashed.close(); // aborting an upload the collection removed is quiet
  }

  private static GarbageCollector collector(S3ArtifactBackend backend, InMemoryArtifactStore rows,
      Clock clock) {
    // no deposit races this collection: the second look-up of orphans need not wait
    return GarbageCollector.builder().backend(backend).store(rows).grace(GRACE).clock(clock)
        .recheckDelay(Duration.ZERO).build();
  }

  private static String key(String prefix, ArtifactId id) {
    return prefix + id.value().substring(0, 2) + "/" + id.value();
  }

  private static List<String> uploads(String bucket, String prefix) {
    return TestStorage.uploads(bucket, prefix).stream().map(MultipartUpload::key).toList();
  }
}
