package dev.eden.artifacts.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteDataSource;

/** Connection pools the store builds (and therefore owns and closes) for its convenience factories. Not API. */
public final class OwnedPools {
  private OwnedPools() {}

  /**
   * A pool on the SQLite file {@code file} (created owner-only, with its parent directories, if
   * missing). Every
   * connection uses WAL, {@code synchronous=FULL} so that a commit is on disk before it returns,
   * and a busy timeout so that a writer in another process makes us wait instead of fail.
   */
  public static HikariDataSource sqlite(Path file, Duration busyTimeout, Duration connectionTimeout,
      int maximumPoolSize) throws IOException {
    requireDriver("org.sqlite.SQLiteDataSource", "org.xerial:sqlite-jdbc");
    Path absolute = file.toAbsolutePath();
    if (absolute.getParent() != null) {
      Files.createDirectories(absolute.getParent());
    }
    createOwnerOnlyIfMissing(absolute);
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(busyTimeoutMillis(busyTimeout));
    SQLiteDataSource dataSource = new SQLiteDataSource(config);
    dataSource.setUrl("jdbc:sqlite:" + absolute);
    HikariConfig pool = new HikariConfig();
    pool.setPoolName("eden-artifacts-sqlite");
    pool.setDataSource(dataSource);
    pool.setMaximumPoolSize(maximumPoolSize);
    pool.setConnectionTimeout(connectionTimeoutMillis(connectionTimeout));
    return openWaitingForOtherOpeners(pool, busyTimeout);
  }

  /**
   * Opens the pool, retrying for up to {@code busyTimeout} while SQLite says the file is busy. The
   * busy timeout does not cover opening: while another process turns a new file to WAL, SQLite
   * answers {@code SQLITE_BUSY} at once instead of waiting, so several instances starting on one
   * new file would fail. The waits grow from 10 ms to 200 ms, with jitter so openers spread out.
   */
  private static HikariDataSource openWaitingForOtherOpeners(HikariConfig pool, Duration busyTimeout)
      throws IOException {
    long deadline = System.nanoTime() + busyTimeout.toNanos();
    long waitMillis = 10;
    while (true) {
      try {
        return open(pool);
      } catch (IOException e) {
        if (!isBusy(e) || System.nanoTime() + waitMillis * 1_000_000 > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(ThreadLocalRandom.current().nextLong(waitMillis / 2, waitMillis + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the SQLite file to be free");
      }
      waitMillis = Math.min(200, waitMillis * 2);
    }
  }

  private static boolean isBusy(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException sqlite
          && (sqlite.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_BUSY.code) {
        return true;
      }
    }
    return false;
  }

  /**
   * Creates {@code file} empty with mode 0600 unless it exists; SQLite treats an empty file as a
   * new database. SQLite would create it with 0644 (less the umask), and it gives the {@code
   * -wal}, {@code -shm} and {@code -journal} files it makes later the database file's own mode
   * (its unix VFS copies the mode with {@code fchmod}), so owner-only here means owner-only for
   * all of them, with no moment in which any is readable by others. The mode is set as the file
   * is created, not changed afterwards. An existing file keeps the mode its owner gave it.
   */
  private static void createOwnerOnlyIfMissing(Path file) throws IOException {
    if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      // an existing database: its owner chose its mode
    }
  }

  /**
   * A pool on the PostgreSQL database at {@code jdbcUrl}; fails fast if it cannot connect once. A
   * caller waits at most {@code connectionTimeout} for a connection (HikariCP's default is 30 s),
   * so a database that is down fails requests in bounded time; while it is down the pool keeps
   * trying to connect in the background, so it serves again soon after the database is back.
   */
  public static HikariDataSource postgres(String jdbcUrl, Duration connectionTimeout, int maximumPoolSize)
      throws IOException {
    requireDriver("org.postgresql.Driver", "org.postgresql:postgresql");
    HikariConfig pool = new HikariConfig();
    pool.setPoolName("eden-artifacts-postgres");
    pool.setJdbcUrl(jdbcUrl);
    pool.setMaximumPoolSize(maximumPoolSize);
    pool.setConnectionTimeout(connectionTimeoutMillis(connectionTimeout));
    return open(pool);
  }

  /** HikariCP refuses less than 250 ms. */
  private static long connectionTimeoutMillis(Duration connectionTimeout) {
    return Math.max(250, connectionTimeout.toMillis());
  }

  public static int busyTimeoutMillis(Duration busyTimeout) {
    return (int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis());
  }

  /**
   * The drivers are optional dependencies of this module: an application adds the one it uses. A
   * missing one is a clear {@link IOException} here rather than a {@link NoClassDefFoundError} or
   * Hikari's "no suitable driver" later.
   */
  private static void requireDriver(String driverClass, String coordinates) throws IOException {
    try {
      Class.forName(driverClass, false, OwnedPools.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IOException("the JDBC driver " + driverClass + " is not on the classpath: add the dependency "
          + coordinates + " (eden-artifacts-jdbc leaves the choice of driver to the application)", e);
    }
  }

  private static HikariDataSource open(HikariConfig pool) throws IOException {
    try {
      return new HikariDataSource(pool);
    } catch (RuntimeException e) {
      // Hikari reports an unreachable database at start-up as an unchecked exception.
      throw new IOException("cannot open connection pool " + pool.getPoolName() + ": " + e.getMessage(), e);
    }
  }
}
