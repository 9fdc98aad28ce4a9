package dev.eden.artifacts.testkit;

import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.spi.ArtifactBackend;

/** Without faults, the fault-injecting wrapper is a faithful backend. */
class FaultyArtifactBackendContractTest implements ArtifactBackendContract {
  @Override
  public ArtifactBackend newBackend() {
    return new FaultyArtifactBackend(new InMemoryArtifactBackend());
  }
}
