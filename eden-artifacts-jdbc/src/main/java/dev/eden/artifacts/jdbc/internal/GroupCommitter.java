package dev.eden.artifacts.jdbc.internal;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.spi.RowNotWrittenException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for a database with a single writer that pays one fsync per transaction (SQLite).
 * Concurrent {@link #submit} calls queue their rows; whichever caller holds the write lock writes
 * every queued row (up to {@code maxGroup}) in one transaction, and a caller whose row another
 * caller already wrote finds its outcome waiting when its turn comes.
 *
 * <p>Each row keeps its own outcome: the batch reports "inserted" or "already there" per row, and
 * if the batch fails as a whole its rows are retried one by one, so one bad row fails only its own
 * caller. A group of one skips the batch and goes straight to the single-row write.
 *
 * <p><b>Bounded wait.</b> Every row carries a deadline, {@code maxWait} after its {@code submit}
 * began, and no wait of any path reaches past it: the wait for the lock, the batch (its writer is
 * handed the group's earliest deadline) and each row's retry (handed that row's own deadline; a row
 * whose deadline has passed is not tried again). So a locked database costs a caller at most {@code
 * maxWait} (plus the last statement's own overrun), never a multiple of it. A row that runs out of
 * time fails with a {@link RowNotWrittenException}: it was never written, and never will be.
 *
 * <p>Thread-safe. Not API.
 *
 * @param <T> the row type
 */
public final class GroupCommitter<T> {
  /**
   * Writes rows in one transaction, giving up at {@code deadlineNanos} (a {@link System#nanoTime()}
   * value); returns, per row and in order, whether it was inserted.
   */
  @FunctionalInterface
  public interface BatchWrite<T> {
    List<Boolean> writeAll(List<T> rows, long deadlineNanos) throws IOException;
  }

  /** Writes one row on its own, giving up at {@code deadlineNanos}; returns whether it was inserted. */
  @FunctionalInterface
  public interface SingleWrite<T> {
    boolean write(T row, long deadlineNanos) throws IOException;
  }

  private final ReentrantLock writeLock;
  private final int maxGroup;
  private final long maxWaitNanos;
  private final BatchWrite<T> batch;
  private final SingleWrite<T> single;
  private final Queue<Pending<T>> queue = new ConcurrentLinkedQueue<>();

  /**
   * @param writeLock the lock every writer of the database takes; shared so that other writes
   *     (deletes, migrations) are ordered with the groups
   * @param maxGroup most rows one batch writes; bounds how long a caller's transaction takes
   * @param maxWait the longest a {@link #submit} waits in total before its row fails unwritten
   * @throws IllegalArgumentException if {@code maxGroup} is less than 1 or {@code maxWait} is not
   *     positive
   */
  public GroupCommitter(ReentrantLock writeLock, int maxGroup, Duration maxWait,
      BatchWrite<T> batch, SingleWrite<T> single) {
    this.writeLock = requireNonNull(writeLock, "writeLock");
    if (maxGroup < 1) {
      throw new IllegalArgumentException("maxGroup must be at least 1: " + maxGroup);
    }
    if (maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("maxWait must be positive: " + maxWait);
    }
    this.maxGroup = maxGroup;
    this.maxWaitNanos = maxWait.toNanos();
    this.batch = requireNonNull(batch, "batch");
    this.single = requireNonNull(single, "single");
  }

  /**
   * Writes {@code row}, alone or in a group with rows other callers queued meanwhile.
   *
   * @return whether the row was inserted ({@code false}: its key already existed)
   * @throws RowNotWrittenException if {@code maxWait} passed before the row could be written, or
   *     the writer reported that it wrote nothing
   * @throws InterruptedIOException if interrupted before the row was taken into a group; the row
   *     was then not written (an interrupt after that waits for the row's outcome instead)
   * @throws IOException if writing this row failed; carries the cause, which may have been met
   *     on another caller's thread
   */
  public boolean submit(T row) throws IOException {
    requireNonNull(row, "row");
    Pending<T> mine = new Pending<>(row, System.nanoTime() + maxWaitNanos);
    queue.add(mine);
    boolean locked;
    try {
      locked = writeLock.tryLock(mine.deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (queue.remove(mine)) {
        throw new InterruptedIOException("interrupted before writing " + row);
      }
      locked = false; // another caller is already writing this row: wait for its outcome rather than guess
    }
    if (locked) {
      try {
        // A full group may not reach this caller's row (callers queue rows and locks in different
        // orders): keep writing groups until it has been written.
        while (!mine.isDone()) {
          writeGroup();
        }
      } finally {
        writeLock.unlock();
      }
    } else if (queue.remove(mine)) {
      throw new RowNotWrittenException("gave up after waiting " + Duration.ofNanos(maxWaitNanos)
          + " for the metadata store's write lock (another write holds it)", null);
    } else {
      // Taken into the group of the caller holding the lock, which writes it by this row's deadline.
      mine.awaitOutcome();
    }
    IOException failure = mine.failure;
    if (failure != null) {
      // Rethrown from this caller's stack, possibly recorded by another caller's thread.
      throw failure instanceof RowNotWrittenException
          ? new RowNotWrittenException(failure.getMessage(), failure.getCause())
          : new IOException(failure.getMessage(), failure.getCause());
    }
    return mine.inserted;
  }

  private void writeGroup() {
    List<Pending<T>> group = new ArrayList<>();
    for (Pending<T> next; group.size() < maxGroup && (next = queue.poll()) != null; ) {
      group.add(next);
    }
    try {
      if (group.size() > 1 && writeAsBatch(group)) {
        return;
      }
      for (Pending<T> pending : group) {
        if (System.nanoTime() - pending.deadline >= 0) {
          pending.fail(new RowNotWrittenException("gave up after waiting " + Duration.ofNanos(maxWaitNanos)
              + " to write to the metadata store", null));
          continue;
        }
        try {
          pending.succeed(single.write(pending.row, pending.deadline));
        } catch (IOException | RuntimeException e) {
          pending.fail(e instanceof IOException io ? io : new IOException(e.getMessage(), e));
        }
      }
    } finally {
      for (Pending<T> pending : group) {
        if (!pending.isDone()) { // an Error: never leave a waiting caller without an outcome
          pending.fail(new IOException("the write of this row broke off"));
        }
      }
    }
  }

  /** False if the batch failed as a whole (nothing was written); its rows are then retried alone. */
  private boolean writeAsBatch(List<Pending<T>> group) {
    List<T> rows = new ArrayList<>(group.size());
    long deadline = group.get(0).deadline;
    for (Pending<T> pending : group) {
      rows.add(pending.row);
      deadline = pending.deadline - deadline < 0 ? pending.deadline : deadline;
    }
    List<Boolean> inserted;
    try {
      inserted = batch.writeAll(rows, deadline);
    } catch (IOException | RuntimeException e) {
      return false; // one bad row must not fail its neighbours
    }
    for (int i = 0; i < group.size(); i++) {
      if (inserted.size() == group.size()) {
        group.get(i).succeed(inserted.get(i));
      } else {
        group.get(i).fail(new IOException(
            "batch reported " + inserted.size() + " outcomes for " + group.size() + " rows"));
      }
    }
    return true;
  }

  /** A row waiting for the write lock; completed under the lock by whichever caller holds it. */
  private static final class Pending<T> {
    final T row;
    final long deadline;
    private final CountDownLatch done = new CountDownLatch(1);
    volatile boolean inserted;
    volatile IOException failure;

    Pending(T row, long deadline) {
      this.row = row;
      this.deadline = deadline;
    }

    boolean isDone() {
      return done.getCount() == 0;
    }

    void succeed(boolean inserted) {
      this.inserted = inserted;
      done.countDown();
    }

    void fail(IOException failure) {
      this.failure = failure;
      done.countDown();
    }

    /** Waits, through interrupts (restoring the flag), for whoever writes this row. */
    void awaitOutcome() {
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
