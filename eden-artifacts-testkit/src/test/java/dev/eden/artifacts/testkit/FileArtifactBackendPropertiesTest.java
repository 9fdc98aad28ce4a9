package dev.eden.artifacts.testkit;

import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.spi.ArtifactBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import net.jqwik.api.lifecycle.AfterTry;

/** jqwik has no {@code @TempDir}: every try gets its own directory, removed after the try. */
// Shown in README.md, which checks/readme compares with this region.
// snippet: backend-properties
class FileArtifactBackendPropertiesTest implements ArtifactBackendProperties {
  private Path dir;

  @Override
  public ArtifactBackend newBackend() throws IOException {
    dir = Files.createTempDirectory("eden-blobs");
    return new FileArtifactBackend(dir.resolve("root"));
  }

  @AfterTry
  void removeDirectory() throws IOException {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
    dir = null;
  }
}
// end snippet
