package dev.eden.artifacts.jdbc;

import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.testkit.ArtifactStoreProperties;
import java.sql.SQLException;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterTry;

/** The test kit's store properties on PostgreSQL: every try gets a new schema, dropped afterwards. */
@AddLifecycleHook(PostgresAvailableForJqwik.class)
class PostgresArtifactStorePropertiesTest implements ArtifactStoreProperties {
  private final PostgresStores stores = new PostgresStores(1);

  @Override
  public ArtifactStore newStore() throws Exception {
    return stores.newStore();
  }

  @AfterTry
  void dropStores() throws SQLException {
    stores.closeAll();
  }
}
