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
   * value); returns, per row and in order, whether it was inserted. Throws {@link
   * RowNotWrittenException} if nothing was written, any other {@link IOException} if the outcome is
   * unknown (the commit failed).
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
      // Rows past their deadline fail first, so that one of them cannot break up the others' batch.
      List<Pending<T>> live = new ArrayList<>(group.size());
      for (Pending<T> pending : group) {
        if (pastDeadline(pending)) {
          pending.fail(gaveUp());
        } else {
          live.add(pending);
        }
      }
      Batch outcome = live.size() > 1 ? writeAsBatch(live) : Batch.NOT_TRIED;
      if (outcome == Batch.WRITTEN) {
        return;
      }
      for (Pending<T> pending : live) {
        IOException failure = writeAlone(pending, outcome == Batch.OUTCOME_UNKNOWN);
        if (failure != null) {
          pending.fail(failure);
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

  /**
   * Writes one row by itself; returns the failure to record, or null once it succeeded. After a
   * batch whose outcome is unknown the row may be in already, so a failure never says that
   * nothing was written: the caller then undoes the row too.
   */
  private IOException writeAlone(Pending<T> pending, boolean mayBeWritten) {
    IOException failure;
    if (pastDeadline(pending)) {
      failure = gaveUp();
    } else {
      try {
        pending.succeed(single.write(pending.row, pending.deadline));
        return null;
      } catch (IOException | RuntimeException e) {
        failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
      }
    }
    if (mayBeWritten && failure instanceof RowNotWrittenException) {
      return new IOException(failure.getMessage() + " (after a batch of rows whose commit may have succeeded)",
          failure.getCause());
    }
    return failure;
  }

  private static boolean pastDeadline(Pending<?> pending) {
    return System.nanoTime() - pending.deadline >= 0;
  }

  private RowNotWrittenException gaveUp() {
    return new RowNotWrittenException("gave up after waiting " + Duration.ofNanos(maxWaitNanos)
        + " to write to the metadata store", null);
  }

  /** How a batch went. */
  private enum Batch {
    NOT_TRIED,
    WRITTEN,
    /** It failed before its commit: nothing was written. */
    NOTHING_WRITTEN,
    /** Its commit failed: the rows may or may not be in. */
    OUTCOME_UNKNOWN,
  }

  /** Writes {@code group} in one batch; if that fails as a whole, its rows are retried alone. */
  private Batch writeAsBatch(List<Pending<T>> group) {
    List<T> rows = new ArrayList<>(group.size());
    long deadline = group.get(0).deadline;
    for (Pending<T> pending : group) {
      rows.add(pending.row);
      deadline = pending.deadline - deadline < 0 ? pending.deadline : deadline;
    }
    List<Boolean> inserted;
    try {
      inserted = batch.writeAll(rows, deadline);
    } catch (RowNotWrittenException e) {
      return Batch.NOTHING_WRITTEN; // one bad row must not fail its neighbours
    } catch (IOException | RuntimeException e) {
      return Batch.OUTCOME_UNKNOWN;
    }
    for (int i = 0; i < group.size(); i++) {
      if (inserted.size() == group.size()) {
        group.get(i).succeed(inserted.get(i));
      } else {
        group.get(i).fail(new IOException(
            "batch reported " + inserted.size() + " outcomes for " + group.size() + " rows"));
      }
    }
    return Batch.WRITTEN;
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
