package dev.eden.artifacts.jdbc;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh PostgreSQL schema for one test, dropped with everything in it on {@link #close()}, so
 * that tests never see each other's tables. The server comes from {@code EDEN_TEST_POSTGRES_URL};
 * without it (or when it is unreachable) the test fails under {@code CI=true} and is skipped with
 * instructions otherwise.
 */
final class PostgresTestDatabase implements AutoCloseable {
  static final String URL_VARIABLE = "EDEN_TEST_POSTGRES_URL";

  private final String baseUrl;
  private final String schema;

  private PostgresTestDatabase(String baseUrl, String schema) {
    this.baseUrl = baseUrl;
    this.schema = schema;
  }

  /** Creates a new randomly named schema; fails or skips (see class doc) without a server. */
  static PostgresTestDatabase create() throws SQLException {
    String baseUrl = requireServerUrl();
    byte[] random = new byte[6];
    ThreadLocalRandom.current().nextBytes(random);
    String schema = "eden_test_" + HexFormat.of().formatHex(random);
    try (Connection connection = DriverManager.getConnection(baseUrl);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    }
    return new PostgresTestDatabase(baseUrl, schema);
  }

  /** The server URL, after checking that it answers. */
  static String requireServerUrl() {
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
    String how =
        "; start one with `export " + URL_VARIABLE + "=$(bash .ci/start-postgres)`";
    if (ci) {
      fail("PostgreSQL is required when CI=true: " + why + how);
    }
    assumeTrue(false, "PostgreSQL tests skipped: " + why + how);
  }

  /** A URL whose connections create and find tables in this test's schema. */
  String url() {
    return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  String schema() {
    return schema;
  }

  /** A plain connection into this test's schema, for inspecting or tampering with tables. */
  Connection connect() throws SQLException {
    return DriverManager.getConnection(url());
  }

  @Override
  public void close() throws SQLException {
    try (Connection connection = DriverManager.getConnection(baseUrl);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
