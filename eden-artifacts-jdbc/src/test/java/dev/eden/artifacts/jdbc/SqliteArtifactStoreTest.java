package dev.eden.artifacts.jdbc;

import dev.eden.artifacts.jdbc.internal.Migrations;
import static dev.eden.artifacts.jdbc.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.spi.RowNotWrittenException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

class SqliteArtifactStoreTest extends JdbiArtifactStoreBehaviour {
  @TempDir Path dir;

  Path file() {
    return dir.resolve("nested/metadata.db");
  }

  @Override
  JdbiArtifactStore openStore(String tablePrefix) throws Exception {
    return JdbiArtifactStore.builder().sqliteFile(file()).tablePrefix(tablePrefix).build();
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file());
  }

  @Test
  void ownConnectionsUseWalFullSynchronousAndTheBusyTimeout() throws Exception {
    try (JdbiArtifactStore store =
        JdbiArtifactStore.builder().sqliteFile(file()).busyTimeout(Duration.ofMillis(1234)).build()) {
      assertThat(Files.exists(file())).isTrue();
      assertThat(ownPragma(store, "journal_mode")).isEqualTo("wal");
      assertThat(ownPragma(store, "synchronous")).isEqualTo("2"); // FULL: WAL synced at every commit
      assertThat(ownPragma(store, "busy_timeout")).isEqualTo("1234");
    }
  }

  @Test
  void writerInAnotherConnectionIsWaitedForNotReportedAsBusy() throws Exception {
    JdbiArtifactStore store = open("eden_");
    ExperimentId experiment = ExperimentId.mint();
    ArtifactMetadata row = row(experiment, Instant.parse("2026-01-01T00:00:00Z"));
    try (Connection other = connect();
        Statement statement = other.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      statement.execute("INSERT INTO eden_schema_version VALUES (100, 'held', 0)");
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<?> create =
            pool.submit(
                () -> {
                  store.create(row);
                  return null;
                });
        // The create waits on the other connection's write lock instead of failing with BUSY.
        assertThatThrownBy(() -> create.get(300, TimeUnit.MILLISECONDS))
            .isInstanceOf(TimeoutException.class);
        statement.execute("ROLLBACK");
        create.get(30, TimeUnit.SECONDS);
      } finally {
        pool.shutdownNow();
      }
    }
    assertThat(store.find(experiment, row.id())).contains(row);
  }

  @Test
  void busyTimeoutExceededIsAnIOExceptionWithTheCause() throws Exception {
    JdbiArtifactStore store =
        JdbiArtifactStore.builder().sqliteFile(file()).busyTimeout(Duration.ofMillis(50)).build();
    opened(store);
    try (Connection other = connect();
        Statement statement = other.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      statement.execute("INSERT INTO eden_schema_version VALUES (100, 'held', 0)");
      assertThatThrownBy(() -> store.create(row(ExperimentId.mint(), Instant.EPOCH)))
          .isExactlyInstanceOf(RowNotWrittenException.class)
          .hasMessageContaining("SQLITE_BUSY")
          .hasCauseInstanceOf(JdbiException.class);
      statement.execute("ROLLBACK");
    }
  }

  @Test
  void writesWaitingForAnotherProcesssLockGiveUpWithinTheWriteTimeoutAndRecoverOnRelease() throws Exception {
    // The busy timeout stays at its 30 s default: the write timeout bounds every create's total
    // wait, for the in-process queue and the other process's lock together. Before, a failed group
    // was retried row by row with a full busy timeout each, so waits grew in multiples of it.
    Duration writeTimeout = Duration.ofMillis(800);
    JdbiArtifactStore store =
        opened(JdbiArtifactStore.builder().sqliteFile(file()).writeTimeout(writeTimeout).build());
    ArtifactMetadata kept = row(ExperimentId.mint(), Instant.EPOCH);
    store.create(kept);
    List<ArtifactMetadata> tried;
    try (Connection other = connect();
        Statement statement = other.createStatement()) {
      statement.execute("BEGIN EXCLUSIVE");
      statement.execute("INSERT INTO eden_schema_version VALUES (100, 'held', 0)");
      tried = LockedWrites.createsGiveUpWithinTheWriteTimeout(store, writeTimeout, 8);
      long began = System.nanoTime();
      assertThatThrownBy(() -> store.delete(kept.id()))
          .isExactlyInstanceOf(IOException.class)
          .hasMessageContaining("SQLITE_BUSY");
      assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(writeTimeout.plus(LockedWrites.SLACK));
      statement.execute("ROLLBACK");
    }
    for (ArtifactMetadata row : tried) {
      assertThat(store.find(row.experimentId(), row.id())).isEmpty();
    }
    // Recovered without reopening: the same rows go in now (nothing of them was written before).
    for (ArtifactMetadata row : tried) {
      store.create(row);
      assertThat(store.find(row.experimentId(), row.id())).contains(row);
    }
    assertThat(store.delete(kept.id())).isTrue();
    assertThat(ownPragma(store, "busy_timeout")).isEqualTo("30000"); // put back after each write
  }

  @Test
  void writeTimeoutMustBePositive() {
    assertThatThrownBy(() -> JdbiArtifactStore.builder().writeTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("writeTimeout must be at least 1 ms: PT0S");
  }

  @Test
  void callerDataSourceGetsWalAndIsNotClosedWithTheStore() throws Exception {
    SQLiteDataSource dataSource = new SQLiteDataSource();
    dataSource.setUrl("jdbc:sqlite:" + file());
    Files.createDirectories(file().getParent());
    ExperimentId experiment = ExperimentId.mint();
    ArtifactMetadata row = row(experiment, Instant.parse("2026-01-01T00:00:00Z"));

    try (JdbiArtifactStore store = JdbiArtifactStore.builder().dataSource(dataSource).build()) {
      store.create(row);
    }

    assertThat(pragma(dataSource.getConnection(), "journal_mode")).isEqualTo("wal");
    try (JdbiArtifactStore again = JdbiArtifactStore.builder().jdbi(Jdbi.create(dataSource)).build()) {
      assertThat(again.find(experiment, row.id())).contains(row);
    }
  }

  @Test
  void twoStoresOnOneFileWritingAtOnceNeverSeeBusy() throws Exception {
    JdbiArtifactStore first = open("eden_");
    JdbiArtifactStore second = open("eden_");
    ExperimentId experiment = ExperimentId.mint();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        JdbiArtifactStore store = t % 2 == 0 ? first : second;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 100; i++) {
                    store.create(row(experiment, Instant.now()));
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
    assertThat(rowCount()).isEqualTo(400);
  }

  @Test
  void storesStartingOnANewFileAtOnceAllComeUpWithOneVersionRow() throws Exception {
    int instances = 8;
    for (int round = 0; round < 12; round++) {
      Path file = dir.resolve("race-" + round + ".db");
      for (JdbiArtifactStore store :
          ConcurrentStarts.startTogether(instances, () -> opened(JdbiArtifactStore.sqlite(file)))) {
        assertThat(store.contains(ArtifactId.mint())).isFalse();
      }
      try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM eden_schema_version")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(Migrations.LATEST);
      }
    }
  }

  private static String ownPragma(JdbiArtifactStore store, String name) {
    return store.jdbi().withHandle(h -> h.createQuery("PRAGMA " + name).mapTo(String.class).one());
  }

  private static String pragma(Connection connection, String name) throws SQLException {
    try (connection;
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void databaseWalAndSharedMemoryFilesAreOwnerOnlyFromTheStart() throws Exception {
    // Modes are read from the permission bits: the tests run as root, who may read anything.
    try (JdbiArtifactStore store = JdbiArtifactStore.sqlite(file())) {
      store.create(row(ExperimentId.mint(), Instant.parse("2026-01-01T00:00:00Z")));
      for (String suffix : List.of("", "-wal", "-shm")) {
        Path path = Path.of(file() + suffix);
        assertThat(path).as(path + " exists while the store is open").exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
            .as(path.toString()).isEqualTo("rw-------");
      }
    }
    try (var files = Files.list(file().getParent())) {
      for (Path left : files.toList()) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(left)))
            .as(left.toString()).isEqualTo("rw-------");
      }
    }
  }

  @Test
  void anExistingDatabaseFileKeepsItsMode() throws Exception {
    Files.createDirectories(file().getParent());
    Files.createFile(file(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
    Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-r-----"));
    try (JdbiArtifactStore store = JdbiArtifactStore.sqlite(file())) {
      store.create(row(ExperimentId.mint(), Instant.parse("2026-01-01T00:00:00Z")));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-r-----");
    }
  }
}
