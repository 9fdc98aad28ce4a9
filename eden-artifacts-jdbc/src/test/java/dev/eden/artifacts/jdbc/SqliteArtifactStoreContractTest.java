package dev.eden.artifacts.jdbc;

import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.testkit.ArtifactStoreContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The test kit's store contract on SQLite: every store is a new database file. */
class SqliteArtifactStoreContractTest implements ArtifactStoreContract {
  @TempDir Path dir;

  private final List<JdbiArtifactStore> stores = new ArrayList<>();

  @Override
  public ArtifactStore newStore() throws Exception {
    JdbiArtifactStore store = JdbiArtifactStore.sqlite(dir.resolve("store-" + stores.size() + ".db"));
    stores.add(store);
    return store;
  }

  @AfterEach
  void closeStores() {
    stores.forEach(JdbiArtifactStore::close);
  }
}
