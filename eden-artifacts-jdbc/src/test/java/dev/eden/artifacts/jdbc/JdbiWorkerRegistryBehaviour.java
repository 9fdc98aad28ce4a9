package dev.eden.artifacts.jdbc;

import static dev.eden.artifacts.jdbc.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.jdbc.JdbiWorkerRegistry.EnrolledWorker;
import dev.eden.artifacts.jdbc.JdbiWorkerRegistry.Snapshot;
import dev.eden.artifacts.jdbc.internal.ArtifactTable;
import dev.eden.artifacts.jdbc.internal.Dialect;
import dev.eden.artifacts.jdbc.internal.Migrations;
import dev.eden.artifacts.jdbc.internal.TableNames;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link JdbiWorkerRegistry} — the rows, the change counter, migration 3 — run
 * against each real database by a subclass.
 */
abstract class JdbiWorkerRegistryBehaviour {
  private static final String HASH = "pbkdf2-sha256$600000$c2FsdA$aGFzaA";
  private static final String TEAM = "grp_" + "d".repeat(26);

  private final List<JdbiArtifactStore> opened = new ArrayList<>();

  /** Opens a store with this table prefix on the test's database; every call sees the same data. */
  abstract JdbiArtifactStore openStore(String tablePrefix) throws Exception;

  /** A plain JDBC connection to the test's database, for inspecting or tampering with tables. */
  abstract Connection connect() throws SQLException;

  abstract Dialect dialect();

  final JdbiWorkerRegistry registry(String tablePrefix) throws Exception {
    JdbiArtifactStore store = openStore(tablePrefix);
    opened.add(store);
    return JdbiWorkerRegistry.on(store);
  }

  @AfterEach
  final void closeStores() {
    opened.forEach(JdbiArtifactStore::close);
    opened.clear();
  }

  @Test
  void aNewDatabaseHasAnEmptyRegistryAtGenerationZero() throws Exception {
    JdbiWorkerRegistry registry = registry("eden_");

    assertThat(registry.generation()).isZero();
    assertThat(registry.read()).isEqualTo(new Snapshot(0, Map.of(), Map.of()));
  }

  @Test
  void enrolledWorkerIsReadBackWithEveryField() throws Exception {
    JdbiWorkerRegistry registry = registry("eden_");
    String id = Principal.mintWorkerId();
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    assertThat(registry.enrol(id, List.of(TEAM, "admins"), HASH)).isTrue();

    EnrolledWorker worker = registry.read().workers().get(id);
    assertThat(worker.workerId()).isEqualTo(id);
    assertThat(worker.groups()).containsExactly(TEAM, "admins");
    assertThat(worker.secretHash()).isEqualTo(HASH);
    assertThat(worker.createdAt()).isBetween(before, Instant.now());
    assertThat(worker.toString()).contains(id).doesNotContain(HASH);
  }

  @Test
  void workerInNoGroupIsReadBackWithNone() throws Exception {
    JdbiWorkerRegistry registry = registry("eden_");
    String id = Principal.mintWorkerId();
    registry.enrol(id, List.of(), HASH);

    assertThat(registry.read().workers().get(id).groups()).isEmpty();
  }

  @Test
  void enrollingAnEnrolledIdIsFalseAndKeepsTheFirstRow() throws Exception {
    JdbiWorkerRegistry registry = registry("eden_");
    String id = Principal.mintWorkerId();
    registry.enrol(id, List.of("admins"), HASH);
    long generation = registry.generation();

    assertThat(registry.enrol(id, List.of(), HASH + "x")).isFalse();

    assertThat(registry.generation()).isEqualTo(generation);
    assertThat(registry.read().workers().get(id).secretHash()).isEqualTo(HASH);
    assertThat(registry.read().workers().get(id).groups()).containsExactly("admins");
  }

  @Test
  void removedWorkerIsGoneAndOthersStay() throws Exception {
    JdbiWorkerRegistry registry = registry("eden_");
    String gone = Principal.mintWorkerId();
    String kept = Principal.mintWorkerId();
    registry.enrol(gone, List.of(), HASH);
    registry.enrol(kept, List.of(), HASH);

    assertThat(registry.remove(gone)).isTrue();
    assertThat(registry.remove(gone)).isFalse();

    assertThat(registry.read().workers()).containsOnlyKeys(kept);
  }

