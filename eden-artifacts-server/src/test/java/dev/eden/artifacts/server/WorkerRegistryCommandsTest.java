package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.jdbc.JdbiWorkerRegistry;
import dev.eden.artifacts.server.auth.CredentialRegistry;
import dev.eden.artifacts.server.auth.DatabaseCredentialRegistry;
import dev.eden.artifacts.server.cli.ServerMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code add-worker --db}, {@code import-workers} and {@code serve --db} as an operator runs them:
 * the commands through {@link ServerMain}'s command line, the server in its own JVM. On a SQLite
 * URL always, and on PostgreSQL (the scale-out configuration) when it is available.
 */
class WorkerRegistryCommandsTest {
  @TempDir Path dir;
  private final OkHttpClient http = WireBodies.checkedClient();

  record Run(int exit, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }

    String lastLine() {
      return lines().get(lines().size() - 1);
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(ServerMain.class);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private String sqliteUrl() {
    return "jdbc:sqlite:" + dir.resolve("shared/metadata.db");
  }

  /** The database registry at {@code url}, read now; the store is closed again. */
  private static DatabaseCredentialRegistry readRegistry(String url, List<JdbiArtifactStore> toClose) throws Exception {
    JdbiArtifactStore store = url.startsWith("jdbc:sqlite:")
        ? JdbiArtifactStore.sqlite(Path.of(url.substring("jdbc:sqlite:".length())))
        : JdbiArtifactStore.postgres(url);
    toClose.add(store);
    return DatabaseCredentialRegistry.open(JdbiWorkerRegistry.on(store));
  }

  @Test
  void addWorkerWithDbEnrolsInTheDatabaseAndNotInTheDataDirectory() throws Exception {
    Path data = dir.resolve("data");
    Run run = run("add-worker", "--db", sqliteUrl(), "--data-dir", data.toString(), "--group", "admins");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("(registry: database " + sqliteUrl() + ")");
    String bearer = run.lastLine();
    assertThat(bearer).matches("wkr_[0-9a-hjkmnp-tv-z]{26}:[A-Za-z0-9_-]{43}");
    String workerId = bearer.substring(0, bearer.indexOf(':'));
    List<JdbiArtifactStore> stores = new ArrayList<>();
    try {
      DatabaseCredentialRegistry registry = readRegistry(sqliteUrl(), stores);
      assertThat(registry.verify(workerId, bearer.substring(bearer.indexOf(':') + 1))).isTrue();
      assertThat(registry.groups(workerId)).containsExactly("admins");
    } finally {
      stores.forEach(JdbiArtifactStore::close);
    }
    assertThat(Files.exists(data)).as("--db leaves the data directory alone").isFalse();
  }

  @Test
  void addWorkerWithDbOnPostgresNeverPrintsThePassword() throws Exception {
    try (TestDatabases.Schema schema = TestDatabases.postgresSchema()) {
      Run run = run("add-worker", "--db", schema.url());
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out()).contains("(registry: database jdbc:postgresql://").contains("?<redacted>)")
          .doesNotContain("password");
      List<JdbiArtifactStore> stores = new ArrayList<>();
      try {
        String bearer = run.lastLine();
        assertThat(readRegistry(schema.url(), stores).contains(bearer.substring(0, bearer.indexOf(':')))).isTrue();
      } finally {
        stores.forEach(JdbiArtifactStore::close);
      }
    }
  }

  @Test
  void addWorkerRefusesADbThatIsNeitherPostgresNorSqlite() {
    Run run = run("add-worker", "--db", "jdbc:mysql://localhost/eden");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--db must be a jdbc:postgresql: or jdbc:sqlite: URL");
  }

  @Test
  void addWorkerWithDbRefusesAnUnknownGroup() {
    Run run = run("add-worker", "--db", sqliteUrl(), "--group", "wheel");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("wheel");
  }

  @Test
  void importWorkersCopiesTheFileSoTheSameBearersWorkAndRunningItAgainCopiesNothing() throws Exception {
    Path data = dir.resolve("data");
    String admin = run("add-worker", "--data-dir", data.toString(), "--group", "admins").lastLine();
    String plain = run("add-worker", "--data-dir", data.toString()).lastLine();

    Run first = run("import-workers", "--data-dir", data.toString(), "--db", sqliteUrl());

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).contains("copied worker " + id(admin)).contains("copied worker " + id(plain))
        .contains(": 2 worker(s) and 0 group(s) copied, 0 worker(s) and 0 group(s) already there");
    List<JdbiArtifactStore> stores = new ArrayList<>();
    try {
      DatabaseCredentialRegistry registry = readRegistry(sqliteUrl(), stores);
      assertThat(registry.verify(id(admin), secret(admin))).isTrue();
      assertThat(registry.verify(id(plain), secret(plain))).isTrue();
      assertThat(registry.groups(id(admin))).containsExactly("admins");
    } finally {
      stores.forEach(JdbiArtifactStore::close);
    }

