package dev.eden.artifacts.server.internal;

import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import dev.eden.artifacts.testkit.ArtifactStoreContract;
import java.time.Duration;

/** The cache in front of a store keeps every promise of the store contract, paging included. */
class CachingArtifactStoreContractTest implements ArtifactStoreContract {
  @Override
  public ArtifactStore newStore() {
    return new CachingArtifactStore(new InMemoryArtifactStore(), Duration.ofMinutes(1), 1000);
  }
}
