package dev.eden.artifacts.testkit;

import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.spi.ArtifactBackend;

class InMemoryArtifactBackendContractTest implements ArtifactBackendContract {
  @Override
  public ArtifactBackend newBackend() {
    return new InMemoryArtifactBackend();
  }
}
