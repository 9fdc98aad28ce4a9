package dev.eden.artifacts.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDurabilityTest {
  @TempDir Path dir;

  @Test
  void rowCommittedByAProcessKilledWithSigkillIsThereAfterReopening() throws Exception {
    Path file = dir.resolve("metadata.db");
    ExperimentId experiment = ExperimentId.mint();
    ArtifactId id = ArtifactId.mint();
    long createdAt = 1_790_000_000_123L;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    SqliteCommitThenHang.class.getName(),
                    file.toString(),
                    experiment.value(),
                    id.value(),
                    Long.toString(createdAt)))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String line;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      line = out.readLine();
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close, no checkpoint
    }
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isEqualTo(137);
    assertThat(line).isEqualTo(SqliteCommitThenHang.MARKER + id);

    ArtifactMetadata expected = SqliteCommitThenHang.row(experiment, id, createdAt);
    try (JdbiArtifactStore reopened = JdbiArtifactStore.sqlite(file)) {
      assertThat(reopened.find(experiment, id)).contains(expected);
    }
  }
}
