package dev.eden.artifacts.checks.readme;

import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.testkit.ArtifactBackendContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The README's testkit snippet, run as written. */
// snippet: backend-contract
class FileArtifactBackendContractTest implements ArtifactBackendContract {
  @TempDir Path dir;

  @Override
  public ArtifactBackend newBackend() throws IOException {
    return new FileArtifactBackend(Files.createTempDirectory(dir, "blobs"));
  }
}
// end snippet
