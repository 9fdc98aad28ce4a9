package dev.eden.artifacts.jdbc;

import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.testkit.ArtifactStoreProperties;
import java.sql.SQLException;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * The test kit's store properties on PostgreSQL: every try gets a new table prefix in a schema
 * that is dropped after each property.
 */
@AddLifecycleHook(PostgresAvailableForJqwik.class)
class PostgresArtifactStorePropertiesTest implements ArtifactStoreProperties {
  private final PostgresStores stores = new PostgresStores(1);

  @Override
  public ArtifactStore newStore() throws Exception {
    return stores.newStore();
  }

  @AfterProperty
  void dropStores() throws SQLException {
    stores.closeAll();
  }
}
