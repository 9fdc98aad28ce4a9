package dev.eden.artifacts.jdbc;

import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.testkit.ArtifactStoreContract;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The test kit's store contract on PostgreSQL: every store lives in a new schema, dropped afterwards. */
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
