package dev.eden.artifacts.server.cli;

import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.jdbc.JdbiWorkerRegistry;
import dev.eden.artifacts.server.auth.CredentialRegistry;
import dev.eden.artifacts.server.auth.DatabaseCredentialRegistry;
import dev.eden.artifacts.server.auth.DatabaseCredentialRegistry.ImportReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code import-workers}: copies a data directory's workers.json into a database registry. */
@Command(
    name = "import-workers",
    mixinStandardHelpOptions = true,
    description = {
        "Copies the workers of <data-dir>/workers.json into the worker registry of the metadata database named by --db, for moving a server from the file registry to 'serve --db'.",
        "",
        "Copies each worker's id, groups and secret hash, and each group's parents, so every bearer keeps working. Entries the database already holds unchanged are skipped, so it can run again. An id the database holds with another hash, other groups or other parents is refused: nothing is copied and the exit status is 1. Migrates the database's schema if needed; the file is left as it is."})
final class ImportWorkersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data-dir", defaultValue = "./eden-data", description = "The data directory whose workers.json is copied (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--db", required = true, paramLabel = "<jdbc url>", description = "The metadata database to copy into: jdbc:postgresql://... or jdbc:sqlite:<file>, as given to 'serve --db'.")
  String db;

  @Override
  public Integer call() throws Exception {
    Path file = dataDir.toAbsolutePath().normalize().resolve(CredentialRegistry.FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new ParameterException(spec.commandLine(), "there is no worker registry to import at " + file);
    }
    CredentialRegistry source = CredentialRegistry.open(file);
    ImportReport report;
    try (JdbiArtifactStore store = open()) {
      DatabaseCredentialRegistry target = DatabaseCredentialRegistry.open(JdbiWorkerRegistry.on(store));
      try {
        report = target.importFrom(source);
      } catch (IllegalStateException | IllegalArgumentException e) {
        spec.commandLine().getErr().println("import-workers: " + e.getMessage());
        return 1;
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    report.workersCopied().forEach(id -> out.println("copied worker " + id));
    report.groupsCopied().forEach(id -> out.println("copied group " + id));
    out.println("imported " + file + " into database " + MetadataDatabase.redact(db) + ": "
        + report.workersCopied().size() + " worker(s) and " + report.groupsCopied().size() + " group(s) copied, "
        + report.workersAlreadyHere().size() + " worker(s) and " + report.groupsAlreadyHere().size()
        + " group(s) already there");
    out.flush();
    return 0;
  }

  private JdbiArtifactStore open() throws java.io.IOException {
    try {
      return MetadataDatabase.open(db);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
