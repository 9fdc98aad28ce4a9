package dev.eden.artifacts.server.metrics;

import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.testkit.ArtifactBackendContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The counting decorator keeps every promise of the backend contract, capabilities included. */
class InstrumentedBackendContractTest implements ArtifactBackendContract {
  @TempDir Path dir;

  @Override
  public ArtifactBackend newBackend() throws IOException {
    return new ArtifactMetrics(new SimpleMeterRegistry())
        .instrument(new FileArtifactBackend(Files.createTempDirectory(dir, "blobs")));
  }
}
