package dev.eden.artifacts.testkit;

import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.store.InMemoryArtifactStore;

/** Without faults, the fault-injecting wrapper is a faithful store. */
class FaultyArtifactStoreContractTest implements ArtifactStoreContract {
  @Override
  public ArtifactStore newStore() {
    return new FaultyArtifactStore(new InMemoryArtifactStore());
  }
}