    Run again = run("import-workers", "--data-dir", data.toString(), "--db", sqliteUrl());
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).doesNotContain("copied worker")
        .contains(": 0 worker(s) and 0 group(s) copied, 2 worker(s) and 0 group(s) already there");
    assertThat(CredentialRegistry.open(data.resolve("workers.json")).workerIds()).hasSize(2);
  }

  @Test
  void importWorkersRefusesAnIdTheDatabaseHoldsDifferentlyAndCopiesNothing() throws Exception {
    Path data = dir.resolve("data");
    String clash = run("add-worker", "--data-dir", data.toString()).lastLine();
    String fresh = run("add-worker", "--data-dir", data.toString()).lastLine();
    String otherHash = CredentialRegistry.open(data.resolve("workers.json")).secretHash(id(fresh)).orElseThrow();
    try (JdbiArtifactStore store = JdbiArtifactStore.sqlite(dir.resolve("shared/metadata.db"))) {
      JdbiWorkerRegistry.on(store).enrol(id(clash), List.of(), otherHash);
    }

    Run run = run("import-workers", "--data-dir", data.toString(), "--db", sqliteUrl());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("already holds " + id(clash) + " with another secret hash")
        .contains("nothing was imported");
    try (JdbiArtifactStore store = JdbiArtifactStore.sqlite(dir.resolve("shared/metadata.db"))) {
      assertThat(JdbiWorkerRegistry.on(store).read().workers()).containsOnlyKeys(id(clash));
    }
  }

  @Test
  void importWorkersWithoutARegistryFileIsAUsageError() {
    Run run = run("import-workers", "--data-dir", dir.resolve("empty").toString(), "--db", sqliteUrl());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("there is no worker registry to import at");
    Run noDb = run("import-workers", "--data-dir", dir.toString());
    assertThat(noDb.exit()).isEqualTo(2);
    assertThat(noDb.err()).contains("--db");
  }

  @Test
  void serveWithSqliteDbAcceptsWorkersEnrolledWithAddWorkerDbAndNotThoseOfTheFile() throws Exception {
    serveWithDbAcceptsWorkersEnrolledWithAddWorkerDb(sqliteUrl());
  }

  @Test
  void serveWithPostgresDbAcceptsWorkersEnrolledWithAddWorkerDbAndNotThoseOfTheFile() throws Exception {
    try (TestDatabases.Schema schema = TestDatabases.postgresSchema()) {
      serveWithDbAcceptsWorkersEnrolledWithAddWorkerDb(schema.url());
    }
  }

  private void serveWithDbAcceptsWorkersEnrolledWithAddWorkerDb(String db) throws Exception {
    Path data = dir.resolve("served");
    String experiment = ExperimentId.mint().value();
    String before = run("add-worker", "--db", db).lastLine();
    String fileOnly = run("add-worker", "--data-dir", data.toString()).lastLine();
    try (ForkedServer server = ForkedServer.start(List.of(), "db-token", "--data-dir", data.toString(),
        "--port", "0", "--experiment-id", experiment, "--db", db)) {
      assertThat(server.output()).contains("workers: database " + redacted(db) + ", 1 enrolled")
          .contains("note: " + data.resolve("workers.json") + " holds 1 worker(s) that the database does not")
          .contains("import-workers --data-dir " + data + " --db <jdbc url>")
          .doesNotContain("password=");
      String after = run("add-worker", "--db", db, "--group", "admins").lastLine(); // while it runs

      for (String bearer : List.of(before, after)) {
        try (Response r = deposit(server, experiment, bearer)) {
          assertThat(r.code()).as(id(bearer)).isEqualTo(201);
        }
      }
      try (Response r = deposit(server, experiment, fileOnly)) {
        assertThat(r.code()).as("with --db the file registry is not read").isEqualTo(401);
      }
      try (Response r = http.newCall(new Request.Builder()
          .url(server.baseUri + "/admin/v1/experiments/" + experiment + "/summary")
          .header("Authorization", "Bearer " + after).build()).execute()) {
        assertThat(r.code()).as("an admins member enrolled in the database").isEqualTo(200);
      }
      http.connectionPool().evictAll();
    }
  }

  @Test
  void serveWithoutDbKeepsTheFileRegistry() throws Exception {
    Path data = dir.resolve("embedded");
    String experiment = ExperimentId.mint().value();
    String bearer = run("add-worker", "--data-dir", data.toString()).lastLine();
    try (ForkedServer server = ForkedServer.start(List.of(), "file-token", "--data-dir", data.toString(),
        "--port", "0", "--experiment-id", experiment)) {
      assertThat(server.output()).contains("workers: file " + data.resolve("workers.json")
          + " (enrol with: add-worker --data-dir " + data + ")");
      try (Response r = deposit(server, experiment, bearer)) {
        assertThat(r.code()).isEqualTo(201);
      }
      http.connectionPool().evictAll();
    }
  }

  private Response deposit(ForkedServer server, String experiment, String bearer) throws java.io.IOException {
    return http.newCall(new Request.Builder()
        .url(server.baseUri + "/v0/experiments/" + experiment + "/artifacts")
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment)
        .header("Authorization", "Bearer " + bearer)
        .post(ServerFixture.onePart("run.log", "text/plain", new byte[] {7})).build()).execute();
  }

  private static String redacted(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q) + "?<redacted>";
  }

  private static String id(String bearer) {
    return bearer.substring(0, bearer.indexOf(':'));
  }

  private static String secret(String bearer) {
    return bearer.substring(bearer.indexOf(':') + 1);
  }
}
