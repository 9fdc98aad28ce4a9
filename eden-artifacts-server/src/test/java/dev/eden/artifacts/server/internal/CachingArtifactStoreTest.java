package dev.eden.artifacts.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.spi.PageRequest;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import dev.eden.artifacts.testkit.FaultyArtifactStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachingArtifactStoreTest {
  final ExperimentId experiment = ExperimentId.mint();

  private ArtifactMetadata row(ArtifactId id) {
    return new ArtifactMetadata(experiment, id, Principal.admin(), 1, "text/plain", Instant.now(),
        "0".repeat(64), "a");
  }

  @Test
  void pagesAndSummariesComeFromTheDelegatesOwnQueries() {
    FaultyArtifactStore backing = new FaultyArtifactStore(new InMemoryArtifactStore())
        .failOn(FaultyArtifactStore.Operation.PAGE, FaultyArtifactStore.Operation.SUMMARIZE);
    CachingArtifactStore cache = new CachingArtifactStore(backing, Duration.ofMinutes(1), 10);
    // Not forwarded, they would run the SPI's defaults over idsCreatedBefore and find instead.
    assertThatThrownBy(() -> cache.page(experiment, PageRequest.first(10)))
        .hasMessageContaining(FaultyArtifactStore.MESSAGE);
    assertThatThrownBy(() -> cache.summarize(experiment)).hasMessageContaining(FaultyArtifactStore.MESSAGE);
  }

  @Test
  void foundRowsAreServedFromTheCacheButStayScopedToTheirExperiment() throws Exception {
    InMemoryArtifactStore backing = new InMemoryArtifactStore();
    CachingArtifactStore cache = new CachingArtifactStore(backing, Duration.ofMinutes(1), 10);
    ArtifactId id = ArtifactId.mint();
    cache.create(row(id));
    assertThat(cache.find(experiment, id)).isPresent();
    backing.delete(id); // behind the cache's back: the entry outlives it until the TTL
    assertThat(cache.find(experiment, id)).isPresent();
    assertThat(cache.find(ExperimentId.mint(), id)).isEmpty();
  }

  @Test
  void absenceIsNeverCachedAndDeleteInvalidates() throws Exception {
    CachingArtifactStore cache = new CachingArtifactStore(new InMemoryArtifactStore(), Duration.ofMinutes(1), 10);
    ArtifactId id = ArtifactId.mint();
    assertThat(cache.find(experiment, id)).isEmpty();
    cache.create(row(id));
    assertThat(cache.find(experiment, id)).isPresent();
    assertThat(cache.delete(id)).isTrue();
    assertThat(cache.find(experiment, id)).isEmpty();
  }

  @Test
  void entriesExpireAndTheCacheIsBounded() throws Exception {
    InMemoryArtifactStore backing = new InMemoryArtifactStore();
    CachingArtifactStore expiring = new CachingArtifactStore(backing, Duration.ZERO, 2);
    ArtifactId id = ArtifactId.mint();
    expiring.create(row(id));
    assertThat(expiring.find(experiment, id)).isPresent();
    backing.delete(id);
    assertThat(expiring.find(experiment, id)).isEmpty();
    for (int i = 0; i < 5; i++) {
      ArtifactId other = ArtifactId.mint();
      expiring.create(row(other));
      assertThat(expiring.find(experiment, other)).isPresent();
    }
  }

  @Test
  void aFullCacheStaysWithinItsBoundAndKeepsTheNewestRow() throws Exception {
    InMemoryArtifactStore backing = new InMemoryArtifactStore();
    CachingArtifactStore cache = new CachingArtifactStore(backing, Duration.ofMinutes(1), 8);
    ArtifactId newest = null;
    for (int i = 0; i < 100; i++) {
      newest = ArtifactId.mint();
      cache.create(row(newest));
      assertThat(cache.find(experiment, newest)).isPresent();
      assertThat(cache.size()).isLessThanOrEqualTo(8);
    }
    backing.delete(newest);
    assertThat(cache.find(experiment, newest)).as("served from the cache").isPresent();
  }

  @Test
  void expiredRowsAreDroppedBeforeTheCacheIsFull() throws Exception {
    InMemoryArtifactStore backing = new InMemoryArtifactStore();
    CachingArtifactStore cache = new CachingArtifactStore(backing, Duration.ofMillis(50), 1_000);
    for (int i = 0; i < 10; i++) {
      ArtifactId id = ArtifactId.mint();
      cache.create(row(id));
      assertThat(cache.find(experiment, id)).isPresent();
    }
    assertThat(cache.size()).isEqualTo(10);
    Thread.sleep(120);
    ArtifactId later = ArtifactId.mint();
    cache.create(row(later));
    assertThat(cache.find(experiment, later)).isPresent();
    assertThat(cache.size()).as("only the row found after the others expired").isEqualTo(1);
  }

  @Test
  void boundFollowsTheHeap() {
    long heap = 64L << 20;
    int bound = CachingArtifactStore.maxEntriesForHeap(heap);
    assertThat((long) bound * CachingArtifactStore.ENTRY_BYTES).isLessThanOrEqualTo(heap / 16);
    assertThat(bound).isEqualTo(4_096);
    assertThat(CachingArtifactStore.maxEntriesForHeap(8L << 20)).isEqualTo(1_000);
    assertThat(CachingArtifactStore.maxEntriesForHeap(64L << 30)).isEqualTo(100_000);
  }

  @Test
  void entryBytesIsNotLessThanARowTakes() throws Exception {
    // Rows as the runnable server caches them: distinct objects read from the database, held by the cache alone.
    InMemoryArtifactStore backing = new InMemoryArtifactStore();
    int rows = 20_000;
    long empty = usedHeapAfterGc();
    List<ArtifactId> ids = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      ArtifactId id = ArtifactId.mint();
      ids.add(id);
      backing.create(new ArtifactMetadata(ExperimentId.parse(experiment.value()), id,
          Principal.worker(Principal.mintWorkerId()), i, "application/octet-stream", Instant.now(),
          HexFormat.of().formatHex(new byte[32]).replace('0', 'a'), "artifact-" + i + ".bin"));
    }
    CachingArtifactStore cache = new CachingArtifactStore(backing, Duration.ofMinutes(1), rows);
    for (ArtifactId id : ids) {
      assertThat(cache.find(experiment, id)).isPresent();
    }
    for (ArtifactId id : ids) {
      backing.delete(id);
    }
    long perRow = (usedHeapAfterGc() - empty - (long) ids.size() * 40) / rows; // less the id list itself
    assertThat(cache.size()).isEqualTo(rows);
    assertThat(perRow).isLessThanOrEqualTo(CachingArtifactStore.ENTRY_BYTES).isGreaterThan(CachingArtifactStore.ENTRY_BYTES / 8);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    Runtime runtime = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
    }
    return used;
  }
}
