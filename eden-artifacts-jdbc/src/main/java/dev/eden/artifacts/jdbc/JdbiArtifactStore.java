package dev.eden.artifacts.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariDataSource;
import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.jdbc.internal.ArtifactTable;
import dev.eden.artifacts.jdbc.internal.Dialect;
import dev.eden.artifacts.jdbc.internal.GroupCommitter;
import dev.eden.artifacts.jdbc.internal.Migrations;
import dev.eden.artifacts.jdbc.internal.OwnedPools;
import dev.eden.artifacts.jdbc.internal.TableNames;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.ArtifactPage;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.ArtifactSummary;
import dev.eden.artifacts.spi.PageRequest;
import dev.eden.artifacts.spi.RowNotWrittenException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

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
 * the busy timeout, and never past the write timeout.
 *
 * <p><b>Bounded writes.</b> A {@link #create} or {@link #delete} waits at most the {@linkplain
 * Builder#writeTimeout write timeout} in total — for this store's queue, a pooled connection,
 * another process's SQLite lock, a PostgreSQL lock or statement, a database that does not answer
 * — and then fails with an {@link IOException}; no retry waits that long again. A {@code create}
 * that gave up before committing throws a {@link RowNotWrittenException}: nothing was recorded.
 * Once the database is free or back, the next call succeeds; nothing needs a restart.
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
  /**
   * How much longer than the write timeout a PostgreSQL connection may stay silent before it is
   * given up as dead: the server's own statement timeout fires first whenever it can still answer.
   */
  private static final Duration DEAD_CONNECTION_MARGIN = Duration.ofSeconds(5);
  /** The default {@linkplain Builder#writeTimeout write timeout}: 10 seconds. */
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);

  private final Jdbi jdbi;
  private final Dialect dialect;
  private final TableNames names;
  private final ArtifactTable table;
  private final HikariDataSource ownedPool; // null when the caller owns the connections
  private final ReentrantLock writeLock; // null unless SQLite
  private final GroupCommitter<ArtifactMetadata> groupCommitter; // null unless SQLite
  private final String sqlitePragmas; // per-handle settings when the store did not configure the connections
  private final Duration busyTimeout;
  private final Duration writeTimeout;
  private volatile boolean closed;

  private JdbiArtifactStore(Jdbi jdbi, Dialect dialect, TableNames names, HikariDataSource ownedPool,
      Duration busyTimeout, Duration writeTimeout) {
    this.jdbi = jdbi;
    this.busyTimeout = busyTimeout;
    this.writeTimeout = writeTimeout;
    this.dialect = dialect;
    this.names = names;
    this.table = new ArtifactTable(names);
    this.ownedPool = ownedPool;
    boolean sqlite = dialect == Dialect.SQLITE;
    this.writeLock = sqlite ? new ReentrantLock(true) : null;
    this.groupCommitter =
        sqlite
            ? new GroupCommitter<>(writeLock, MAX_GROUP, writeTimeout, this::insertAll, this::insertOne)
            : null;
    this.sqlitePragmas =
        sqlite && ownedPool == null
            ? "PRAGMA busy_timeout = " + OwnedPools.busyTimeoutMillis(busyTimeout)
            : null;
  }

  /**
   * A store on the SQLite database file {@code file} with default options (created, with its
   * parent directories, if missing). A new file is created with mode {@code 0600} before SQLite
   * opens it; SQLite gives its {@code -wal}, {@code -shm} and {@code -journal} files the same
   * mode. An existing file keeps its mode. The store owns its connections: close it.
   *
   * @throws NullPointerException if {@code file} is null
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
   * @throws NullPointerException if {@code jdbcUrl} is null
   * @throws IllegalArgumentException if it does not start with {@code jdbc:postgresql:}
   * @throws SchemaVersionException if the database holds a newer schema
   * @throws IOException if the database is unreachable or cannot be migrated
   */
  public static JdbiArtifactStore postgres(String jdbcUrl) throws IOException {
    return builder().postgresUrl(jdbcUrl).build();
  }

  /** A new builder for every other combination of connection source and options. */
  public static Builder builder() {
    return new Builder();
  }

  /** The prefix of this store's table names; {@code ""} when there is none. Never null. */
  public String tablePrefix() {
    return names.prefix();
  }

  /**
   * {@inheritDoc}
   *
   * <p>On SQLite, creates that queue up behind the write lock are committed together. Waits at
   * most the {@linkplain Builder#writeTimeout write timeout} in total.
   *
   * @throws RowNotWrittenException if it gave up (the write timeout passed) or failed before the
   *     commit: no row was recorded
   * @throws IOException if the commit itself failed: the row may or may not have been recorded
   * @throws IllegalArgumentException if {@code createdAt} is outside the epoch-millisecond range
   */
  @Override
  public void create(ArtifactMetadata metadata) throws IOException {
    requireNonNull(metadata, "metadata");
    ArtifactTable.storable(metadata.createdAt()); // reject before queueing, not inside someone else's batch
    checkOpen();
    boolean inserted = groupCommitter == null
        ? insertOne(metadata, System.nanoTime() + writeTimeout.toNanos())
        : groupCommitter.submit(metadata);
    if (!inserted) {
      throw new ArtifactAlreadyExistsException(metadata.id());
    }
  }

  private boolean insertOne(ArtifactMetadata metadata, long deadline) throws IOException {
    return write("create " + metadata.id(), deadline, handle -> table.insert(handle, metadata));
  }

  private List<Boolean> insertAll(List<ArtifactMetadata> rows, long deadline) throws IOException {
    return write("create " + rows.size() + " rows", deadline, handle -> {
      List<Boolean> outcomes = new ArrayList<>(rows.size());
      for (ArtifactMetadata row : rows) {
        outcomes.add(table.insert(handle, row));
      }
      return outcomes;
    });
  }

  @Override
  public Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id)
      throws IOException {
    requireNonNull(experimentId, "experimentId");
    requireNonNull(id, "id");
    return withHandle("find " + id, handle -> table.find(handle, experimentId, id));
  }

  @Override
  public boolean contains(ArtifactId id) throws IOException {
    requireNonNull(id, "id");
    return withHandle("contains " + id, handle -> table.contains(handle, id));
  }

  /** {@inheritDoc} Here: one {@code SELECT … WHERE artifact_id IN (…)}. */
  @Override
  public Set<ArtifactId> existing(Collection<ArtifactId> ids) throws IOException {
    requireNonNull(ids, "ids");
    if (ids.size() > PageRequest.MAX_LIMIT) {
      throw new IllegalArgumentException("at most " + PageRequest.MAX_LIMIT + " ids at once: " + ids.size());
    }
    return withHandle("look up " + ids.size() + " ids", handle -> table.existing(handle, ids));
  }

  @Override
  public List<ArtifactId> idsCreatedBefore(ExperimentId experimentId, Instant cutoff, int limit)
      throws IOException {
    requireNonNull(experimentId, "experimentId");
    requireNonNull(cutoff, "cutoff");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    return withHandle(
        "list " + experimentId,
        handle -> table.idsCreatedBefore(handle, experimentId, cutoff, limit));
  }

  /**
   * {@inheritDoc}
   *
   * <p>One indexed query per page: the unfiltered listing reads the {@code (experiment_id,
   * created_at, artifact_id)} index backwards, a depositor's the {@code (experiment_id, created_by,
   * created_at, artifact_id)} one.
   */
  @Override
  public ArtifactPage page(ExperimentId experimentId, PageRequest request) throws IOException {
    requireNonNull(experimentId, "experimentId");
    requireNonNull(request, "request");
    request.cursor().ifPresent(c -> ArtifactTable.storable(c.createdAt()));
    List<ArtifactMetadata> rows = withHandle(
        "page " + experimentId, handle -> table.page(handle, experimentId, request, request.limit() + 1));
    return ArtifactPage.of(rows, request.limit());
  }

  /** {@inheritDoc} One {@code GROUP BY created_by} statement, so the totals are one snapshot. */
  @Override
  public ArtifactSummary summarize(ExperimentId experimentId) throws IOException {
    requireNonNull(experimentId, "experimentId");
    return withHandle("summarize " + experimentId, handle -> table.summarize(handle, experimentId));
  }

  /** {@inheritDoc} Waits at most the {@linkplain Builder#writeTimeout write timeout} in total. */
  @Override
  public boolean delete(ArtifactId id) throws IOException {
    requireNonNull(id, "id");
    String what = "delete " + id;
    long deadline = System.nanoTime() + writeTimeout.toNanos();
    try {
      return underWriteLock(what, deadline, () -> write(what, deadline, handle -> table.delete(handle, id)));
    } catch (RowNotWrittenException e) {
      throw new IOException(e.getMessage(), e.getCause()); // the row, if any, is still there
    }
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

  /** The database this store speaks to; for {@link JdbiWorkerRegistry}, which shares the store. */
  Dialect dialect() {
    return dialect;
  }

  /** The store's table names; for {@link JdbiWorkerRegistry}, which shares the store. */
  TableNames names() {
    return names;
  }

  @Override
  public String toString() {
    return "JdbiArtifactStore{" + dialect + ", table " + names.artifacts() + "}";
  }

  /** Work on one handle; Jdbi's exceptions pass through to {@link #withHandle}. */
  @FunctionalInterface
  interface Work<R> {
    R run(Handle handle);
  }

  /**
   * Runs {@code work} on a handle of this store's connections (SQLite settings applied), mapping
   * Jdbi failures, and rows that do not parse ({@link IllegalArgumentException}), to {@link
   * IOException}s. Also used by {@link JdbiWorkerRegistry}.
   */
  <R> R withHandle(String what, Work<R> work) throws IOException {
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

  /**
   * Like {@link #withHandle}, holding this store's SQLite write lock (none on PostgreSQL), waited
   * for at most the write timeout.
   */
  <R> R withWriteLock(String what, Work<R> work) throws IOException {
    checkOpen();
    return underWriteLock(what, System.nanoTime() + writeTimeout.toNanos(), () -> withHandle(what, work));
  }

  /**
   * Runs {@code work} holding this store's SQLite write lock (none on PostgreSQL), waited for until
   * {@code deadline}.
   */
  private <R> R underWriteLock(String what, long deadline, LockedWork<R> work) throws IOException {
    if (writeLock == null) {
      return work.run();
    }
    try {
      if (!writeLock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        throw new RowNotWrittenException("gave up after waiting " + writeTimeout
            + " for the metadata store's write lock (" + what + ")", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to write (" + what + ")");
    }
    try {
      return work.run();
    } finally {
      writeLock.unlock();
    }
  }

  private interface LockedWork<R> {
    R run() throws IOException;
  }

  /**
   * Runs {@code work} in one transaction that gives up at {@code deadline} (a {@link
   * System#nanoTime()} value): it waits for a pooled connection, another process's SQLite lock
   * ({@code busy_timeout}) and a PostgreSQL statement or lock ({@code statement_timeout}, and a
   * network timeout for a server that went silent) only until then. Whatever fails before the
   * {@code COMMIT} is sent rolls back and throws a {@link RowNotWrittenException}; a failing {@code
   * COMMIT} leaves the outcome unknown and throws a plain {@link IOException}.
   */
  private <R> R write(String what, long deadline, Work<R> work) throws IOException {
    checkOpen();
    if (deadline - System.nanoTime() <= 0) {
      throw gaveUp(what);
    }
    Handle handle;
    try {
      handle = jdbi.open(); // waits for a pooled connection no longer than the pool's time-out
    } catch (JdbiException e) {
      throw notWritten(what, e);
    }
    int previousNetworkTimeout = -1;
    boolean applied = false;
    try {
      R result;
      try {
        long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remainingMillis < 1) {
          throw gaveUp(what);
        }
        applied = true;
        previousNetworkTimeout = applyWriteSettings(handle, remainingMillis);
        handle.begin();
        if (dialect == Dialect.POSTGRESQL) {
          // Scoped to this transaction, so a caller's pooled connection keeps its own setting.
          handle.execute("SET LOCAL statement_timeout = " + remainingMillis);
        }
        result = work.run(handle);
      } catch (JdbiException | SQLException | IllegalArgumentException e) {
        rollbackQuietly(handle);
        throw notWritten(what, e);
      }
      try {
        handle.commit();
      } catch (JdbiException e) {
        throw failure(what, e); // the commit may have reached the database: outcome unknown
      }
      return result;
    } finally {
      if (applied) {
        restoreWriteSettings(handle, previousNetworkTimeout);
      }
      closeQuietly(handle);
    }
  }

  /**
   * Sets one connection up for a write with {@code remainingMillis} left: SQLite waits for another
   * process's lock only that long ({@code busy_timeout}); PostgreSQL gives up on a server that went
   * silent a margin after that (the network timeout; its statement timeout fires first whenever
   * it can still answer). Returns the network timeout to put back, or -1.
   */
  private int applyWriteSettings(Handle handle, long remainingMillis) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      prepare(handle);
      handle.execute("PRAGMA busy_timeout = " + Math.min(OwnedPools.busyTimeoutMillis(busyTimeout), remainingMillis));
      return -1;
    }
    Connection connection = handle.getConnection();
    int previous = connection.getNetworkTimeout();
    long silence = remainingMillis + DEAD_CONNECTION_MARGIN.toMillis();
    connection.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, silence));
    return previous;
  }

  /** Puts back what {@link #applyWriteSettings} changed; a connection where that fails is aborted. */
  private void restoreWriteSettings(Handle handle, int previousNetworkTimeout) {
    try {
      if (dialect == Dialect.SQLITE) {
        handle.execute("PRAGMA busy_timeout = " + OwnedPools.busyTimeoutMillis(busyTimeout));
      } else if (previousNetworkTimeout >= 0) {
        handle.getConnection().setNetworkTimeout(Runnable::run, previousNetworkTimeout);
      }
    } catch (JdbiException | SQLException e) {
      // It must not serve another caller with this write's short time-outs: abort it, so that its
      // pool replaces it (best effort: a driver may not support abort).
      try {
        handle.getConnection().abort(Runnable::run);
      } catch (SQLException | RuntimeException ignored) {
        // the connection is broken anyway
      }
    }
  }

  private static void rollbackQuietly(Handle handle) {
    try {
      if (handle.isInTransaction()) {
        handle.rollback();
      }
    } catch (JdbiException e) {
      // the connection broke: the database rolls the transaction back itself
    }
  }

  private static void closeQuietly(Handle handle) {
    try {
      handle.close();
    } catch (JdbiException e) {
      // a broken connection: its pool replaces it
    }
  }

  private RowNotWrittenException gaveUp(String what) {
    return new RowNotWrittenException("gave up after waiting " + writeTimeout
        + " to write to the metadata store (" + what + ")", null);
  }

  private static RowNotWrittenException notWritten(String what, Exception e) {
    return new RowNotWrittenException("metadata store failure, nothing written (" + what + "): " + e.getMessage(), e);
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
    private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
    private int maximumPoolSize = 0;
    private boolean existingSchemaOnly;

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

    /** Opens (creating if missing, owner-only) this SQLite file through a pool the store owns. */
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
     * How long a SQLite statement waits for another process's write lock before failing; default 30
     * seconds. A {@code create} or {@code delete} waits no longer than the {@linkplain #writeTimeout
     * write timeout} all the same. Ignored for PostgreSQL.
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
     * The longest a {@code create} or {@code delete} waits in total before it fails with an {@link
     * IOException} (a {@link RowNotWrittenException} when nothing was written); default 10 seconds
     * ({@link JdbiArtifactStore#DEFAULT_WRITE_TIMEOUT}). It covers every wait of the call but one:
     * this store's queue of writers and its SQLite write lock, another process's SQLite lock, a
     * PostgreSQL lock or statement ({@code statement_timeout}), and a PostgreSQL server that stopped
     * answering (given up a few seconds later). The one it cannot cut short is the wait for a
     * pooled connection, which is the pool's own time-out: a pool the store builds waits no longer
     * than this write timeout (at least 250 ms, HikariCP's least, for reads too), so a call waits at
     * most about twice it when the pool is exhausted too; a caller's pool keeps its own. A failed
     * group of rows is retried row by row only within each row's own time, so no other wait adds up
     * to a multiple of it. Keep it well below a minute: a deposit whose row takes {@code
     * GarbageCollector.DEPOSIT_ROW_DEADLINE} fails anyway.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder writeTimeout(Duration writeTimeout) {
      requireNonNull(writeTimeout, "writeTimeout");
      if (writeTimeout.isNegative() || writeTimeout.toMillis() < 1) {
        throw new IllegalArgumentException("writeTimeout must be at least 1 ms: " + writeTimeout);
      }
      this.writeTimeout = writeTimeout;
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
     * Opens only a database that already holds this release's schema: a SQLite file must exist
     * (none is created) and {@link #build()} checks the schema version instead of migrating,
     * failing when the database holds no schema of this library or another version. For tools
     * that work on existing artifacts (garbage collection, a scrub), so that a mistyped URL or an
     * old database is refused rather than read as an empty store. Off by default.
     */
    public Builder existingSchemaOnly() {
      this.existingSchemaOnly = true;
      return this;
    }

    /**
     * Connects, migrates the schema (or with {@link #existingSchemaOnly()} checks it) and returns
     * the store.
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
      if (existingSchemaOnly && sqliteFile != null && !Files.isRegularFile(sqliteFile)) {
        throw new IOException("no metadata database at " + sqliteFile);
      }
      HikariDataSource owned = null;
      if (sqliteFile != null) {
        owned = OwnedPools.sqlite(sqliteFile, busyTimeout, writeTimeout, maximumPoolSize > 0 ? maximumPoolSize : 4);
      } else if (postgresUrl != null) {
        owned = OwnedPools.postgres(postgresUrl, writeTimeout, maximumPoolSize > 0 ? maximumPoolSize : 10);
      }
      Jdbi target = jdbi != null ? jdbi : Jdbi.create(owned != null ? owned : dataSource);
      try {
        Dialect dialect = target.withHandle(handle -> Dialect.of(handle.getConnection()));
        JdbiArtifactStore store = new JdbiArtifactStore(target, dialect, names, owned, busyTimeout, writeTimeout);
        if (existingSchemaOnly) {
          store.requireCurrentSchema();
        } else {
          store.migrate();
        }
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

  private void requireCurrentSchema() throws IOException {
    int version;
    try {
      version = jdbi.withHandle(handle -> {
        try {
          return Migrations.currentVersion(handle.getConnection(), names);
        } catch (SQLException e) {
          throw new MigrationFailure(e);
        }
      });
    } catch (MigrationFailure e) {
      throw new IOException("cannot read the metadata schema version: " + e.getCause().getMessage(), e.getCause());
    }
    if (version == 0) {
      throw new IOException("the database holds no eden-artifacts metadata (no " + names.schemaVersion()
          + " table): is it the servers' metadata database?");
    }
    if (version != Migrations.LATEST) {
      throw new IOException("the metadata schema is at version " + version + ", this release works on version "
          + Migrations.LATEST + ": use the release the servers run");
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
