package dev.eden.artifacts.checks.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.checks.reliability.DepositLoad.Attempt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 3, the metadata database unavailable, against the runnable jar: the SQLite file locked
 * by another process for longer than the server's {@code --metadata-write-timeout}, and a private
 * PostgreSQL cluster stopped ({@code -m immediate}) in the middle of a deposit load and started
 * again. Affected deposits fail with a 500 problem in bounded time, nothing half-stored stays
 * visible, and deposits succeed again without a restart of the server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetadataOutageIT {
  private static final String SCENARIO = "metadata outage";
  /** The server's --metadata-write-timeout here. */
  private static final Duration BOUND = Duration.ofSeconds(2);
  /** Scheduling, fsync and the response on a loaded 2-core machine. */
  private static final Duration SLACK = Duration.ofMillis(1500);
  private static final int CLIENTS = 4;
  private static final int ROUNDS = Campaign.scale(1, 5);
  /** Over twice the bound, so that some deposits begin and give up wholly inside the outage. */
  private static final Duration OUTAGE = BOUND.multipliedBy(2).plusSeconds(1);
  private static final Duration WARM_UP = Duration.ofSeconds(1);
  private static final Duration STEADY = Duration.ofSeconds(1);
  /** SQLite: deposits go on at once when the lock goes. */
  private static final Duration SQLITE_RECOVERY = SLACK;
  /**
   * PostgreSQL: the pool reconnects in the background, with back-off between failed attempts
   * (HikariCP waits up to 5 s), and a deposit waits for it at most the bound.
   */
  private static final Duration POSTGRES_RECOVERY = Duration.ofSeconds(5).plus(BOUND).plus(SLACK);

  /** The private cluster, set up in the background while the SQLite scenario runs. */
  private static CompletableFuture<PrivatePostgres> postgresCluster;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgresInTheBackground() {
    postgresCluster = CompletableFuture.supplyAsync(() -> {
      long initialising = System.nanoTime();
      try {
        PrivatePostgres postgres = PrivatePostgres.start();
        Campaign.figure(SCENARIO, "postgres: private cluster initialised and started in "
            + (System.nanoTime() - initialising) / 1_000_000 + " ms (in the background)");
        return postgres;
      } catch (IOException | InterruptedException | SQLException e) {
        throw new CompletionException(e);
      }
    });
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    PrivatePostgres postgres = postgresCluster.exceptionally(failure -> null).join();
    if (postgres != null) {
      postgres.close();
    }
  }

  /** The cluster; a failure or a skip of its set-up (see {@link PrivatePostgres#start}) passes on as it was. */
  private static PrivatePostgres postgres() throws Exception {
    try {
      return postgresCluster.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  @Test
  @Order(1) // first, while the PostgreSQL cluster is set up in the background
  void sqliteLockedByAnotherProcessFailsDepositsWithinTheBoundAndRecovers() throws Exception {
    Path data = dir.resolve("data");
    try (RunnableServer server = RunnableServer.start(List.of("-Xmx128m"), Map.of(),
        "--data-dir", data.toString(), "--port", "0", "--access-log", "off",
        "--metadata-write-timeout", BOUND.toString())) {
      String bearer = RunnableServer.addWorker(Map.of(), "--data-dir", data.toString());
      List<Long> recoveries = new ArrayList<>();
      List<long[]> outages = new ArrayList<>();
      DepositLoad load = new DepositLoad(server.baseUri, server.experimentId(), bearer)
          .warmUp(Duration.ofSeconds(60)).start(CLIENTS);
      try (load) {
        Thread.sleep(WARM_UP.toMillis());
        for (int round = 0; round < ROUNDS; round++) {
          long locked;
          long released;
          try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("metadata.db"));
              Statement statement = other.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 10000");
            statement.execute("BEGIN EXCLUSIVE"); // the write lock, held by this JVM
            locked = System.nanoTime();
            Thread.sleep(OUTAGE.toMillis());
            statement.execute("ROLLBACK");
            released = System.nanoTime();
          }
          outages.add(new long[] {locked, released});
          long recovered = load.firstCreatedAfter(released, Duration.ofSeconds(30));
          assertThat(recovered).as("a deposit succeeded after the lock was released").isPositive();
          recoveries.add(recovered - released);
          Thread.sleep(STEADY.toMillis());
        }
      }
      List<Attempt> attempts = load.attempts();
      Set<String> rows = ids(DriverManager.getConnection("jdbc:sqlite:" + data.resolve("metadata.db")));
      Set<String> created = createdIds(attempts);
      Set<String> blobs = blobIds(data.resolve("blobs"));
      int checked = checkBytes(load, attempts);
      report("sqlite", attempts, outages, recoveries, rows.size(), orphans(blobs, rows), checked);

      checkAnswers(attempts, BOUND.plus(SLACK));
      checkFailedWhileUnavailable(attempts, outages);
      assertThat(recoveries).allSatisfy(n -> assertThat(Duration.ofNanos(n)).isLessThan(SQLITE_RECOVERY));
      // A deposit that waited out the bound wrote no row and its undo deleted its blob at once.
      assertThat(rows).as("rows = deposits answered 201").isEqualTo(created);
      assertThat(blobs).as("blobs = rows (no orphan, nothing half-written)").isEqualTo(rows);
      assertThat(temps(data.resolve("blobs"))).as("temp files left").isZero();
    }
  }

  @Test
  @Order(2)
  void postgresStoppedMidLoadFailsDepositsCleanlyAndRecoversWithoutARestart() throws Exception {
    PrivatePostgres postgres = postgres();
    Path data = dir.resolve("data");
    String db = postgres.jdbcUrl();
    // Enrolled in the database while the server starts (both migrate it safely at once).
    CompletableFuture<String> enrolled = CompletableFuture.supplyAsync(() -> {
      try {
        return RunnableServer.addWorker(Map.of(), "--db", db);
      } catch (IOException | InterruptedException e) {
        throw new CompletionException(e);
      }
    });
    try (RunnableServer server = RunnableServer.start(List.of("-Xmx128m"), Map.of(),
        "--data-dir", data.toString(), "--db", db, "--port", "0", "--access-log", "off",
        "--metadata-write-timeout", BOUND.toString())) {
      String bearer = enrolled.join();
      List<Long> recoveries = new ArrayList<>();
      List<long[]> outages = new ArrayList<>();
      DepositLoad load = new DepositLoad(server.baseUri, server.experimentId(), bearer)
          .warmUp(Duration.ofSeconds(60)).start(CLIENTS);
      try (load) {
        Thread.sleep(WARM_UP.toMillis());
        for (int round = 0; round < ROUNDS; round++) {
          postgres.stopImmediately();
          long stopped = System.nanoTime();
          Thread.sleep(OUTAGE.toMillis());
          long restarting = System.nanoTime();
          postgres.startAgain();
          long back = System.nanoTime();
          outages.add(new long[] {stopped, restarting});
          long recovered = load.firstCreatedAfter(back, Duration.ofSeconds(30));
          assertThat(recovered).as("a deposit succeeded after the database came back").isPositive();
          recoveries.add(recovered - back);
          Thread.sleep(STEADY.toMillis());
        }
      }
      List<Attempt> attempts = load.attempts();
      Set<String> rows = ids(DriverManager.getConnection(db));
      Set<String> created = createdIds(attempts);
      Set<String> blobs = blobIds(data.resolve("blobs"));
      int checked = checkBytes(load, attempts);
      Set<String> unacknowledged = new HashSet<>(rows);
      unacknowledged.removeAll(created);
      report("postgres", attempts, outages, recoveries, rows.size(), orphans(blobs, rows), checked);
      Campaign.figure(SCENARIO, "postgres: rows committed whose deposit failed (bytes kept, consistent): "
          + unacknowledged.size());

      // Here a deposit may meet the database twice: for its row, and either in the authenticator's
      // periodic re-check of the database's worker registry (one request at a time) or in the
      // undo of a commit the stop cut off (its outcome unknown, the row is deleted too); each
      // wait is bounded.
      checkAnswers(attempts, BOUND.multipliedBy(2).plus(SLACK));
      checkFailedWhileUnavailable(attempts, outages);
      assertThat(recoveries).allSatisfy(n -> assertThat(Duration.ofNanos(n)).isLessThan(POSTGRES_RECOVERY));
      assertThat(rows).as("every 201 has its row").containsAll(created);
      assertThat(blobs).as("every row has its blob").containsAll(rows);
      assertThat(temps(data.resolve("blobs"))).as("temp files left").isZero();
    }
  }

  /** Every answer is a 201 or a 500 problem of type internal, none a transport failure, none slower than {@code limit}. */
  private static void checkAnswers(List<Attempt> attempts, Duration limit) {
    assertThat(attempts.stream().filter(a -> !a.warmUp())).allSatisfy(a -> {
      assertThat(a.status()).as("status of %s", a).isIn(201, 500);
      if (a.status() == 500) {
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.uriOrProblemType()).isEqualTo("eden://error/internal");
      }
      assertThat(a.took()).as("wait of %s", a).isLessThanOrEqualTo(limit);
    });
  }

  /** Deposits that began after an outage began and ended before it was over all failed; there were some. */
  private static void checkFailedWhileUnavailable(List<Attempt> attempts, List<long[]> outages) {
    for (long[] outage : outages) {
      assertThat(during(attempts, outage)).as("deposits made while the database was unavailable").isNotEmpty()
          .allSatisfy(a -> assertThat(a.status()).isEqualTo(500));
    }
  }

  private static List<Attempt> during(List<Attempt> attempts, long[] outage) {
    return attempts.stream().filter(a -> a.began() >= outage[0] && a.ended() <= outage[1]).toList();
  }

  private static int orphans(Set<String> blobs, Set<String> rows) {
    Set<String> orphans = new HashSet<>(blobs);
    orphans.removeAll(rows);
    return orphans.size();
  }

  /** Fetches the 201s' artifacts (all in the long form, a sample of 300 in the short) and compares bytes. */
  private static int checkBytes(DepositLoad load, List<Attempt> attempts) throws IOException {
    List<Attempt> created = new ArrayList<>(attempts.stream().filter(Attempt::created).toList());
    Collections.shuffle(created, new Random(17));
    List<Attempt> sample = created.subList(0, Math.min(created.size(), Campaign.scale(300, Integer.MAX_VALUE)));
    for (Attempt a : sample) {
      assertThat(load.fetch(a.uriOrProblemType())).as("bytes of %s", a).isEqualTo(DepositLoad.bytes(a.seed(), a.size()));
    }
    return sample.size();
  }

  private static void report(String database, List<Attempt> attempts, List<long[]> outages, List<Long> recoveries,
      int rows, int orphans, int checked) {
    List<Duration> failed = attempts.stream().filter(a -> a.status() == 500).map(Attempt::took).sorted().toList();
    List<Duration> all = attempts.stream().filter(a -> !a.warmUp()).map(Attempt::took).sorted().toList();
    Campaign.figure(SCENARIO, database + ": " + ROUNDS + " outage(s), " + attempts.size() + " deposits by "
        + CLIENTS + " clients, " + (attempts.size() - failed.size()) + " answered 201, " + failed.size()
        + " answered 500 (bound " + BOUND.toMillis() + " ms)");
    Campaign.figure(SCENARIO, database + ": waits of the failed deposits p50 " + millis(percentile(failed, 50))
        + " ms, p99 " + millis(percentile(failed, 99)) + " ms, max " + millis(percentile(failed, 100))
        + " ms; of all deposits max " + millis(percentile(all, 100)) + " ms");
    for (long[] outage : outages) {
      List<Attempt> overlapping = attempts.stream().filter(a -> a.ended() >= outage[0] && a.began() <= outage[1]).toList();
      Campaign.figure(SCENARIO, database + ": outage of " + (outage[1] - outage[0]) / 1_000_000 + " ms: "
          + overlapping.size() + " deposits overlapped it (" + overlapping.stream().filter(a -> a.status() == 500).count()
          + " answered 500), " + during(attempts, outage).size() + " lay wholly inside it; longest wait "
          + overlapping.stream().map(Attempt::took).max(Duration::compareTo).orElse(Duration.ZERO).toMillis() + " ms");
    }
    Campaign.figure(SCENARIO, database + ": recovery (outage over -> first 201 of a deposit begun after) "
        + recoveries.stream().map(n -> n / 1_000_000 + " ms").collect(Collectors.joining(", ")));
    Campaign.figure(SCENARIO, database + ": " + rows + " rows, " + orphans + " orphan blob(s), "
        + checked + " artifacts fetched byte-exact");
  }

  private static Duration percentile(List<Duration> sorted, int p) {
    if (sorted.isEmpty()) {
      return Duration.ZERO;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static long millis(Duration d) {
    return d.toMillis();
  }

  private static Set<String> createdIds(List<Attempt> attempts) {
    return attempts.stream().filter(Attempt::created).map(Attempt::id).collect(Collectors.toSet());
  }

  private static Set<String> ids(Connection connection) throws SQLException {
    try (connection;
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT artifact_id FROM eden_artifacts")) {
      Set<String> ids = new HashSet<>();
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
      return ids;
    }
  }

  /** The committed blobs of the file backend: {@code <root>/<first two hex digits>/<id>}. */
  private static Set<String> blobIds(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root, 2)) {
      return files.filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().startsWith("."))
          .map(f -> f.getFileName().toString())
          .collect(Collectors.toSet());
    }
  }

  private static long temps(Path root) throws IOException {
    try (Stream<Path> files = Files.list(root)) {
      return files.filter(f -> f.getFileName().toString().startsWith(".tmp-")).count();
    }
  }
}
