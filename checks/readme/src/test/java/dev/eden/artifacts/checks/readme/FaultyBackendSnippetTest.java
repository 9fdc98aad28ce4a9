package dev.eden.artifacts.checks.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ArtifactStorageException;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import dev.eden.artifacts.testkit.FaultyArtifactBackend;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The testkit README's fault-injection snippet, and the claim in its last line. */
class FaultyBackendSnippetTest {
  @TempDir Path dir;

  @Test
  void aFailedCommitThrowsAStorageExceptionAndLeavesNoFile() throws Exception {
    ArtifactStore store = new InMemoryArtifactStore();
    // snippet: faulty-backend
    FaultyArtifactBackend backend = new FaultyArtifactBackend(new FileArtifactBackend(dir));
    ArtifactService service = ArtifactService.builder().backend(backend).store(store).build();
    backend.failOn(FaultyArtifactBackend.Operation.COMMIT);
    // a deposit now throws ArtifactStorageException and leaves no file in dir
    // end snippet
    assertThatThrownBy(() -> service.deposit(ExperimentId.mint(), Principal.admin(), "a.txt", "text/plain",
        new ByteArrayInputStream(new byte[] {1, 2, 3})))
        .isInstanceOf(ArtifactStorageException.class);
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }
}
