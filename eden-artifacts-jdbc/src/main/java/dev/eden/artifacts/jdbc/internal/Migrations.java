package dev.eden.artifacts.jdbc.internal;

import dev.eden.artifacts.jdbc.SchemaVersionException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Brings the store's tables to the latest schema version, recording every applied step in the
 * schema-version table. Safe to run from several processes at once: on PostgreSQL the whole run
 * holds a transaction-scoped advisory lock; on SQLite it runs in a {@code BEGIN IMMEDIATE}
 * transaction, which takes the database's single write lock up front. Not API.
 */
public final class Migrations {

  /**
   * {@code created_at} is epoch milliseconds in a BIGINT rather than a timestamp type: it is
   * exactly the wire's precision, it means the same on both databases (SQLite has no timestamp
   * type), and no driver or session time zone can shift it. Range scans on an integer are what
   * the orphan sweep's index needs.
   */
  private static final Migration V1_ARTIFACTS =
      new Migration() {
        @Override
        public int version() {
          return 1;
        }

        @Override
        public String description() {
          return "artifacts table and (experiment_id, created_at) index";
        }

        @Override
        public List<String> statements(Dialect dialect, TableNames names) {
          String binary = dialect.binaryCollation();
          return List.of(
              "CREATE TABLE "
                  + names.artifacts()
                  + " (artifact_id VARCHAR(32)"
                  + binary
                  + " NOT NULL PRIMARY KEY,"
                  + " experiment_id VARCHAR(64)"
                  + binary
                  + " NOT NULL,"
                  + " created_by VARCHAR(64) NOT NULL,"
                  + " size_bytes BIGINT NOT NULL CHECK (size_bytes >= 0),"
                  + " content_type TEXT NOT NULL,"
                  + " sha256 VARCHAR(64) NOT NULL,"
                  + " filename TEXT NOT NULL,"
                  + " created_at BIGINT NOT NULL)",
              // Serves "ids of experiment E created before T, oldest first" without a sort.
              "CREATE INDEX "
                  + names.experimentCreatedIndex()
                  + " ON "
                  + names.artifacts()
                  + " (experiment_id, created_at, artifact_id)");
        }
      };

  /**
   * Serves one depositor's rows of an experiment, newest first, from the index alone (the operator
   * listing's {@code created_by} filter), and the per-depositor summary. The unfiltered listing
   * reads the version 1 index backwards.
   */
  private static final Migration V2_CREATOR_INDEX =
      new Migration() {
        @Override
        public int version() {
          return 2;
        }

        @Override
        public String description() {
          return "(experiment_id, created_by, created_at) index for listings by depositor";
        }

        @Override
        public List<String> statements(Dialect dialect, TableNames names) {
          return List.of(
              "CREATE INDEX "
                  + names.experimentCreatorIndex()
                  + " ON "
                  + names.artifacts()
                  + " (experiment_id, created_by, created_at, artifact_id)");
        }
      };

  /**
   * The worker registry that several server instances share: workers (id, groups, the slow hash
   * of the secret, when enrolled), the parents of nested groups, and a one-row change counter that
   * every change bumps in its own transaction, so an instance learns whether anything changed from
   * one single-row read. Group lists are space-separated names in one column: they are read and
   * written whole, never queried by member. The counter row is created here, so it always exists.
   */
  private static final Migration V3_WORKER_REGISTRY =
      new Migration() {
        @Override
        public int version() {
          return 3;
        }

        @Override
        public String description() {
          return "worker registry: workers, group parents and a change counter";
        }

        @Override
        public List<String> statements(Dialect dialect, TableNames names) {
          String binary = dialect.binaryCollation();
          return List.of(
              "CREATE TABLE "
                  + names.workers()
                  + " (worker_id VARCHAR(64)"
                  + binary
                  + " NOT NULL PRIMARY KEY,"
                  + " group_ids TEXT NOT NULL,"
                  + " secret_hash TEXT NOT NULL,"
                  + " created_at BIGINT NOT NULL)",
              "CREATE TABLE "
                  + names.workerGroupParents()
                  + " (group_id VARCHAR(64)"
                  + binary
                  + " NOT NULL PRIMARY KEY,"
                  + " parent_ids TEXT NOT NULL)",
              "CREATE TABLE "
                  + names.workerRegistryGeneration()
                  + " (singleton INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1),"
                  + " generation BIGINT NOT NULL)",
              "INSERT INTO " + names.workerRegistryGeneration() + " (singleton, generation) VALUES (1, 0)");
        }
      };

  private static final List<Migration> ALL = List.of(V1_ARTIFACTS, V2_CREATOR_INDEX, V3_WORKER_REGISTRY);

  /** The schema version this code migrates to. */
  public static final int LATEST = ALL.get(ALL.size() - 1).version();

  /** High half of every advisory lock key this library takes, so keys never meet other users'. */
  private static final long LOCK_NAMESPACE = 0x6564656EL << 32; // "eden"

