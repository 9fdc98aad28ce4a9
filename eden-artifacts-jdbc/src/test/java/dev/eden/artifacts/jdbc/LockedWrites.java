package dev.eden.artifacts.jdbc;

import static dev.eden.artifacts.jdbc.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.spi.RowNotWrittenException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Creates from several threads at once while the caller's other connection holds a lock the
 * store's writes need: each must give up within the store's write timeout (plus slack) with a
 * {@link RowNotWrittenException}, and none of the rows may be there afterwards.
 */
final class LockedWrites {
  /** Scheduling and the last statement's overrun on a loaded 2-core machine. */
  static final Duration SLACK = Duration.ofMillis(1500);

  private LockedWrites() {}

  /** The rows tried; each call's wait is checked against {@code writeTimeout} here. */
  static List<ArtifactMetadata> createsGiveUpWithinTheWriteTimeout(
      JdbiArtifactStore store, Duration writeTimeout, int threads) throws Exception {
    ExperimentId experiment = ExperimentId.mint();
    List<ArtifactMetadata> rows = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      rows.add(row(experiment, Instant.parse("2026-01-01T00:00:00Z").plusMillis(i)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Object>> outcomes = new ArrayList<>();
      for (ArtifactMetadata row : rows) {
        outcomes.add(pool.submit(() -> {
          start.await();
          long began = System.nanoTime();
          try {
            store.create(row);
            return "written";
          } catch (Exception e) {
            return new Object[] {e, Duration.ofNanos(System.nanoTime() - began)};
          }
        }));
      }
      start.countDown();
      for (Future<Object> outcome : outcomes) {
        Object result = outcome.get(writeTimeout.plus(SLACK).multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(result).as("a create while the lock is held").isInstanceOf(Object[].class);
        Object[] failure = (Object[]) result;
        assertThat(failure[0]).isInstanceOf(RowNotWrittenException.class);
        assertThat((Duration) failure[1]).as("the wait of one create").isLessThan(writeTimeout.plus(SLACK));
      }
    } finally {
      pool.shutdownNow();
    }
    return rows;
  }
}
