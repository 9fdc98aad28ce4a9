package dev.eden.artifacts.testkit;

import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.store.InMemoryArtifactStore;

// Shown in README.md: keep the two in step.
class InMemoryArtifactStoreContractTest implements ArtifactStoreContract {
  @Override
  public ArtifactStore newStore() {
    return new InMemoryArtifactStore();
  }
}
