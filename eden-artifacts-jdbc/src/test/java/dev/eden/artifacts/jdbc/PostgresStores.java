package dev.eden.artifacts.jdbc;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Fresh PostgreSQL stores for contract tests, each in its own schema; {@link #closeAll} drops them. */
final class PostgresStores {
  private final int poolSize;
  private final List<JdbiArtifactStore> stores = new ArrayList<>();
  private final List<PostgresTestDatabase> databases = new ArrayList<>();

  PostgresStores(int poolSize) {
    this.poolSize = poolSize;
  }

  JdbiArtifactStore newStore() throws Exception {
    PostgresTestDatabase database = PostgresTestDatabase.create();
    databases.add(database);
    JdbiArtifactStore store =
        JdbiArtifactStore.builder().postgresUrl(database.url()).maximumPoolSize(poolSize).build();
    stores.add(store);
    return store;
  }

  void closeAll() throws SQLException {
    stores.forEach(JdbiArtifactStore::close);
    stores.clear();
    for (PostgresTestDatabase database : databases) {
      database.close();
    }
    databases.clear();
  }
}
