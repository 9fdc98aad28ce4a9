package dev.eden.artifacts.jdbc;

import static dev.eden.artifacts.jdbc.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.RowNotWrittenException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link JdbiArtifactStore} guarantees beyond the store contract, run against each real
 * database by a subclass.
 */
abstract class JdbiArtifactStoreBehaviour {
  private final List<JdbiArtifactStore> opened = new ArrayList<>();

  /** Opens a store with this table prefix on the test's database; every call sees the same data. */
  abstract JdbiArtifactStore openStore(String tablePrefix) throws Exception;

  /** A plain JDBC connection to the test's database, for inspecting or tampering with tables. */
  abstract Connection connect() throws SQLException;

  /** The schema the test's tables live in, for metadata lookups; {@code null} if there is only one. */
  String schema() {
    return null;
  }

  final JdbiArtifactStore open(String tablePrefix) throws Exception {
    return opened(openStore(tablePrefix));
  }

  /** Closes {@code store} after the test. */
  final JdbiArtifactStore opened(JdbiArtifactStore store) {
    opened.add(store);
    return store;
  }

  @AfterEach
  final void closeStores() {
    opened.forEach(JdbiArtifactStore::close);
    opened.clear();
  }

  @Test
  void createdRowIsFoundWithEveryField() throws Exception {
    JdbiArtifactStore store = open("eden_");
    ArtifactMetadata row = row(ExperimentId.mint(), Instant.parse("2026-11-29T01:02:03.456Z"));

    store.create(row);

    assertThat(store.find(row.experimentId(), row.id())).contains(row);
    assertThat(store.contains(row.id())).isTrue();
  }

  @Test
  void duplicateIdIsAlreadyExistsInAnyExperimentAndKeepsTheFirstRow() throws Exception {
    JdbiArtifactStore store = open("eden_");
    ArtifactMetadata first = row(ExperimentId.mint(), Instant.parse("2026-01-01T00:00:00Z"));
    ArtifactMetadata sameIdElsewhere =
        new ArtifactMetadata(
            ExperimentId.mint(),
            first.id(),
            dev.eden.artifacts.Principal.admin(),
            1,
            "application/json",
            Instant.parse("2027-01-01T00:00:00Z"),
            TestRows.sha256("other"),
            "other.json");
    store.create(first);

    assertThatThrownBy(() -> store.create(first))
        .isInstanceOf(ArtifactAlreadyExistsException.class)
        .hasMessage("artifact already exists: " + first.id());
    assertThatThrownBy(() -> store.create(sameIdElsewhere))
        .isInstanceOfSatisfying(
            ArtifactAlreadyExistsException.class, e -> assertThat(e.id()).isEqualTo(first.id()));

    assertThat(store.find(first.experimentId(), first.id())).contains(first);
    assertThat(store.find(sameIdElsewhere.experimentId(), first.id())).isEmpty();
  }

  @Test
  void rowIsOnlyVisibleInItsOwnExperiment() throws Exception {
    JdbiArtifactStore store = open("eden_");
    ExperimentId mine = ExperimentId.mint();
    ExperimentId other = ExperimentId.mint();
    ArtifactMetadata row = row(mine, Instant.parse("2026-05-05T05:05:05.005Z"));
    store.create(row);

    assertThat(store.find(other, row.id())).isEmpty();
    assertThat(store.idsCreatedBefore(other, Instant.MAX, 10)).isEmpty();
    assertThat(store.idsCreatedBefore(mine, Instant.MAX, 10)).containsExactly(row.id());
    assertThat(store.find(mine, ArtifactId.mint())).isEmpty();
  }

  @Test
  void rowsSurviveClosingAndReopening() throws Exception {
    ExperimentId experiment = ExperimentId.mint();
    ArtifactMetadata row = row(experiment, Instant.parse("2026-02-03T04:05:06.789Z"));
    try (JdbiArtifactStore store = openStore("eden_")) {
      store.create(row);
    }

    JdbiArtifactStore reopened = open("eden_");

    assertThat(reopened.find(experiment, row.id())).contains(row);
  }