  private Migrations() {}

  /**
   * Applies every missing step on {@code connection}, whose auto-commit mode is restored
   * afterwards (it may belong to the caller's pool).
   *
   * @throws SchemaVersionException if the database records a version newer than {@link #LATEST}
   * @throws SQLException on any database failure; nothing is then committed
   */
  public static void migrate(Connection connection, Dialect dialect, TableNames names)
      throws SQLException, SchemaVersionException {
    migrateTo(connection, dialect, names, LATEST);
  }

  /**
   * The schema version {@code connection}'s database records for these tables, or 0 when it holds
   * no schema of this library (no version table). Reads only.
   *
   * @throws SQLException on any other database failure
   */
  public static int currentVersion(Connection connection, TableNames names) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM " + names.schemaVersion())) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      if (hasVersionTable(connection, names)) {
        throw e;
      }
      return 0;
    }
  }

  private static boolean hasVersionTable(Connection connection, TableNames names) throws SQLException {
    String table = names.schemaVersion();
    for (String candidate : new String[] {table, table.toLowerCase(java.util.Locale.ROOT), table.toUpperCase(java.util.Locale.ROOT)}) {
      try (ResultSet tables = connection.getMetaData().getTables(null, null, candidate, null)) {
        if (tables.next()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Like {@link #migrate}, but stops after version {@code target}: what a database of an earlier
   * release holds, for upgrade tests.
   *
   * @throws IllegalArgumentException unless {@code target} is between 1 and {@link #LATEST}
   */
  public static void migrateTo(Connection connection, Dialect dialect, TableNames names, int target)
      throws SQLException, SchemaVersionException {
    if (target < 1 || target > LATEST) {
      throw new IllegalArgumentException("target must be in 1.." + LATEST + ": " + target);
    }
    boolean autoCommit = connection.getAutoCommit();
    try {
      if (dialect == Dialect.SQLITE) {
        connection.setAutoCommit(true); // the transaction is opened by hand, as BEGIN IMMEDIATE
        migrateSqlite(connection, names, target);
      } else {
        migratePostgres(connection, names, target);
      }
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static void migrateSqlite(Connection connection, TableNames names, int target)
      throws SQLException, SchemaVersionException {
    try (Statement statement = connection.createStatement()) {
      // WAL is a property of the database file: setting it once here makes it stick for every
      // connection, including those of a DataSource the store did not build.
      statement.execute("PRAGMA journal_mode=WAL");
      statement.execute("BEGIN IMMEDIATE");
      boolean committed = false;
      try {
        applyMissing(connection, Dialect.SQLITE, names, target);
        statement.execute("COMMIT");
        committed = true;
      } finally {
        if (!committed) {
          statement.execute("ROLLBACK");
        }
      }
    }
  }

  private static void migratePostgres(Connection connection, TableNames names, int target)
      throws SQLException, SchemaVersionException {
    connection.setAutoCommit(false);
    boolean committed = false;
    try {
      try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        lock.setLong(1, lockKey(currentSchema(connection), names));
        lock.execute();
      }
      applyMissing(connection, Dialect.POSTGRESQL, names, target);
      connection.commit();
      committed = true;
    } finally {
      if (!committed) {
        connection.rollback();
      }
    }
  }

  private static void applyMissing(Connection connection, Dialect dialect, TableNames names, int target)
      throws SQLException, SchemaVersionException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + names.schemaVersion()
              + " (version INTEGER NOT NULL PRIMARY KEY,"
              + " description VARCHAR(200) NOT NULL,"
              + " applied_at BIGINT NOT NULL)");
      int current;
      try (ResultSet rs =
          statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM " + names.schemaVersion())) {
        rs.next();
        current = rs.getInt(1);
      }
      if (current > LATEST) {
        throw new SchemaVersionException(names.schemaVersion(), current, LATEST);
      }
      for (Migration migration : ALL) {
        if (migration.version() <= current || migration.version() > target) {
          continue;
        }
        for (String sql : migration.statements(dialect, names)) {
          statement.execute(sql);
        }
        try (PreparedStatement record =
            connection.prepareStatement(
                "INSERT INTO "
                    + names.schemaVersion()
                    + " (version, description, applied_at) VALUES (?, ?, ?)")) {
          record.setInt(1, migration.version());
          record.setString(2, migration.description());
          record.setLong(3, System.currentTimeMillis());
          record.executeUpdate();
        }
      }
    }
  }

  private static String currentSchema(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT current_schema()")) {
      rs.next();
      String schema = rs.getString(1);
      return schema == null ? "" : schema;
    }
  }

  /** One key per (schema, prefix): stores in different schemas or prefixes never wait on each other. */
  static long lockKey(String schema, TableNames names) {
    CRC32 crc = new CRC32();
    crc.update((schema + "." + names.prefix()).getBytes(StandardCharsets.UTF_8));
    return LOCK_NAMESPACE | crc.getValue();
  }
}
