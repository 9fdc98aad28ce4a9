package dev.eden.artifacts.server.cli;

import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.jdbc.JdbiWorkerRegistry;
import dev.eden.artifacts.server.auth.CredentialRegistry;
import dev.eden.artifacts.server.auth.DatabaseCredentialRegistry;
import dev.eden.artifacts.server.auth.WorkerRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@code serve} keeps its workers: {@code <data-dir>/workers.json} on the embedded defaults,
 * the metadata database's registry with {@code --db} (so every instance on that database accepts
 * the same workers).
 */
final class WorkerRegistries {
  private WorkerRegistries() {}

  /** The registry for {@code serve}; with {@code db} set, on the connections of {@code store}. */
  static WorkerRegistry open(Path data, String db, JdbiArtifactStore store) throws IOException {
    return db == null
        ? CredentialRegistry.open(data.resolve(CredentialRegistry.FILE_NAME))
        : DatabaseCredentialRegistry.open(JdbiWorkerRegistry.on(store));
  }

  /**
   * The start-up line saying where the workers are and how to enrol one, and, for the database,
   * a note when the data directory still holds file-registry workers the database lacks.
   */
  static String describe(WorkerRegistry registry, Path data, String db) {
    if (db == null) {
      return "workers: file " + data.resolve(CredentialRegistry.FILE_NAME)
          + " (enrol with: add-worker --data-dir " + data + ")";
    }
    String line = "workers: database " + MetadataDatabase.redact(db) + ", " + registry.workerIds().size()
        + " enrolled (enrol with: add-worker --db <jdbc url>)";
    Path file = data.resolve(CredentialRegistry.FILE_NAME);
    if (!Files.exists(file)) {
      return line;
    }
    String note;
    try {
      long missing = CredentialRegistry.open(file).workerIds().stream().filter(id -> !registry.contains(id)).count();
      if (missing == 0) {
        return line;
      }
      note = file + " holds " + missing + " worker(s) that the database does not";
    } catch (IOException e) {
      note = file + " cannot be read (" + e.getMessage() + ")";
    }
    return line + System.lineSeparator() + "note: " + note + "; with --db this server does not read that"
        + " file: copy its workers with import-workers --data-dir " + data + " --db <jdbc url>";
  }
}