  @Test
  void createdAtKeepsMillisecondsInUtcAndStoresEpochMillis() throws Exception {
    JdbiArtifactStore store = open("eden_");
    ExperimentId experiment = ExperimentId.mint();
    ArtifactMetadata late = row(experiment, Instant.parse("2026-12-31T23:59:59.999999999Z"));
    ArtifactMetadata early = row(experiment, Instant.parse("1969-12-31T23:59:59.001Z"));
    store.create(late);
    store.create(early);

    assertThat(store.find(experiment, late.id()).orElseThrow().createdAt())
        .isEqualTo(Instant.parse("2026-12-31T23:59:59.999Z"));
    assertThat(store.find(experiment, early.id()).orElseThrow().createdAtText())
        .isEqualTo("1969-12-31T23:59:59.001Z");
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT created_at FROM eden_artifacts WHERE artifact_id = '" + late.id() + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(Instant.parse("2026-12-31T23:59:59.999Z").toEpochMilli());
    }
  }

  @Test
  void idsCreatedBeforeIsStrictOldestFirstAndLimited() throws Exception {
    JdbiArtifactStore store = open("eden_");
    ExperimentId experiment = ExperimentId.mint();
    Instant t = Instant.parse("2026-06-01T12:00:00.500Z");
    ArtifactMetadata atT = row(experiment, t);
    ArtifactMetadata oneMilliBefore = row(experiment, t.minusMillis(1));
    ArtifactMetadata oneDayBefore = row(experiment, t.minusSeconds(86_400));
    store.create(atT);
    store.create(oneMilliBefore);
    store.create(oneDayBefore);

    assertThat(store.idsCreatedBefore(experiment, t, 10))
        .containsExactly(oneDayBefore.id(), oneMilliBefore.id());
    assertThat(store.idsCreatedBefore(experiment, t.plusNanos(1), 10))
        .containsExactly(oneDayBefore.id(), oneMilliBefore.id(), atT.id());
    assertThat(store.idsCreatedBefore(experiment, t.minusNanos(1), 10))
        .containsExactly(oneDayBefore.id(), oneMilliBefore.id());
    assertThat(store.idsCreatedBefore(experiment, t.minusMillis(1), 10))
        .containsExactly(oneDayBefore.id());
    assertThat(store.idsCreatedBefore(experiment, Instant.MAX, 1)).containsExactly(oneDayBefore.id());
    assertThat(store.idsCreatedBefore(experiment, Instant.MIN, 10)).isEmpty();
    assertThat(store.idsCreatedBefore(experiment, Instant.MAX, 0)).isEmpty();
    assertThatThrownBy(() -> store.idsCreatedBefore(experiment, t, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must not be negative: -1");
  }

  @Test
  void sameInstantIsOrderedByIdLikeTheInMemoryStore() throws Exception {
    JdbiArtifactStore store = open("eden_");
    ExperimentId experiment = ExperimentId.mint();
    Instant t = Instant.parse("2026-06-01T12:00:00Z");
    List<ArtifactId> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ArtifactMetadata row = row(experiment, t);
      store.create(row);
      ids.add(row.id());
    }
    ids.sort(null);

    assertThat(store.idsCreatedBefore(experiment, t.plusMillis(1), 100)).containsExactlyElementsOf(ids);
  }

  @Test
  void deleteRemovesOnlyThatRowAndReportsWhetherThereWasOne() throws Exception {
    JdbiArtifactStore store = open("eden_");
    ExperimentId experiment = ExperimentId.mint();
    ArtifactMetadata gone = row(experiment, Instant.parse("2026-01-01T00:00:00Z"));
    ArtifactMetadata kept = row(experiment, Instant.parse("2026-01-01T00:00:00Z"));
    store.create(gone);
    store.create(kept);

    assertThat(store.delete(gone.id())).isTrue();
    assertThat(store.delete(gone.id())).isFalse();
    assertThat(store.contains(gone.id())).isFalse();
    assertThat(store.find(experiment, kept.id())).contains(kept);
    store.create(gone);
    assertThat(store.find(experiment, gone.id())).contains(gone);
  }

  @Test
  void tablePrefixesAreIndependentStoresInOneDatabase() throws Exception {
    JdbiArtifactStore first = open("first_");
    JdbiArtifactStore second = open("second_");
    ExperimentId experiment = ExperimentId.mint();
    ArtifactMetadata row = row(experiment, Instant.parse("2026-01-01T00:00:00Z"));

    first.create(row);
    second.create(row);

    assertThat(first.delete(row.id())).isTrue();
    assertThat(first.contains(row.id())).isFalse();
    assertThat(second.find(experiment, row.id())).contains(row);
    assertThat(tableExists("first_artifacts")).isTrue();
    assertThat(tableExists("second_schema_version")).isTrue();
    assertThat(first.tablePrefix()).isEqualTo("first_");
  }

  @Test
  void reopeningRecordsEachMigrationOnce() throws Exception {
    open("eden_").close();
    open("eden_").close();

    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery("SELECT version, description FROM eden_schema_version")) {
      Map<Integer, String> versions = new HashMap<>();
      while (rs.next()) {
        versions.put(rs.getInt(1), rs.getString(2));
      }
      assertThat(versions)
          .containsOnly(
              Map.entry(1, "artifacts table and (experiment_id, created_at) index"),
              Map.entry(2, "(experiment_id, created_by, created_at) index for listings by depositor"),
              Map.entry(3, "worker registry: workers, group parents and a change counter"));
    }
  }

  @Test
  void schemaNewerThanTheCodeIsRefusedWithAClearMessage() throws Exception {
    open("eden_").close();
    execute(
        "INSERT INTO eden_schema_version (version, description, applied_at)"
            + " VALUES (4, 'from a future release', 0)");

    assertThatThrownBy(() -> open("eden_"))
        .isInstanceOfSatisfying(
            SchemaVersionException.class,
            e -> {
              assertThat(e.found()).isEqualTo(4);
              assertThat(e.supported()).isEqualTo(3);
            })
        .hasMessage(
            "table eden_schema_version records schema version 4 but this library only knows"
                + " versions up to 3; refusing to start against a schema newer than the code"
                + " (upgrade eden-artifacts-jdbc or use another table prefix)");
  }

  @Test
  void databaseFailureIsAnIOExceptionWithTheCauseNeverNotFound() throws Exception {
    JdbiArtifactStore store = open("eden_");
    ExperimentId experiment = ExperimentId.mint();
    ArtifactMetadata row = row(experiment, Instant.parse("2026-01-01T00:00:00Z"));
    store.create(row);
    execute("DROP TABLE eden_artifacts");

    assertThatThrownBy(() -> store.find(experiment, row.id()))
        .isExactlyInstanceOf(IOException.class)
        .hasMessageStartingWith("metadata store failure (find " + row.id() + ")")
        .cause()
        .isNotNull();
    assertThatThrownBy(() -> store.contains(row.id())).isExactlyInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.idsCreatedBefore(experiment, Instant.MAX, 1))
        .isExactlyInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.delete(row.id())).isExactlyInstanceOf(IOException.class);
    // It failed before its commit: nothing written, and the store says so.
    assertThatThrownBy(() -> store.create(row(experiment, Instant.EPOCH)))
        .isExactlyInstanceOf(RowNotWrittenException.class);
  }

  @Test
  void rowThisCodeCannotReadIsAnIOExceptionNotEmpty() throws Exception {
    JdbiArtifactStore store = open("eden_");
    ExperimentId experiment = ExperimentId.mint();
    ArtifactMetadata row = row(experiment, Instant.parse("2026-01-01T00:00:00Z"));
    store.create(row);
    execute("UPDATE eden_artifacts SET created_by = 'somebody'");

    assertThatThrownBy(() -> store.find(experiment, row.id()))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("metadata store holds a row this library cannot read (find " + row.id() + ")")
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void closedStoreFailsWithIOException() throws Exception {
    JdbiArtifactStore store = open("eden_");
    store.close();
    store.close();

    assertThatThrownBy(() -> store.contains(ArtifactId.mint()))
        .isExactlyInstanceOf(IOException.class)
        .hasMessageStartingWith("metadata store is closed");
  }

  @Test
  void eightThreadsCreatingAThousandRowsEachLeaveExactlyThoseRows() throws Exception {
    JdbiArtifactStore store = open("eden_");
    ExperimentId experiment = ExperimentId.mint();
    Map<ArtifactId, ArtifactMetadata> created = new ConcurrentHashMap<>();
    int threads = 8;
    int perThread = 1000;
    Instant base = Instant.parse("2026-01-01T00:00:00Z");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    ArtifactMetadata row = row(experiment, base.plusMillis(thread * perThread + i));
                    store.create(row);
                    created.put(row.id(), row);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(created).hasSize(threads * perThread);
    assertThat(rowCount()).isEqualTo(threads * perThread);
    List<ArtifactId> ids = store.idsCreatedBefore(experiment, Instant.MAX, threads * perThread + 1);
    assertThat(ids).hasSize(threads * perThread).containsExactlyInAnyOrderElementsOf(created.keySet());
    for (ArtifactMetadata row : created.values()) {
      assertThat(store.find(experiment, row.id())).contains(row);
    }
  }

  @Test
  void invalidTablePrefixIsRejectedNamingTheRule() {
    for (String bad : new String[] {"Eden_", "1eden", "eden-", "eden;drop", "a".repeat(33), "_x"}) {
      assertThatThrownBy(() -> JdbiArtifactStore.builder().tablePrefix(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("tablePrefix must be empty or a lowercase letter");
    }
    JdbiArtifactStore.builder().tablePrefix("").tablePrefix("a" + "_".repeat(31));
  }

  /** Runs {@code sql} behind the store's back, on a connection of its own. */
  void execute(String sql) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  long rowCount() throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM eden_artifacts")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  boolean tableExists(String table) throws SQLException {
    try (Connection connection = connect();
        ResultSet rs = connection.getMetaData().getTables(null, schema(), table, null)) {
      return rs.next();
    }
  }
}
