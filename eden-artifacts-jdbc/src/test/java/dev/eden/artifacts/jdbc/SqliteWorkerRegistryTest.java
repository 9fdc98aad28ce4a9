package dev.eden.artifacts.jdbc;

import dev.eden.artifacts.jdbc.internal.Dialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;

class SqliteWorkerRegistryTest extends JdbiWorkerRegistryBehaviour {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve("metadata.db");
  }

  @Override
  JdbiArtifactStore openStore(String tablePrefix) throws Exception {
    return JdbiArtifactStore.builder().sqliteFile(file()).tablePrefix(tablePrefix).build();
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file());
  }

  @Override
  Dialect dialect() {
    return Dialect.SQLITE;
  }
}
