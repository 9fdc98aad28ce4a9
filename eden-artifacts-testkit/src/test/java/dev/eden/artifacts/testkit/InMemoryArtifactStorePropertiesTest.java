package dev.eden.artifacts.testkit;

import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.store.InMemoryArtifactStore;

class InMemoryArtifactStorePropertiesTest implements ArtifactStoreProperties {
  @Override
  public ArtifactStore newStore() {
    return new InMemoryArtifactStore();
  }
}