  @Test
  void everyChangeBumpsTheGenerationOnceAndNothingElseDoes() throws Exception {
    JdbiWorkerRegistry registry = registry("eden_");
    String id = Principal.mintWorkerId();

    registry.enrol(id, List.of(TEAM), HASH);
    assertThat(registry.generation()).isEqualTo(1);
    registry.setGroupParents(TEAM, List.of("admins"));
    assertThat(registry.generation()).isEqualTo(2);
    registry.setGroupParents(TEAM, List.of("admins"));
    assertThat(registry.generation()).as("a write is a change, even of the same value").isEqualTo(3);
    registry.remove(id);
    assertThat(registry.generation()).isEqualTo(4);

    registry.remove(id);
    registry.enrol(Principal.mintWorkerId(), List.of(), HASH);
    registry.read();
    assertThat(registry.generation()).isEqualTo(5);
    assertThat(registry.read().generation()).isEqualTo(5);
  }

  @Test
  void groupParentsAreReplacedNotMerged() throws Exception {
    JdbiWorkerRegistry registry = registry("eden_");
    String inner = "grp_" + "b".repeat(26);

    registry.setGroupParents(inner, List.of(TEAM, "admins"));
    assertThat(registry.read().groupParents()).isEqualTo(Map.of(inner, Set.of(TEAM, "admins")));
    assertThat(registry.read().groupParents().get(inner)).containsExactly(TEAM, "admins");
    registry.setGroupParents(inner, List.of(TEAM));
    assertThat(registry.read().groupParents()).isEqualTo(Map.of(inner, Set.of(TEAM)));
    registry.setGroupParents(inner, List.of());
    assertThat(registry.read().groupParents()).isEqualTo(Map.of(inner, Set.of()));
  }

