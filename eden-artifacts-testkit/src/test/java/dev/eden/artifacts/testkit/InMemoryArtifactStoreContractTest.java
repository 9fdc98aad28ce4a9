package dev.eden.artifacts.testkit;

import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.store.InMemoryArtifactStore;

// Shown in README.md, which checks/readme compares with this region.
// snippet: store-contract
class InMemoryArtifactStoreContractTest implements ArtifactStoreContract {
  @Override
  public ArtifactStore newStore() {
    return new InMemoryArtifactStore();
  }
}
// end snippet
