package dev.eden.artifacts.server.metrics;

import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import dev.eden.artifacts.testkit.ArtifactStoreContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The counting decorator keeps every promise of the store contract, paging included. */
class InstrumentedStoreContractTest implements ArtifactStoreContract {
  @Override
  public ArtifactStore newStore() {
    return new ArtifactMetrics(new SimpleMeterRegistry()).instrument(new InMemoryArtifactStore());
  }
}
