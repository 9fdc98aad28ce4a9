package dev.eden.artifacts.server;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Real metadata stores for the server's tests: SQLite in a file, or PostgreSQL in a fresh schema of
 * the server named by {@code EDEN_TEST_POSTGRES_URL}, dropped on {@link Store#close()}. Without that
 * server a PostgreSQL test fails under {@code CI=true} and is skipped, saying how to enable it,
 * otherwise.
 */
final class TestDatabases {
  static final String URL_VARIABLE = "EDEN_TEST_POSTGRES_URL";

  private TestDatabases() {}

  /** A store and what must be cleaned up with it. */
  interface Store extends AutoCloseable {
    JdbiArtifactStore store();

    @Override
    void close() throws SQLException;
  }

  static Store sqlite(Path dir) throws IOException {
    JdbiArtifactStore store = JdbiArtifactStore.sqlite(dir.resolve("metadata.db"));
    return new Store() {
      @Override
      public JdbiArtifactStore store() {
        return store;
      }

      @Override
      public void close() {
        store.close();
      }
    };
  }

  static Store postgres() throws Exception {
    Schema schema = postgresSchema();
    JdbiArtifactStore store = JdbiArtifactStore.postgres(schema.url());
    return new Store() {
      @Override
      public JdbiArtifactStore store() {
        return store;
      }

      @Override
      public void close() throws SQLException {
        store.close();
        schema.close();
      }
    };
  }

  /**
   * A fresh schema of the PostgreSQL server, for tests that connect several times (as several
   * server instances would); dropped with everything in it on {@link Schema#close()}.
   */
  static Schema postgresSchema() throws SQLException {
    String base = postgresUrl();
    byte[] random = new byte[6];
    ThreadLocalRandom.current().nextBytes(random);
    String schema = "eden_server_test_" + HexFormat.of().formatHex(random);
    execute(base, "CREATE SCHEMA " + schema);
    return new Schema(base, schema);
  }

  /** A PostgreSQL schema; {@link #url()} connects into it (and carries the credentials). */
  record Schema(String baseUrl, String name) implements AutoCloseable {
    String url() {
      return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    @Override
    public void close() throws SQLException {
      execute(baseUrl, "DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }
  }

  /** The PostgreSQL server's URL, after checking that it answers; fails or skips without one. */
  static String postgresUrl() {
    String url = System.getenv(URL_VARIABLE);
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (url == null || url.isBlank()) {
      unavailable(ci, URL_VARIABLE + " is not set");
    }
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.isValid(5);
    } catch (SQLException e) {
      unavailable(ci, "cannot connect to " + URL_VARIABLE + " (" + e.getMessage() + ")");
    }
    return url;
  }

  private static void unavailable(boolean ci, String why) {
    String how = "; start one with `export " + URL_VARIABLE + "=$(bash .ci/start-postgres)`";
    if (ci) {
      fail("PostgreSQL is required when CI=true: " + why + how);
    }
    assumeTrue(false, "PostgreSQL tests skipped: " + why + how);
  }

  private static void execute(String url, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
