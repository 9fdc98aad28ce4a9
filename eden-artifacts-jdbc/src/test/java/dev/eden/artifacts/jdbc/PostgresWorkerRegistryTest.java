package dev.eden.artifacts.jdbc;

import dev.eden.artifacts.jdbc.internal.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

class PostgresWorkerRegistryTest extends JdbiWorkerRegistryBehaviour {
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
        .maximumPoolSize(4)
        .build();
  }

  @Override
  Connection connect() throws SQLException {
    return database.connect();
  }

  @Override
  Dialect dialect() {
    return Dialect.POSTGRESQL;
  }
}
