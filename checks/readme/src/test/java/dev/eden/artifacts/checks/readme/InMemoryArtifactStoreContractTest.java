package dev.eden.artifacts.checks.readme;

import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import dev.eden.artifacts.testkit.ArtifactStoreContract;

/** The testkit README's store snippet, run as written. */
// snippet: store-contract
class InMemoryArtifactStoreContractTest implements ArtifactStoreContract {
  @Override
  public ArtifactStore newStore() {
    return new InMemoryArtifactStore();
  }
}
// end snippet
