package dev.eden.artifacts.maintenance;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.spi.ArtifactStore;
import java.io.IOException;

/**
 * A store that runs test code right before and right after each row is created, to put a garbage
 * collection (or the passing of time) exactly between a deposit's blob commit and its row.
 */
final class StoreWithHooks extends DelegatingStore {
  /** Test code around a row's creation. */
  interface Hook {
    void run(ArtifactMetadata row) throws IOException;
  }

  private volatile Hook beforeCreate = row -> {};
  private volatile Hook afterCreate = row -> {};

  StoreWithHooks(ArtifactStore delegate) {
    super(delegate);
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
    super.create(metadata);
    afterCreate.run(metadata);
  }
}
