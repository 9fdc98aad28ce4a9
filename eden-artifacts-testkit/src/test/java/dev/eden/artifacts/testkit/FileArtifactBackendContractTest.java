package dev.eden.artifacts.testkit;

import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.spi.ArtifactBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

// Shown in README.md, which checks/readme compares with this region.
// snippet: backend-contract
class FileArtifactBackendContractTest implements ArtifactBackendContract {
  @TempDir Path dir;

  @Override
  public ArtifactBackend newBackend() throws IOException {
    return new FileArtifactBackend(Files.createTempDirectory(dir, "blobs"));
  }
}
// end snippet
