package dev.eden.artifacts.jdbc;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Prints the sustained {@code create} rate of {@link JdbiArtifactStore} for 1 and 8 threads on
 * SQLite (a temp file, WAL, synchronous=FULL) and on PostgreSQL (from {@code
 * EDEN_TEST_POSTGRES_URL}, in a throw-away schema). Creates per thread: system property {@code
 * eden.bench.creates} (default 1000). Not a test: numbers depend on the machine's fsync latency.
 */
public final class CreateRateBenchmark {
  private static final int[] THREADS = {1, 8};

  private CreateRateBenchmark() {}

  public static void main(String[] args) throws Exception {
    int perThread = Integer.getInteger("eden.bench.creates", 1000);
    Path dir = Files.createTempDirectory("eden-create-rate");
    try {
      for (int threads : THREADS) {
        Path file = dir.resolve("metadata-" + threads + ".db");
        try (JdbiArtifactStore store = JdbiArtifactStore.sqlite(file)) {
          run("sqlite", store, threads, perThread);
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }

    String url = System.getenv(PostgresTestDatabase.URL_VARIABLE);
    if (url == null || url.isBlank()) {
      System.out.println(
          "postgresql skipped: set "
              + PostgresTestDatabase.URL_VARIABLE
              + " (export "
              + PostgresTestDatabase.URL_VARIABLE
              + "=$(bash .ci/start-postgres))");
      return;
    }
    String schema = "eden_bench_" + Long.toHexString(System.nanoTime());
    try (Connection admin = DriverManager.getConnection(url);
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
      try {
        for (int threads : THREADS) {
          try (JdbiArtifactStore store =
              JdbiArtifactStore.builder()
                  .postgresUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema)
                  .tablePrefix("bench" + threads + "_")
                  .maximumPoolSize(8)
                  .build()) {
            run("postgresql", store, threads, perThread);
          }
        }
      } finally {
        statement.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }

  private static void run(String database, JdbiArtifactStore store, int threads, int perThread)
      throws Exception {
    ExperimentId experiment = ExperimentId.mint();
    for (int i = 0; i < 200; i++) { // warm-up: JIT, pool, page cache
      store.create(TestRows.row(experiment, Instant.now()));
    }
    List<List<ArtifactMetadata>> work = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<ArtifactMetadata> rows = new ArrayList<>();
      for (int i = 0; i < perThread; i++) {
        rows.add(TestRows.row(experiment, Instant.now()));
      }
      work.add(rows);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (List<ArtifactMetadata> rows : work) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                for (ArtifactMetadata row : rows) {
                  store.create(row);
                }
                return null;
              }));
    }
    long began = System.nanoTime();
    start.countDown();
    for (Future<?> future : futures) {
      future.get();
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    pool.shutdown();
    int creates = threads * perThread;
    System.out.println(
        String.format(
            Locale.ROOT,
            "%-10s threads=%d creates=%d seconds=%.2f rate=%.0f creates/s",
            database,
            threads,
            creates,
            seconds,
            creates / seconds));
  }
}
