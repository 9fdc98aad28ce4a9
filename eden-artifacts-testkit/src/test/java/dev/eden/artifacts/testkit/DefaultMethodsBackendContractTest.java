package dev.eden.artifacts.testkit;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.PendingBlob;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A backend written against the first SPI (only its abstract methods) passes the contract through
 * the default methods: the ranged open works, and the listing checks are skipped as assumptions.
 */
class DefaultMethodsBackendContractTest implements ArtifactBackendContract {
  @Override
  public ArtifactBackend newBackend() {
    ArtifactBackend real = new InMemoryArtifactBackend();
    return new ArtifactBackend() {
      @Override
      public PendingBlob begin(ArtifactId id) throws IOException {
        return real.begin(id);
      }

      @Override
      public Optional<InputStream> open(ArtifactId id, long offset) throws IOException {
        return real.open(id, offset);
      }

      @Override
      public boolean delete(ArtifactId id) throws IOException {
        return real.delete(id);
      }

      @Override
      public Stream<ArtifactId> ids() throws IOException {
        return real.ids();
      }
    };
  }
}
