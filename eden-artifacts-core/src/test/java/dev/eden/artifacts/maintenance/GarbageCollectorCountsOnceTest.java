package dev.eden.artifacts.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.DepositResult;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two collectors sharing one storage count every item they reclaim once between them, even when
 * they meet on the same artifact in different classes: one removes an unreferenced artifact's row,
 * and before it removes the bytes the other, sweeping orphans, finds those bytes without a row and
 * takes them. The interleaving is forced (the second collector runs inside the first one's row
 * deletion), so the test is deterministic.
 */
class GarbageCollectorCountsOnceTest {
  private static final Duration LONG_AGO = Duration.ofHours(3);
  private final ExperimentId experiment = ExperimentId.mint();

  @Test
  void anArtifactWhoseBytesAnotherCollectorTookAsAnOrphanIsCountedOnce() throws IOException {
    Clock past = Clock.offset(Clock.systemUTC(), LONG_AGO.negated());
    InMemoryArtifactBackend backend = new InMemoryArtifactBackend(past); // blobs committed long ago
    InMemoryArtifactStore rows = new InMemoryArtifactStore();
    DepositResult unreferenced = ArtifactService.builder().backend(backend).store(rows).clock(past).build()
        .deposit(experiment, Principal.admin(), "old.bin", null, new ByteArrayInputStream(new byte[1000]));
    ArtifactReferences nothingReferenced = (experimentId, uris) -> Set.of();

    GarbageCollector other = collector(backend, rows, nothingReferenced);
    List<GcReport> otherReports = new ArrayList<>();
    ArtifactStore rowsDeletedWhileTheOtherRuns = new DelegatingStore(rows) {
      @Override
      public boolean delete(ArtifactId id) throws IOException {
        boolean deleted = super.delete(id);
        otherReports.add(other.collect()); // the row is gone, the bytes not yet
        return deleted;
      }
    };
    GcReport first = collector(backend, rowsDeletedWhileTheOtherRuns, nothingReferenced).collect();

    assertThat(otherReports).hasSize(1);
    GcReport second = otherReports.get(0);
    assertThat(second.orphanBlobs().count()).as("the other collector took the bytes as an orphan").isEqualTo(1);
    assertThat(first.unreferencedArtifacts().count() + first.orphanBlobs().count()
        + second.unreferencedArtifacts().count() + second.orphanBlobs().count())
        .as("items counted by both collectors: %s | %s", first.summary(), second.summary())
        .isEqualTo(1);
    assertThat(first.totalBytes() + second.totalBytes()).isEqualTo(unreferenced.metadata().sizeBytes());
    assertThat(rows.contains(unreferenced.metadata().id())).isFalse();
    assertThat(backend.open(unreferenced.metadata().id(), 0)).isEmpty();
  }

  private GarbageCollector collector(InMemoryArtifactBackend backend, ArtifactStore store,
      ArtifactReferences references) {
    return GarbageCollector.builder().backend(backend).store(store)
        .references(references, List.of(experiment)).grace(GarbageCollector.MINIMUM_GRACE)
        .recheckDelay(Duration.ZERO) // no deposit races these collectors
        .build();
  }
}
