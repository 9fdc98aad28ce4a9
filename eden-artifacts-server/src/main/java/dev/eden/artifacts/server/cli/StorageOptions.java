package dev.eden.artifacts.server.cli;

import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.server.cli.BlobStoreOptions.OpenedBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where a command finds the artifacts: the data directory, the metadata database ({@code --db}),
 * the blob store ({@code --blob-store} and the S3 options) and the experiments. A picocli mixin
 * shared by {@code serve}, {@code gc} and {@code scrub}, so that an operator passes the same
 * options to each and every command reads them alike.
 */
final class StorageOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec command;

  @Option(names = "--data-dir", defaultValue = "./eden-data", description = "Directory for blobs, SQLite metadata, the worker registry and the generated admin token (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--db", paramLabel = "<jdbc url>", description = "Metadata database: jdbc:postgresql://... or jdbc:sqlite:<file> (default: SQLite at <data-dir>/metadata.db). With --db the workers are that database's too (add-worker --db), not <data-dir>/workers.json.")
  String db;

  @Option(names = "--experiment-id", paramLabel = "exp_...", description = "An experiment to serve; repeat for several. Without it, the one kept in <data-dir>/experiment-id (minted at the first start of 'serve').")
  List<String> experimentIds = new ArrayList<>();

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
    for (String e : experimentIds) {
      if (!ExperimentId.isValid(e)) {
        throw new ParameterException(command.commandLine(),
            "--experiment-id must be 'exp_' followed by 26 lowercase Crockford base32 characters: " + e);
      }
    }
  }

  /** The data directory, absolute and normalised. */
  Path data() {
    return dataDir.toAbsolutePath().normalize();
  }

  /** The metadata store, its schema migrated; the caller closes it. */
  JdbiArtifactStore openStore() throws IOException {
    return db == null ? JdbiArtifactStore.sqlite(data().resolve("metadata.db")) : MetadataDatabase.open(db);
  }

  /**
   * The metadata store of a data directory that must already hold one, for the commands that
   * work on existing artifacts ({@code gc}, {@code scrub}): they never create an empty database
   * because of a mistyped {@code --data-dir}.
   *
   * @throws StartupFailure if the default SQLite file does not exist
   */
  JdbiArtifactStore openExistingStore() throws IOException, StartupFailure {
    if (db == null && !Files.isRegularFile(data().resolve("metadata.db"))) {
      throw new StartupFailure("no metadata database at " + data().resolve("metadata.db")
          + " (is --data-dir the server's? --db names another database)");
    }
    return openStore();
  }

  /** How to name the metadata database in an output line, without any password. */
  String describeStore() {
    return db == null ? "sqlite " + data().resolve("metadata.db") : MetadataDatabase.redact(db);
  }

  /** The blob store; see {@link BlobStoreOptions#open}. */
  OpenedBlobStore openBlobs() throws IOException, StartupFailure {
    return blobStore.open(data());
  }

  /** The blob store of a command that only reads it; see {@link BlobStoreOptions#openForReading}. */
  OpenedBlobStore openBlobsForReading() throws IOException, StartupFailure {
    return blobStore.openForReading(data());
  }

  /**
   * The experiments given with {@code --experiment-id}, or else the one kept in the data
   * directory, without minting one.
   *
   * @throws StartupFailure if neither exists
   */
  List<ExperimentId> existingExperiments() throws IOException, StartupFailure {
    if (!experimentIds.isEmpty()) {
      return experimentIds.stream().map(ExperimentId::parse).toList();
    }
    Path file = data().resolve(DataDirectory.EXPERIMENT_FILE);
    if (!Files.isRegularFile(file)) {
      throw new StartupFailure("no --experiment-id given and no " + file + " (is --data-dir the server's?)");
    }
    String text = Files.readString(file).strip();
    if (!ExperimentId.isValid(text)) {
      throw new StartupFailure(file + " does not hold a valid experiment id");
    }
    return List.of(ExperimentId.parse(text));
  }
}
