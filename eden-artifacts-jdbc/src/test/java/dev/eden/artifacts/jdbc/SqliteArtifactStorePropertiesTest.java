package dev.eden.artifacts.jdbc;

import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.testkit.ArtifactStoreProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.lifecycle.AfterTry;

/** The test kit's store properties on SQLite: every try gets a new database file. */
class SqliteArtifactStorePropertiesTest implements ArtifactStoreProperties {
  private final List<JdbiArtifactStore> stores = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();

  @Override
  public ArtifactStore newStore() throws Exception {
    Path dir = Files.createTempDirectory("eden-sqlite-properties");
    dirs.add(dir);
    JdbiArtifactStore store = JdbiArtifactStore.sqlite(dir.resolve("metadata.db"));
    stores.add(store);
    return store;
  }

  @AfterTry
  void removeStores() throws IOException {
    stores.forEach(JdbiArtifactStore::close);
    stores.clear();
    for (Path dir : dirs) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    dirs.clear();
  }
}
