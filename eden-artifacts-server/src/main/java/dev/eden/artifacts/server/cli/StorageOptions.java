package dev.eden.artifacts.server.cli;

import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.server.cli.BlobStoreOptions.OpenedBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where a command finds the artifacts: the data directory, the metadata database ({@code --db})
 * and the blob store ({@code --blob-store} and the S3 options). A picocli mixin
 * shared by {@code serve}, {@code gc} and {@code scrub}, so that an operator passes the same
 * options to each and every command reads them alike.
 */
final class StorageOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec command;

  @Option(names = "--data-dir", defaultValue = "./eden-data", description = "Directory for blobs, SQLite metadata, the worker registry and the generated admin token (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--db", paramLabel = "<jdbc url>", description = "Metadata database: jdbc:postgresql://... or jdbc:sqlite:<file> (default: SQLite at <data-dir>/metadata.db). With --db the workers are that database's too (add-worker --db), not <data-dir>/workers.json.")
  String db;

  @Option(names = "--metadata-write-timeout", defaultValue = "PT10S", paramLabel = "<ISO-8601 duration>", description = {
      "The longest a deposit waits to record its row (and a delete to remove one) in the metadata database, in total:",
      "for a lock another process holds on the SQLite file, a pooled connection, a locked PostgreSQL table, a database that is down.",
      "Then it fails with a 500 and leaves nothing behind; at least PT0.001S, keep it well below a minute (default: ${DEFAULT-VALUE})."})
  Duration metadataWriteTimeout;

  @Mixin BlobStoreOptions blobStore;

  /**
   * Checks the options without touching any storage.
   *
   * @throws ParameterException naming the option that is wrong
   */
  void validate() {
    blobStore.validate();
    if (db != null && !MetadataDatabase.isSupported(db)) {
      throw new ParameterException(command.commandLine(), "--db must be a jdbc:postgresql: or jdbc:sqlite: URL");
    }
    if (metadataWriteTimeout.isNegative() || metadataWriteTimeout.toMillis() < 1) {
      throw new ParameterException(command.commandLine(), "--metadata-write-timeout must be at least PT0.001S: "
          + metadataWriteTimeout);
    }
  }

  /** The data directory, absolute and normalised. */
  Path data() {
    return dataDir.toAbsolutePath().normalize();
  }

  /** The metadata store, its schema migrated; the caller closes it. */
  JdbiArtifactStore openStore() throws IOException {
    return MetadataDatabase.builder(db == null ? sqliteUrl() : db).writeTimeout(metadataWriteTimeout).build();
  }

  /**
   * The metadata store the servers use, for the commands that work on existing artifacts ({@code
   * gc}, {@code scrub}): it must exist and hold this release's schema, which is checked, never
   * created or migrated. A mistyped {@code --data-dir} or {@code --db}, another database, or one
   * left behind by a move to {@code --db} is refused rather than read as an empty store, in which
   * every blob would look like an orphan.
   *
   * @throws StartupFailure if there is no such database, or it holds no schema of this release
   */
  JdbiArtifactStore openExistingStore() throws StartupFailure {
    try {
      return MetadataDatabase.builder(db == null ? sqliteUrl() : db)
          .writeTimeout(metadataWriteTimeout)
          .existingSchemaOnly()
          .build();
    } catch (IOException e) {
      throw new StartupFailure(e.getMessage() + (db == null
          ? " (is --data-dir the servers'? --db names another database)"
          : " (is --db the servers' database?)"));
    }
  }

  private String sqliteUrl() {
    return MetadataDatabase.SQLITE + data().resolve("metadata.db");
  }

  /** How to name the metadata database in an output line, without any password. */
  String describeStore() {
    return db == null ? "sqlite " + data().resolve("metadata.db") : MetadataDatabase.redact(db);
  }

  /** The blob store; see {@link BlobStoreOptions#open}. */
  OpenedBlobStore openBlobs() throws IOException, StartupFailure {
    return blobStore.open(data());
  }

  /**
   * The blob store of a command that works on existing blobs only ({@code gc}, {@code scrub}): a
   * missing directory is an error, a bucket gets one {@code HeadBucket}; see {@link
   * BlobStoreOptions#openForReading}.
   */
  OpenedBlobStore openBlobsForReading() throws IOException, StartupFailure {
    return blobStore.openForReading(data());
  }
}
