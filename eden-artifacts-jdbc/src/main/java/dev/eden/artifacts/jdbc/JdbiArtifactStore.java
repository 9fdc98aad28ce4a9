package dev.eden.artifacts.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariDataSource;
import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.jdbc.internal.Dialect;
import dev.eden.artifacts.jdbc.internal.Migrations;
import dev.eden.artifacts.jdbc.internal.OwnedPools;
import dev.eden.artifacts.jdbc.internal.TableNames;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.ArtifactStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * An {@link ArtifactStore} on a relational database through Jdbi 3: SQLite as the embedded
 * default, PostgreSQL when several server instances share one database.
 *
 * <pre>{@code
 * try (JdbiArtifactStore store = JdbiArtifactStore.sqlite(Path.of("eden-data/metadata.db"))) {
 *   store.create(metadata);
 * }
 * }</pre>
 *
 * <p><b>Schema.</b> Building a store applies any missing schema migrations (recorded in the
 * {@code <prefix>schema_version} table) and refuses, with a {@link SchemaVersionException}, a
 * database that a newer release already migrated. Concurrent start-ups against the same database
 * are safe.
 *
 * <p><b>Ownership.</b> A store made by {@link #sqlite}, {@link #postgres}, {@link
 * Builder#sqliteFile} or {@link Builder#postgresUrl} owns its connection pool and closes it in
 * {@link #close()}. A store built on a caller's {@link Jdbi} or {@link DataSource} never closes
 * it; {@link #close()} then only stops this store from being used.
 *
 * <p><b>SQLite.</b> WAL journal, {@code synchronous=FULL} (a row whose {@code create} returned
 * survives a crash or power loss) and a busy timeout. This store is its database's only writer
 * within the process: writes go one at a time through an in-process lock, so its callers queue
 * instead of seeing {@code SQLITE_BUSY}, and creates that queue up meanwhile are committed together
 * in one transaction (one fsync for the group). Writers in other processes are waited for up to
 * the busy timeout.
 *
 * <p><b>Errors.</b> A duplicate id is an {@link ArtifactAlreadyExistsException}; every other
 * database failure (unreachable, closed, constraint, corrupt row) is an {@link IOException}
 * carrying the cause, never an empty result.
 *
 * <p>Thread-safe.
 */
public final class JdbiArtifactStore implements ArtifactStore, AutoCloseable {
  /** Most rows one SQLite transaction commits for queued creates; bounds a caller's wait. */
  private static final int MAX_GROUP = 256;

  private static final String COLUMNS =
      "artifact_id, experiment_id, created_by, size_bytes, content_type, sha256, filename, created_at";

  private final Jdbi jdbi;
  private final Dialect dialect;
  private final TableNames names;
  private final HikariDataSource ownedPool; // null when the caller owns the connections
  private final ReentrantLock writeLock; // null unless SQLite
  private final String sqlitePragmas; // per-handle settings when the store did not configure the connections
  private final Queue<PendingCreate> pendingCreates = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;

  private JdbiArtifactStore(
      Jdbi jdbi, Dialect dialect, TableNames names, HikariDataSource ownedPool, Duration busyTimeout) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.names = names;
    this.ownedPool = ownedPool;
    this.writeLock = dialect == Dialect.SQLITE ? new ReentrantLock(true) : null;
    this.sqlitePragmas =
        dialect == Dialect.SQLITE && ownedPool == null
            ? "PRAGMA busy_timeout = " + OwnedPools.busyTimeoutMillis(busyTimeout)
            : null;
  }

  /**
   * A store on the SQLite database file {@code file} with default options (created, with its
   * parent directories, if missing). The store owns its connections: close it.
   *
   * @throws SchemaVersionException if the file holds a newer schema
   * @throws IOException if the file cannot be opened or migrated
   */
  public static JdbiArtifactStore sqlite(Path file) throws IOException {
    return builder().sqliteFile(file).build();
  }

  /**
   * A store on the PostgreSQL database at {@code jdbcUrl} (e.g. {@code
   * jdbc:postgresql://db:5432/eden?user=eden&password=...}) with default options, through its own
   * HikariCP pool. The store owns the pool: close it.
   *
   * @throws SchemaVersionException if the database holds a newer schema
   * @throws IOException if the database is unreachable or cannot be migrated
   */
  public static JdbiArtifactStore postgres(String jdbcUrl) throws IOException {
    return builder().postgresUrl(jdbcUrl).build();
  }

  /** A builder for every other combination of connection source and options. */
  public static Builder builder() {
    return new Builder();
  }

  /** The prefix of this store's table names; {@code ""} when there is none. */
  public String tablePrefix() {
    return names.prefix();
  }

  @Override
  public void create(ArtifactMetadata metadata) throws IOException {
    requireNonNull(metadata, "metadata");
    storable(metadata.createdAt()); // reject before queueing, not inside someone else's batch
    boolean inserted =
        writeLock == null
            ? withHandle("create " + metadata.id(), handle -> insert(handle, metadata))
            : createInGroup(metadata);
    if (!inserted) {
      throw new ArtifactAlreadyExistsException(metadata.id());
    }
  }

  /** Inserts one row; false if the id exists. */
  private boolean insert(Handle handle, ArtifactMetadata metadata) {
    // ON CONFLICT on the key only: any other constraint failure still raises, and on PostgreSQL a
    // duplicate does not abort a surrounding transaction.
    return handle
            .createUpdate(
                "INSERT INTO "
                    + names.artifacts()
                    + " ("
                    + COLUMNS
                    + ") VALUES (:id, :experiment, :createdBy, :size, :contentType,"
                    + " :sha256, :filename, :createdAt) ON CONFLICT (artifact_id) DO NOTHING")
            .bind("id", metadata.id().value())
            .bind("experiment", metadata.experimentId().value())
            .bind("createdBy", metadata.createdBy().name())
            .bind("size", metadata.sizeBytes())
            .bind("contentType", metadata.contentType())
            .bind("sha256", metadata.sha256())
            .bind("filename", metadata.filename())
            .bind("createdAt", storable(metadata.createdAt()))
            .execute()
        > 0;
  }

  /**
   * SQLite group commit. SQLite has one writer and pays one fsync per commit, so concurrent
   * creates queue up; whoever holds the write lock commits every queued row in one transaction
   * (one fsync), and a caller whose row was committed by another finds it done when its turn
   * comes. Each row still gets its own outcome: duplicates are detected per row, and if the batch
   * fails as a whole its rows are retried one by one.
   */
  private boolean createInGroup(ArtifactMetadata metadata) throws IOException {
    checkOpen();
    PendingCreate mine = new PendingCreate(metadata);
    pendingCreates.add(mine);
    try {
      writeLock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (pendingCreates.remove(mine)) {
        throw new InterruptedIOException("interrupted before create " + metadata.id());
      }
      // Another caller is already writing this row: wait for its outcome rather than guess.
      writeLock.lock();
    }
    try {
      if (!mine.done) {
        commitGroup();
      }
    } finally {
      writeLock.unlock();
    }
    if (mine.failure != null) {
      // Rethrown from this caller's stack, possibly recorded by another caller's thread.
      throw new IOException(mine.failure.getMessage(), mine.failure.getCause());
    }
    return mine.inserted;
  }

  private void commitGroup() {
    List<PendingCreate> group = new ArrayList<>();
    for (PendingCreate next; group.size() < MAX_GROUP && (next = pendingCreates.poll()) != null; ) {
      group.add(next);
    }
    if (group.size() > 1) {
      try {
        List<Boolean> inserted =
            withHandle(
                "create " + group.size() + " rows",
                handle ->
                    handle.inTransaction(
                        h -> {
                          List<Boolean> outcomes = new ArrayList<>(group.size());
                          for (PendingCreate pending : group) {
                            outcomes.add(insert(h, pending.metadata));
                          }
                          return outcomes;
                        }));
        for (int i = 0; i < group.size(); i++) {
          group.get(i).succeed(inserted.get(i));
        }
        return;
      } catch (IOException e) {
        // Fall through: one bad row must not fail its neighbours.
      }
    }
    for (PendingCreate pending : group) {
      try {
        pending.succeed(withHandle("create " + pending.metadata.id(), h -> insert(h, pending.metadata)));
      } catch (IOException e) {
        pending.fail(e);
      }
    }
  }

  /** A create waiting for the write lock; completed under the lock by whichever caller holds it. */
  private static final class PendingCreate {
    final ArtifactMetadata metadata;
    volatile boolean done;
    volatile boolean inserted;
    volatile IOException failure;

    PendingCreate(ArtifactMetadata metadata) {
      this.metadata = metadata;
    }

    void succeed(boolean inserted) {
      this.inserted = inserted;
      this.done = true;
    }

    void fail(IOException failure) {
      this.failure = failure;
      this.done = true;
    }
  }

  @Override
  public Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id)
      throws IOException {
    requireNonNull(experimentId, "experimentId");
    requireNonNull(id, "id");
    return withHandle(
        "find " + id,
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM "
                        + names.artifacts()
                        + " WHERE artifact_id = :id AND experiment_id = :experiment")
                .bind("id", id.value())
                .bind("experiment", experimentId.value())
                .map(JdbiArtifactStore::toMetadata)
                .findOne());
  }

  @Override
  public boolean contains(ArtifactId id) throws IOException {
    requireNonNull(id, "id");
    return withHandle(
        "contains " + id,
        handle ->
            handle
                .createQuery("SELECT COUNT(*) FROM " + names.artifacts() + " WHERE artifact_id = :id")
                .bind("id", id.value())
                .mapTo(Long.class)
                .one()
            > 0);
  }

  @Override
  public List<ArtifactId> idsCreatedBefore(ExperimentId experimentId, Instant cutoff, int limit)
      throws IOException {
    requireNonNull(experimentId, "experimentId");
    requireNonNull(cutoff, "cutoff");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    long before = firstMillisNotBefore(cutoff);
    return withHandle(
        "list " + experimentId,
        handle ->
            handle
                .createQuery(
                    "SELECT artifact_id FROM "
                        + names.artifacts()
                        + " WHERE experiment_id = :experiment AND created_at < :before"
                        + " ORDER BY created_at, artifact_id LIMIT :limit")
                .bind("experiment", experimentId.value())
                .bind("before", before)
                .bind("limit", limit)
                .map((rs, ctx) -> ArtifactId.parse(rs.getString(1)))
                .list());
  }

  @Override
  public boolean delete(ArtifactId id) throws IOException {
    requireNonNull(id, "id");
    return withWriteLock(
            "delete " + id,
            handle ->
                handle
                    .createUpdate("DELETE FROM " + names.artifacts() + " WHERE artifact_id = :id")
                    .bind("id", id.value())
                    .execute())
        > 0;
  }

  /**
   * Stops this store; later calls fail with an {@link IOException}. Closes the connection pool if
   * the store built it, never a caller's {@link Jdbi} or {@link DataSource}. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    if (ownedPool != null) {
      ownedPool.close();
    }
  }

  /** The connections this store uses; for tests in this package that inspect them. */
  Jdbi jdbi() {
    return jdbi;
  }

  @Override
  public String toString() {
    return "JdbiArtifactStore{" + dialect + ", table " + names.artifacts() + "}";
  }

  /** Epoch millis of {@code createdAt} (already truncated to millis by {@link ArtifactMetadata}). */
  private static long storable(Instant createdAt) {
    try {
      return createdAt.toEpochMilli();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("createdAt is outside the storable range: " + createdAt, e);
    }
  }

  /**
   * The smallest epoch millisecond that is not before {@code cutoff}: a row stored at millisecond
   * {@code m} was created before {@code cutoff} exactly when {@code m} is less than this.
   */
  private static long firstMillisNotBefore(Instant cutoff) {
    try {
      long millis = cutoff.toEpochMilli(); // floors
      return cutoff.getNano() % 1_000_000 == 0 ? millis : millis + 1;
    } catch (ArithmeticException e) {
      return cutoff.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static ArtifactMetadata toMetadata(ResultSet rs, StatementContext ctx)
      throws SQLException {
    return new ArtifactMetadata(
        ExperimentId.parse(rs.getString("experiment_id")),
        ArtifactId.parse(rs.getString("artifact_id")),
        Principal.parse(rs.getString("created_by")),
        rs.getLong("size_bytes"),
        rs.getString("content_type"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        rs.getString("sha256"),
        rs.getString("filename"));
  }

  @FunctionalInterface
  private interface Work<R> {
    R run(Handle handle);
  }

  private <R> R withHandle(String what, Work<R> work) throws IOException {
    checkOpen();
    try {
      return jdbi.withHandle(
          handle -> {
            prepare(handle);
            return work.run(handle);
          });
    } catch (JdbiException e) {
      throw failure(what, e);
    } catch (IllegalArgumentException e) {
      throw new IOException("metadata store holds a row this library cannot read (" + what + ")", e);
    }
  }

  private <R> R withWriteLock(String what, Work<R> work) throws IOException {
    checkOpen();
    if (writeLock == null) {
      return withHandle(what, work);
    }
    try {
      writeLock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to write (" + what + ")");
    }
    try {
      return withHandle(what, work);
    } finally {
      writeLock.unlock();
    }
  }

  private void prepare(Handle handle) {
    if (sqlitePragmas != null) {
      handle.execute(sqlitePragmas);
      handle.execute("PRAGMA synchronous = FULL");
    }
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("metadata store is closed: " + this);
    }
  }

  private IOException failure(String what, JdbiException e) {
    return new IOException("metadata store failure (" + what + "): " + e.getMessage(), e);
  }

  /**
   * Options for a {@link JdbiArtifactStore}. Exactly one connection source ({@link #jdbi}, {@link
   * #dataSource}, {@link #sqliteFile} or {@link #postgresUrl}) must be set. Not thread-safe; build
   * once.
   */
  public static final class Builder {
    private Jdbi jdbi;
    private DataSource dataSource;
    private Path sqliteFile;
    private String postgresUrl;
    private String tablePrefix = "eden_";
    private Duration busyTimeout = Duration.ofSeconds(30);
    private int maximumPoolSize = 0;

    private Builder() {}

    /** Uses the caller's Jdbi as is; the caller keeps owning its connections. */
    public Builder jdbi(Jdbi jdbi) {
      this.jdbi = requireNonNull(jdbi, "jdbi");
      return this;
    }

    /** Uses the caller's SQLite or PostgreSQL data source (e.g. an existing pool); the caller keeps owning it. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = requireNonNull(dataSource, "dataSource");
      return this;
    }

    /** Opens (creating if missing) this SQLite file through a pool the store owns. */
    public Builder sqliteFile(Path sqliteFile) {
      this.sqliteFile = requireNonNull(sqliteFile, "sqliteFile");
      return this;
    }

    /**
     * Connects to this PostgreSQL JDBC URL through a HikariCP pool the store owns.
     *
     * @throws IllegalArgumentException if the URL does not start with {@code jdbc:postgresql:}
     */
    public Builder postgresUrl(String postgresUrl) {
      requireNonNull(postgresUrl, "postgresUrl");
      if (!postgresUrl.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("postgresUrl must start with 'jdbc:postgresql:'");
      }
      this.postgresUrl = postgresUrl;
      return this;
    }

    /**
     * Prefix of the table names ({@code <prefix>artifacts}, {@code <prefix>schema_version}), so
     * the tables can live in an existing database without collisions; default {@code eden_}. Each
     * prefix is an independent store with its own schema version.
     *
     * @throws IllegalArgumentException unless empty or a lowercase letter followed by up to 31
     *     lowercase letters, digits or underscores
     */
    public Builder tablePrefix(String tablePrefix) {
      this.tablePrefix = TableNames.withPrefix(tablePrefix).prefix();
      return this;
    }

    /**
     * How long a SQLite write waits for another process's write lock before failing; default 30
     * seconds. Ignored for PostgreSQL.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder busyTimeout(Duration busyTimeout) {
      requireNonNull(busyTimeout, "busyTimeout");
      if (busyTimeout.isNegative()) {
        throw new IllegalArgumentException("busyTimeout must not be negative: " + busyTimeout);
      }
      this.busyTimeout = busyTimeout;
      return this;
    }

    /**
     * Size of the pool the store builds for {@link #sqliteFile} (default 4) or {@link
     * #postgresUrl} (default 10). Ignored for a caller's Jdbi or data source.
     *
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maximumPoolSize(int maximumPoolSize) {
      if (maximumPoolSize < 1) {
        throw new IllegalArgumentException("maximumPoolSize must be at least 1: " + maximumPoolSize);
      }
      this.maximumPoolSize = maximumPoolSize;
      return this;
    }

    /**
     * Connects, migrates the schema and returns the store.
     *
     * @throws IllegalStateException unless exactly one connection source was set
     * @throws SchemaVersionException if the database holds a schema newer than this library
     * @throws IOException if the database is unreachable, not SQLite or PostgreSQL, or cannot be
     *     migrated; a pool built for this store is closed again
     */
    public JdbiArtifactStore build() throws IOException {
      int sources =
          (jdbi != null ? 1 : 0)
              + (dataSource != null ? 1 : 0)
              + (sqliteFile != null ? 1 : 0)
              + (postgresUrl != null ? 1 : 0);
      if (sources != 1) {
        throw new IllegalStateException(
            "set exactly one of jdbi, dataSource, sqliteFile or postgresUrl (" + sources + " set)");
      }
      TableNames names = TableNames.withPrefix(tablePrefix);
      HikariDataSource owned = null;
      if (sqliteFile != null) {
        owned = OwnedPools.sqlite(sqliteFile, busyTimeout, maximumPoolSize > 0 ? maximumPoolSize : 4);
      } else if (postgresUrl != null) {
        owned = OwnedPools.postgres(postgresUrl, maximumPoolSize > 0 ? maximumPoolSize : 10);
      }
      Jdbi target = jdbi != null ? jdbi : Jdbi.create(owned != null ? owned : dataSource);
      try {
        Dialect dialect = target.withHandle(handle -> Dialect.of(handle.getConnection()));
        JdbiArtifactStore store = new JdbiArtifactStore(target, dialect, names, owned, busyTimeout);
        store.migrate();
        return store;
      } catch (SQLException | JdbiException e) {
        closeQuietly(owned);
        throw new IOException("cannot open metadata store: " + e.getMessage(), e);
      } catch (IOException | RuntimeException e) {
        closeQuietly(owned);
        throw e;
      }
    }

    private static void closeQuietly(HikariDataSource owned) {
      if (owned != null) {
        owned.close();
      }
    }
  }

  private void migrate() throws IOException {
    try {
      withWriteLock(
          "migrate",
          handle -> {
            try {
              Migrations.migrate(handle.getConnection(), dialect, names);
              return null;
            } catch (SQLException e) {
              throw new MigrationFailure(e);
            } catch (SchemaVersionException e) {
              throw new MigrationFailure(e);
            }
          });
    } catch (MigrationFailure e) {
      if (e.getCause() instanceof SchemaVersionException) {
        throw (SchemaVersionException) e.getCause();
      }
      throw new IOException("cannot migrate " + names.artifacts() + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** Carries a checked failure out of a Jdbi callback. */
  private static final class MigrationFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MigrationFailure(Exception cause) {
      super(cause);
    }
  }
}
