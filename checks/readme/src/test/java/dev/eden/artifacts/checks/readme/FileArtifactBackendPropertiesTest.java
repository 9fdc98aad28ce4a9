package dev.eden.artifacts.checks.readme;

import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.testkit.ArtifactBackendProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import net.jqwik.api.lifecycle.AfterTry;

/** The testkit README's jqwik snippet, run as written. */
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
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
// end snippet
