package dev.eden.artifacts.jdbc;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Child-process half of {@link SqliteDurabilityTest}: commits one row, announces it on stdout and
 * then waits to be killed, without ever closing the store.
 */
public final class SqliteCommitThenHang {
  static final String MARKER = "COMMITTED ";

  private SqliteCommitThenHang() {}

  /** Arguments: database file, experiment id, artifact id, createdAt epoch millis. */
  public static void main(String[] args) throws Exception {
    ArtifactMetadata row =
        row(ExperimentId.parse(args[1]), ArtifactId.parse(args[2]), Long.parseLong(args[3]));
    JdbiArtifactStore store = JdbiArtifactStore.sqlite(Path.of(args[0]));
    store.create(row);
    System.out.println(MARKER + row.id());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  static ArtifactMetadata row(ExperimentId experiment, ArtifactId id, long createdAtMillis) {
    return new ArtifactMetadata(
        experiment,
        id,
        Principal.admin(),
        4096,
        "application/x-ndjson",
        Instant.ofEpochMilli(createdAtMillis),
        TestRows.sha256(id.value()),
        "killed.ndjson");
  }
}
