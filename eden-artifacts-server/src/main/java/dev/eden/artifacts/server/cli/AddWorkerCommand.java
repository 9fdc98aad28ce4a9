package dev.eden.artifacts.server.cli;

import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.jdbc.JdbiWorkerRegistry;
import dev.eden.artifacts.server.auth.CredentialRegistry;
import dev.eden.artifacts.server.auth.CredentialRegistry.WorkerCredential;
import dev.eden.artifacts.server.auth.DatabaseCredentialRegistry;
import dev.eden.artifacts.server.auth.WorkerRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code add-worker}: enrols a worker in the data directory's registry, or with {@code --db} in
 * the metadata database's, and prints its bearer.
 */
@Command(
    name = "add-worker",
    mixinStandardHelpOptions = true,
    description = {
        "Enrols a worker and prints its bearer 'wkr_...:secret' as the last line.",
        "",
        "Mints a worker id (wkr_ + 26 Crockford base32) and a random secret, and stores only a PBKDF2-HMAC-SHA256 hash of the secret: in <data-dir>/workers.json, or with --db in the worker registry of that metadata database, which every server started with the same --db shares. A running server picks the worker up without a restart."})
final class AddWorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data-dir", defaultValue = "./eden-data", description = "The server's data directory (default: ${DEFAULT-VALUE}); not used with --db.")
  Path dataDir;

  @Option(names = "--db", paramLabel = "<jdbc url>", description = "Enrol in the worker registry of this metadata database (jdbc:postgresql://... or jdbc:sqlite:<file>, as given to 'serve --db') instead of <data-dir>/workers.json; migrates its schema if needed.")
  String db;

  @Option(names = "--group", paramLabel = "<group>", description = "A group to put the worker in: 'admins' (admin-class: may fetch every artifact) or a grp_ id; repeatable.")
  List<String> groups = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    WorkerCredential credential;
    String where;
    if (db == null) {
      Path data = dataDir.toAbsolutePath().normalize();
      DataDirectory.createOwnerOnly(data);
      CredentialRegistry registry = CredentialRegistry.open(data.resolve(CredentialRegistry.FILE_NAME));
      credential = enrol(registry);
      where = registry.file().toString();
    } else {
      try (JdbiArtifactStore store = openDatabase()) {
        credential = enrol(DatabaseCredentialRegistry.open(JdbiWorkerRegistry.on(store)));
      }
      where = "database " + MetadataDatabase.redact(db);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("enrolled worker " + credential.workerId()
        + (groups.isEmpty() ? "" : " in " + String.join(", ", groups)) + " (registry: " + where + ")");
    out.println("bearer (shown once; use as 'Authorization: Bearer <bearer>'):");
    out.println(credential.bearer());
    out.flush();
    return 0;
  }

  private WorkerCredential enrol(WorkerRegistry registry) throws IOException {
    try {
      return registry.addWorker(groups);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private JdbiArtifactStore openDatabase() throws IOException {
    try {
      return MetadataDatabase.open(db);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
