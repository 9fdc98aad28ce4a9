package dev.eden.artifacts.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** The databases the store speaks to, and what differs between them. Not API. */
public enum Dialect {
  SQLITE(""),
  POSTGRESQL(" COLLATE \"C\"");

  private final String binaryCollation;

  Dialect(String binaryCollation) {
    this.binaryCollation = binaryCollation;
  }

  /**
   * The clause that makes text columns compare byte-wise, so that id ordering matches {@link
   * String#compareTo} whatever the database's default collation is. SQLite already compares
   * byte-wise.
   */
  public String binaryCollation() {
    return binaryCollation;
  }

  /**
   * The dialect of the database behind {@code connection}.
   *
   * @throws SQLException if the database is neither SQLite nor PostgreSQL
   */
  public static Dialect of(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName();
    String name = product == null ? "" : product.toLowerCase(Locale.ROOT);
    if (name.contains("sqlite")) {
      return SQLITE;
    }
    if (name.contains("postgresql")) {
      return POSTGRESQL;
    }
    throw new SQLException("unsupported database: " + product + " (SQLite or PostgreSQL expected)");
  }
}
