package dev.eden.artifacts.jdbc;

import dev.eden.artifacts.jdbc.internal.Migrations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
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
