package dev.eden.artifacts.testkit;

import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.spi.ArtifactBackend;

class InMemoryArtifactBackendPropertiesTest implements ArtifactBackendProperties {
  @Override
  public ArtifactBackend newBackend() {
    return new InMemoryArtifactBackend();
  }
}