  @Test
  void malformedArgumentsAreRefusedBeforeTheDatabaseIsTouched() throws Exception {
    JdbiWorkerRegistry registry = registry("eden_");
    String id = Principal.mintWorkerId();

    assertThatThrownBy(() -> registry.enrol("wkr_short", List.of(), HASH))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wkr_short");
    assertThatThrownBy(() -> registry.enrol(id, List.of("two words"), HASH))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'two words'");
    assertThatThrownBy(() -> registry.enrol(id, List.of(""), HASH))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> registry.enrol(id, List.of(), "a hash"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("a hash");
    assertThatThrownBy(() -> registry.setGroupParents("g".repeat(65), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> registry.setGroupParents(TEAM, List.of("a\tb")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> registry.enrol(id, null, HASH)).isInstanceOf(NullPointerException.class);

    assertThat(registry.generation()).isZero();
  }

  @Test
  void twoStoresOnOneDatabaseSeeEachOthersChanges() throws Exception {
    JdbiWorkerRegistry one = registry("eden_");
    JdbiWorkerRegistry other = registry("eden_");
    String id = Principal.mintWorkerId();

    one.enrol(id, List.of("admins"), HASH);

    assertThat(other.generation()).isEqualTo(1);
    assertThat(other.read().workers()).containsOnlyKeys(id);
    other.remove(id);
    assertThat(one.generation()).isEqualTo(2);
    assertThat(one.read().workers()).isEmpty();
  }

  @Test
  void tablePrefixesAreSeparateRegistries() throws Exception {
    JdbiWorkerRegistry first = registry("first_");
    JdbiWorkerRegistry second = registry("second_");

    first.enrol(Principal.mintWorkerId(), List.of(), HASH);

    assertThat(second.generation()).isZero();
    assertThat(second.read().workers()).isEmpty();
    assertThat(first.read().workers()).hasSize(1);
  }

  @Test
  void concurrentEnrolmentsAllLandAndEachBumpsTheGenerationOnce() throws Exception {
    JdbiWorkerRegistry registry = registry("eden_");
    int threads = 4;
    int each = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            registry.enrol(Principal.mintWorkerId(), List.of(), HASH);
          }
          return null;
        }));
      }
      for (Future<?> future : futures) {
        future.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    Snapshot snapshot = registry.read();
    assertThat(snapshot.workers()).hasSize(threads * each);
    assertThat(snapshot.generation()).isEqualTo(threads * each);
  }

  @Test
  void migrationFromVersionTwoAddsTheRegistryAndLeavesArtifactRowsUntouched() throws Exception {
    TableNames names = TableNames.withPrefix("eden_");
    ExperimentId experiment = ExperimentId.mint();
    List<ArtifactMetadata> rows = List.of(
        row(experiment, Instant.parse("2026-01-01T00:00:00Z")),
        row(experiment, Instant.parse("2026-01-02T00:00:00.123Z")));
    try (Connection connection = connect()) {
      Migrations.migrateTo(connection, dialect(), names, 2);
      try (Handle handle = Jdbi.open(connection)) {
        rows.forEach(r -> new ArtifactTable(names).insert(handle, r));
      }
    }
    assertThat(tableExists("eden_workers")).isFalse();
    List<List<Object>> before = everyArtifactRow();

    JdbiArtifactStore store = openStore("eden_");
    opened.add(store);

    assertThat(everyArtifactRow()).isEqualTo(before);
    for (ArtifactMetadata r : rows) {
      assertThat(store.find(experiment, r.id())).contains(r);
    }
    assertThat(versions()).containsExactly(1, 2, 3);
    JdbiWorkerRegistry registry = JdbiWorkerRegistry.on(store);
    assertThat(registry.read()).isEqualTo(new Snapshot(0, Map.of(), Map.of()));
    registry.enrol(Principal.mintWorkerId(), List.of(), HASH);
    assertThat(everyArtifactRow()).isEqualTo(before);
  }

  @Test
  void rowThisCodeCannotReadIsAnIOExceptionNotAnEmptyRegistry() throws Exception {
    JdbiWorkerRegistry registry = registry("eden_");
    registry.enrol(Principal.mintWorkerId(), List.of(), HASH);
    execute("UPDATE eden_workers SET worker_id = 'somebody'");

    assertThatThrownBy(registry::read)
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("metadata store holds a row this library cannot read (read the worker registry)")
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void missingCounterRowIsAnIOExceptionAndNoChangeIsCommittedWithoutIt() throws Exception {
    JdbiWorkerRegistry registry = registry("eden_");
    execute("DELETE FROM eden_worker_registry_generation");

    assertThatThrownBy(registry::generation)
        .isExactlyInstanceOf(IOException.class)
        .cause().hasMessage("the worker registry's change counter row is missing from eden_worker_registry_generation");
    assertThatThrownBy(() -> registry.enrol(Principal.mintWorkerId(), List.of(), HASH))
        .isExactlyInstanceOf(IOException.class);
    assertThat(count("eden_workers")).as("the enrolment was rolled back with its counter").isZero();
  }

  @Test
  void databaseFailureIsAnIOExceptionWithTheCause() throws Exception {
    JdbiWorkerRegistry registry = registry("eden_");
    execute("DROP TABLE eden_workers");

    assertThatThrownBy(registry::read)
        .isExactlyInstanceOf(IOException.class)
        .hasMessageStartingWith("metadata store failure (read the worker registry)")
        .cause().isNotNull();
    assertThatThrownBy(() -> registry.enrol(Principal.mintWorkerId(), List.of(), HASH))
        .isExactlyInstanceOf(IOException.class);
    assertThatThrownBy(() -> registry.remove(Principal.mintWorkerId())).isExactlyInstanceOf(IOException.class);
  }

  @Test
  void registryOfAClosedStoreFailsWithIOException() throws Exception {
    JdbiArtifactStore store = openStore("eden_");
    JdbiWorkerRegistry registry = JdbiWorkerRegistry.on(store);
    store.close();

    assertThatThrownBy(registry::generation)
        .isExactlyInstanceOf(IOException.class)
        .hasMessageStartingWith("metadata store is closed");
  }

  void execute(String sql) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private long count(String table) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private List<Integer> versions() throws SQLException {
    List<Integer> versions = new ArrayList<>();
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT version FROM eden_schema_version ORDER BY version")) {
      while (rs.next()) {
        versions.add(rs.getInt(1));
      }
    }
    return versions;
  }

  private List<List<Object>> everyArtifactRow() throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT * FROM eden_artifacts ORDER BY artifact_id")) {
      ResultSetMetaData meta = rs.getMetaData();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int c = 1; c <= meta.getColumnCount(); c++) {
          row.add(meta.getColumnName(c) + "=" + rs.getString(c));
        }
        rows.add(row);
      }
    }
    assertThat(rows).isNotEmpty();
    return rows;
  }

  private boolean tableExists(String table) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.executeQuery("SELECT COUNT(*) FROM " + table).close();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }
}
