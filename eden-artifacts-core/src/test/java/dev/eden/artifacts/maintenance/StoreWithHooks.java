package dev.eden.artifacts.maintenance;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.spi.ArtifactStore;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A store that runs test code right before and right after each row is created, to put a garbage
 * collection (or the passing of time) exactly between a deposit's blob commit and its row.
 */
final class StoreWithHooks implements ArtifactStore {
  /** Test code around a row's creation. */
  interface Hook {
    void run(ArtifactMetadata row) throws IOException;
  }

  private final ArtifactStore delegate;
  private volatile Hook beforeCreate = row -> {};
  private volatile Hook afterCreate = row -> {};

  StoreWithHooks(ArtifactStore delegate) {
    this.delegate = delegate;
  }

  void beforeCreate(Hook hook) {
    beforeCreate = hook;
  }

  void afterCreate(Hook hook) {
    afterCreate = hook;
  }

  @Override
  public void create(ArtifactMetadata metadata) throws IOException {
    beforeCreate.run(metadata);
    delegate.create(metadata);
    afterCreate.run(metadata);
  }

  @Override
  public Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id) throws IOException {
    return delegate.find(experimentId, id);
  }

  @Override
  public boolean contains(ArtifactId id) throws IOException {
    return delegate.contains(id);
  }

  @Override
  public List<ArtifactId> idsCreatedBefore(ExperimentId experimentId, Instant cutoff, int limit)
      throws IOException {
    return delegate.idsCreatedBefore(experimentId, cutoff, limit);
  }

  @Override
  public boolean delete(ArtifactId id) throws IOException {
    return delegate.delete(id);
  }
}
