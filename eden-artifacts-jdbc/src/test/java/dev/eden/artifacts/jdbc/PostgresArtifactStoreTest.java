package dev.eden.artifacts.jdbc;

import dev.eden.artifacts.jdbc.internal.Migrations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static dev.eden.artifacts.jdbc.TestRows.row;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.spi.RowNotWrittenException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresArtifactStoreTest extends JdbiArtifactStoreBehaviour {
  private PostgresTestDatabase database;

  @BeforeEach
  void createSchema() throws SQLException {
    database = PostgresTestDatabase.create();
  }

  @AfterEach
  void dropSchema() throws SQLException {
    closeStores();
    if (database != null) { // null when the test was skipped for want of a server
      database.close();
    }
  }

  @Override
  JdbiArtifactStore openStore(String tablePrefix) throws Exception {
    return JdbiArtifactStore.builder()
        .postgresUrl(database.url())
        .tablePrefix(tablePrefix)
        .maximumPoolSize(8)
        .build();
  }

  @Override
  Connection connect() throws SQLException {
    return database.connect();
  }

  @Override
  String schema() {
    return database.schema();
  }

  @Test
  void storesMigratingTheSameDatabaseConcurrentlyAllComeUp() throws Exception {
    int instances = 4;
    for (int round = 0; round < 5; round++) {
      String prefix = "race" + round + "_";
      List<JdbiArtifactStore> stores =
          ConcurrentStarts.startTogether(
              instances,
              () ->
                  JdbiArtifactStore.builder()
                      .postgresUrl(database.url())
                      .tablePrefix(prefix)
                      .maximumPoolSize(1)
                      .build());
      for (JdbiArtifactStore store : stores) {
        try (store) {
          assertThat(store.tablePrefix()).isEqualTo(prefix);
          assertThat(store.contains(dev.eden.artifacts.ArtifactId.mint())).isFalse();
        }
      }
      assertThat(versionRows(prefix)).isEqualTo(Migrations.LATEST);
    }
  }

  @Test
  void unreachableDatabaseIsAnIOExceptionWithTheCause() {
    assertThatThrownBy(
            () -> JdbiArtifactStore.postgres("jdbc:postgresql://127.0.0.1:1/eden?connectTimeout=2"))
        .isExactlyInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot open connection pool eden-artifacts-postgres")
        .hasRootCauseInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void writesWaitingForALockedTableGiveUpWithinTheWriteTimeoutAndRecoverOnRelease() throws Exception {
    // Without a statement timeout an INSERT waits for the lock forever.
    Duration writeTimeout = Duration.ofMillis(800);
    JdbiArtifactStore store = opened(JdbiArtifactStore.builder()
        .postgresUrl(database.url()).writeTimeout(writeTimeout).maximumPoolSize(8).build());
    ArtifactMetadata kept = row(ExperimentId.mint(), Instant.EPOCH);
    store.create(kept);
    List<ArtifactMetadata> tried;
    try (Connection other = connect();
        Statement statement = other.createStatement()) {
      other.setAutoCommit(false);
      statement.execute("LOCK TABLE eden_artifacts IN EXCLUSIVE MODE");
      tried = LockedWrites.createsGiveUpWithinTheWriteTimeout(store, writeTimeout, 6);
      long began = System.nanoTime();
      assertThatThrownBy(() -> store.delete(kept.id()))
          .isExactlyInstanceOf(IOException.class)
          .hasMessageContaining("statement timeout");
      assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(writeTimeout.plus(LockedWrites.SLACK));
      other.rollback();
    }
    for (ArtifactMetadata row : tried) {
      assertThat(store.find(row.experimentId(), row.id())).isEmpty();
      store.create(row);
      assertThat(store.find(row.experimentId(), row.id())).contains(row);
    }
    assertThat(store.delete(kept.id())).isTrue();
  }

  @Test
  void aCreateWaitingForAnotherTransactionsRowGivesUpWithinTheWriteTimeout() throws Exception {
    Duration writeTimeout = Duration.ofMillis(800);
    JdbiArtifactStore store = opened(JdbiArtifactStore.builder()
        .postgresUrl(database.url()).writeTimeout(writeTimeout).build());
    ArtifactMetadata row = row(ExperimentId.mint(), Instant.EPOCH);
    try (Connection other = connect();
        Statement statement = other.createStatement()) {
      other.setAutoCommit(false);
      // The same id inserted and not yet committed: ON CONFLICT must wait for that transaction.
      statement.execute("INSERT INTO eden_artifacts (artifact_id, experiment_id, created_by, size_bytes,"
          + " content_type, sha256, filename, created_at) VALUES ('" + row.id().value() + "', 'x', 'admin', 0,"
          + " 'a/b', '" + row.sha256() + "', 'f', 0)");
      long began = System.nanoTime();
      assertThatThrownBy(() -> store.create(row)).isInstanceOf(RowNotWrittenException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(writeTimeout.plus(LockedWrites.SLACK));
      other.rollback();
    }
    store.create(row);
    assertThat(store.find(row.experimentId(), row.id())).contains(row);
  }

  @Test
  void sortOrderIgnoresTheDatabaseCollation() throws Exception {
    // Covered for every database by sameInstantIsOrderedByIdLikeTheInMemoryStore; here the
    // column collation itself is checked, since that is what makes it hold on any server.
    open("eden_");
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT collation_name FROM information_schema.columns WHERE table_schema = '"
                    + database.schema()
                    + "' AND table_name = 'eden_artifacts' AND column_name = 'artifact_id'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("C");
    }
  }

  private long versionRows(String prefix) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + prefix + "schema_version")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
