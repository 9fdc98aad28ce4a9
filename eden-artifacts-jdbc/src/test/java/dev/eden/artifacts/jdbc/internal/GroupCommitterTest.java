package dev.eden.artifacts.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import dev.eden.artifacts.spi.RowNotWrittenException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupCommitterTest {
  private final ReentrantLock lock = new ReentrantLock(true);
  private final ExecutorService callers = Executors.newCachedThreadPool();

  /** An in-memory "table" of unique keys; "bad" rows fail, and so does any batch holding one. */
  private final Set<String> table = ConcurrentHashMap.newKeySet();

  private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
  private final List<String> singles = Collections.synchronizedList(new ArrayList<>());

  private final GroupCommitter<String> committer = committer(256);

  @AfterEach
  void stopCallers() {
    callers.shutdownNow();
  }

  private GroupCommitter<String> committer(int maxGroup) {
    return new GroupCommitter<>(
        lock,
        maxGroup,
        Duration.ofSeconds(20),
        (rows, deadline) -> {
          batches.add(List.copyOf(rows));
          if (rows.stream().anyMatch(r -> r.startsWith("bad"))) {
            throw new IOException("batch rejected: a row is bad");
          }
          List<Boolean> inserted = new ArrayList<>();
          for (String row : rows) {
            inserted.add(table.add(row));
          }
          return inserted;
        },
        (row, deadline) -> {
          singles.add(row);
          if (row.startsWith("bad")) {
            throw new IOException("bad row " + row);
          }
          return table.add(row);
        });
  }

  @Test
  void aLoneRowIsWrittenOnItsOwnWithoutABatch() throws IOException {
    assertThat(committer.submit("a")).isTrue();

    assertThat(batches).isEmpty();
    assertThat(singles).containsExactly("a");
    assertThat(table).containsExactly("a");
  }

  @Test
  void anExistingKeyIsReportedAsNotInserted() throws IOException {
    committer.submit("a");

    assertThat(committer.submit("a")).isFalse();
  }

  @Test
  void rowsQueuedWhileTheLockIsHeldAreWrittenInOneBatch() throws Exception {
    List<Future<Boolean>> outcomes = submitWhileLocked("a", "b", "c");

    assertThat(results(outcomes)).containsExactly(true, true, true);
    assertThat(batches).hasSize(1);
    assertThat(batches.get(0)).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(singles).isEmpty();
  }

  @Test
  void duplicatesInsideABatchAreReportedPerRow() throws Exception {
    table.add("b");

    List<Future<Boolean>> outcomes = submitWhileLocked("a", "b", "c");

    assertThat(results(outcomes)).containsExactly(true, false, true);
    assertThat(batches).hasSize(1);
  }

  @Test
  void aFailedBatchIsRetriedRowByRowSoOnlyTheBadRowFails() throws Exception {
    List<Future<Boolean>> outcomes = submitWhileLocked("a", "bad-1", "c");

    assertThat(outcomes.get(0).get()).isTrue();
    assertThat(outcomes.get(2).get()).isTrue();
    assertThatThrownBy(() -> outcomes.get(1).get())
        .hasCauseInstanceOf(IOException.class)
        .cause()
        .hasMessage("bad row bad-1");
    assertThat(batches).hasSize(1);
    assertThat(singles).containsExactlyInAnyOrder("a", "bad-1", "c");
    assertThat(table).containsExactlyInAnyOrder("a", "c");
  }

  @Test
  void aRuntimeFailureOfOneRowFailsOnlyThatRowsCaller() throws Exception {
    GroupCommitter<String> throwing =
        new GroupCommitter<>(
            lock,
            256,
            Duration.ofSeconds(20),
            (rows, deadline) -> {
              throw new IllegalStateException("batch broke");
            },
            (row, deadline) -> {
              if (row.equals("b")) {
                throw new IllegalStateException("row broke");
              }
              return table.add(row);
            });
    List<Future<Boolean>> outcomes = submitWhileLocked(throwing, "a", "b");

    assertThat(outcomes.get(0).get()).isTrue();
    assertThatThrownBy(() -> outcomes.get(1).get())
        .hasCauseInstanceOf(IOException.class)
        .cause()
        .hasMessage("row broke");
  }

  @Test
  void aGroupIsCappedAtMaxGroupRows() throws Exception {
    GroupCommitter<String> small = committer(2);
    List<Future<Boolean>> outcomes = submitWhileLocked(small, "a", "b", "c");

    assertThat(results(outcomes)).containsExactly(true, true, true);
    assertThat(batches).hasSize(1);
    assertThat(batches.get(0)).hasSize(2);
    assertThat(singles).hasSize(1);
    assertThat(singles.get(0)).isNotIn(batches.get(0));
    assertThat(table).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void aCallerWhoseRowIsNotInTheFirstGroupKeepsWritingUntilItsRowIsWritten() throws Exception {
    GroupCommitter<String> one = committer(1);
    lock.lock(); // the lock is reentrant: this thread's own submit gets it at once
    Future<Boolean> queuedFirst;
    try {
      queuedFirst = submitAll(one, "a").get(0);

      // "a" is ahead of "m" in the queue, so the first group of one row is "a", not "m".
      assertThat(one.submit("m")).isTrue();
    } finally {
      lock.unlock();
    }

    assertThat(queuedFirst.get()).isTrue();
    assertThat(singles).containsExactly("a", "m");
    assertThat(table).containsExactlyInAnyOrder("a", "m");
  }

  @Test
  void aCallerInterruptedWhileQueuedWritesNothing() throws Exception {
    lock.lock();
    Future<Boolean> outcome;
    try {
      outcome = callers.submit(() -> committer.submit("a"));
      awaitQueuedOnLock(1);
      outcome.cancel(true);
      awaitQueuedOnLock(0);
    } finally {
      lock.unlock();
    }

    assertThat(committer.submit("b")).isTrue();
    assertThat(table).containsExactly("b");
    assertThat(singles).containsExactly("b");
  }

  @Test
  void anInterruptedCallerSeesInterruptedIOException() throws Exception {
    lock.lock();
    try {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> committer.submit("a"))
          .isInstanceOf(InterruptedIOException.class)
          .hasMessage("interrupted before writing a");
      assertThat(Thread.interrupted()).isTrue();
    } finally {
      lock.unlock();
    }
    assertThat(table).isEmpty();
  }

  @Test
  void aCallerQueuedBehindAWriterLongerThanMaxWaitGivesUpAndItsRowIsNeverWritten() throws Exception {
    GroupCommitter<String> bounded = boundedByLock(Duration.ofMillis(300));
    lock.lock(); // a write that takes longer than maxWait
    Future<Boolean> outcome;
    long started = System.nanoTime();
    try {
      outcome = callers.submit(() -> bounded.submit("a"));
      assertThatThrownBy(outcome::get)
          .cause()
          .isInstanceOf(RowNotWrittenException.class)
          .hasMessageContaining("gave up after waiting PT0.3S");
    } finally {
      lock.unlock();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(3));

    assertThat(bounded.submit("b")).isTrue();
    assertThat(table).containsExactly("b");
  }

  @Test
  void aBatchThatFailsAtItsDeadlineIsNotRetriedRowByRowPastTheRowsDeadlines() throws Exception {
    // A database locked by another process: every write waits until the deadline it is handed,
    // then fails. Before, each row of a failed batch was retried with the full wait again, so the
    // last caller of a group of n waited (n + 1) times the bound.
    Duration maxWait = Duration.ofMillis(400);
    List<Long> deadlines = Collections.synchronizedList(new ArrayList<>());
    GroupCommitter<String> locked = new GroupCommitter<>(lock, 256, maxWait,
        (rows, deadline) -> {
          deadlines.add(deadline);
          sleepUntil(deadline);
          throw new IOException("database is locked");
        },
        (row, deadline) -> {
          singles.add(row);
          deadlines.add(deadline);
          sleepUntil(deadline);
          throw new IOException("database is locked");
        });
    long started = System.nanoTime();
    List<Future<Boolean>> outcomes = submitWhileLocked(locked, "a", "b", "c", "d");
    for (Future<Boolean> outcome : outcomes) {
      assertThatThrownBy(outcome::get).cause().isInstanceOf(IOException.class);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    // Every caller failed within its own bound (plus scheduling slack), not a multiple of it.
    assertThat(took).isLessThan(maxWait.plusMillis(900));
    for (long deadline : deadlines) {
      assertThat(deadline - started).isLessThanOrEqualTo(maxWait.plusMillis(300).toNanos());
    }
    assertThat(table).isEmpty();
  }

  @Test
  void aRowRetriedAfterABatchWhoseCommitFailedNeverSaysNothingWasWritten() throws Exception {
    // The batch's commit failed: its rows may be in. A retry that then writes nothing must not let
    // the caller believe the row is absent (it would delete the blob a row may point at).
    GroupCommitter<String> unknown = new GroupCommitter<>(lock, 256, Duration.ofSeconds(20),
        (rows, deadline) -> {
          table.addAll(rows);
          throw new IOException("commit failed: connection reset");
        },
        (row, deadline) -> {
          throw new RowNotWrittenException("database went away before the insert", null);
        });
    List<Future<Boolean>> outcomes = submitWhileLocked(unknown, "a", "b");
    for (Future<Boolean> outcome : outcomes) {
      assertThatThrownBy(outcome::get).cause()
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(RowNotWrittenException.class)
          .hasMessageContaining("may have succeeded");
    }
  }

  @Test
  void aRowRetriedAfterABatchThatWroteNothingStillSaysSo() throws Exception {
    GroupCommitter<String> nothing = new GroupCommitter<>(lock, 256, Duration.ofSeconds(20),
        (rows, deadline) -> {
          throw new RowNotWrittenException("database is locked", null);
        },
        (row, deadline) -> {
          throw new RowNotWrittenException("database is locked", null);
        });
    List<Future<Boolean>> outcomes = submitWhileLocked(nothing, "a", "b");
    for (Future<Boolean> outcome : outcomes) {
      assertThatThrownBy(outcome::get).cause().isInstanceOf(RowNotWrittenException.class);
    }
  }

  @Test
  void maxWaitMustBePositive() {
    assertThatThrownBy(() -> boundedByLock(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxWait must be positive: PT0S");
  }

  @Test
  void maxGroupBelowOneIsRejected() {
    assertThatThrownBy(() -> committer(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxGroup must be at least 1: 0");
  }

  private GroupCommitter<String> boundedByLock(Duration maxWait) {
    return new GroupCommitter<>(lock, 256, maxWait,
        (rows, deadline) -> rows.stream().map(table::add).toList(),
        (row, deadline) -> table.add(row));
  }

  private static void sleepUntil(long deadline) {
    long left = deadline - System.nanoTime();
    if (left > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Holds the lock until every row's caller waits on it, so all rows are queued together. */
  private List<Future<Boolean>> submitWhileLocked(String... rows) throws InterruptedException {
    return submitWhileLocked(committer, rows);
  }

  /** {@link #submitWhileLocked(String...)} to {@code target}. */
  private List<Future<Boolean>> submitWhileLocked(GroupCommitter<String> target, String... rows)
      throws InterruptedException {
    lock.lock();
    try {
      return submitAll(target, rows);
    } finally {
      lock.unlock();
    }
  }

  /** Must be called holding the lock; returns once every caller waits on it. */
  private List<Future<Boolean>> submitAll(GroupCommitter<String> target, String... rows)
      throws InterruptedException {
    List<Future<Boolean>> outcomes = new ArrayList<>();
    for (String row : rows) {
      outcomes.add(callers.submit(() -> target.submit(row)));
    }
    awaitQueuedOnLock(rows.length);
    return outcomes;
  }

  private void awaitQueuedOnLock(int callers) throws InterruptedException {
    while (lock.getQueueLength() != callers) {
      Thread.sleep(1);
    }
  }

  private static List<Boolean> results(List<Future<Boolean>> outcomes) throws Exception {
    List<Boolean> results = new ArrayList<>();
    for (Future<Boolean> outcome : outcomes) {
      results.add(outcome.get());
    }
    return results;
  }
}
