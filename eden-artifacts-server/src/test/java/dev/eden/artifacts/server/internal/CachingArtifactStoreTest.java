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
}
