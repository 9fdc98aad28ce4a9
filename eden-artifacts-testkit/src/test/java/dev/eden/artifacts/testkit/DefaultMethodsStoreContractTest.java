package dev.eden.artifacts.testkit;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A store written against the first SPI (only its abstract methods) passes the whole contract,
 * paging and summaries included, through the default methods.
 */
class DefaultMethodsStoreContractTest implements ArtifactStoreContract {
  @Override
  public ArtifactStore newStore() {
    ArtifactStore real = new InMemoryArtifactStore();
    return new ArtifactStore() {
      @Override
      public void create(ArtifactMetadata metadata) throws IOException {
        real.create(metadata);
      }

      @Override
      public Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id) throws IOException {
        return real.find(experimentId, id);
      }

      @Override
      public boolean contains(ArtifactId id) throws IOException {
        return real.contains(id);
      }

      @Override
      public List<ArtifactId> idsCreatedBefore(ExperimentId experimentId, Instant cutoff, int limit)
          throws IOException {
        return real.idsCreatedBefore(experimentId, cutoff, limit);
      }

      @Override
      public boolean delete(ArtifactId id) throws IOException {
        return real.delete(id);
      }
    };
  }
}
