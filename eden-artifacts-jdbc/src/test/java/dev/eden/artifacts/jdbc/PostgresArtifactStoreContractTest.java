package dev.eden.artifacts.jdbc;

import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.testkit.ArtifactStoreContract;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;

/**
 * The test kit's store contract on PostgreSQL: every store gets a new table prefix in a schema
 * that is dropped after each test.
 */
class PostgresArtifactStoreContractTest implements ArtifactStoreContract {
  private final PostgresStores stores = new PostgresStores(4);

  @Override
  public ArtifactStore newStore() throws Exception {
    return stores.newStore();
  }

  @AfterEach
  void dropStores() throws SQLException {
    stores.closeAll();
  }
}
