package dev.eden.artifacts.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fresh, empty PostgreSQL stores for the test kit's contract and properties: all in one new
 * schema, each under its own table prefix, on one pool that the tests (not the stores) own. This
 * also exercises building a store on a caller's {@link javax.sql.DataSource}. {@link #closeAll}
 * closes the stores and the pool and drops the schema.
 */
final class PostgresStores {
  private final int poolSize;
  private final List<JdbiArtifactStore> stores = new ArrayList<>();
  private PostgresTestDatabase database;
  private HikariDataSource pool;

  PostgresStores(int poolSize) {
    this.poolSize = poolSize;
  }

  JdbiArtifactStore newStore() throws Exception {
    if (database == null) {
      database = PostgresTestDatabase.create();
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(database.url());
      config.setMaximumPoolSize(poolSize);
      pool = new HikariDataSource(config);
    }
    JdbiArtifactStore store =
        JdbiArtifactStore.builder().dataSource(pool).tablePrefix("s" + stores.size() + "_").build();
    stores.add(store);
    return store;
  }

  void closeAll() throws SQLException {
    stores.forEach(JdbiArtifactStore::close);
    stores.clear();
    if (database != null) {
      pool.close();
      database.close();
      database = null;
    }
  }
}
