package dev.eden.artifacts.jdbc.internal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * <p>Thread-safe. Not API.
 *
 * @param <T> the row type
 */
public final class GroupCommitter<T> {
  /** Writes rows in one transaction; returns, per row and in order, whether it was inserted. */
  @FunctionalInterface
  public interface BatchWrite<T> {
    List<Boolean> writeAll(List<T> rows) throws IOException;
  }

  /** Writes one row on its own; returns whether it was inserted. */
  @FunctionalInterface
  public interface SingleWrite<T> {
    boolean write(T row) throws IOException;
  }

  private final ReentrantLock writeLock;
  private final int maxGroup;
  private final BatchWrite<T> batch;
  private final SingleWrite<T> single;
  private final Queue<Pending<T>> queue = new ConcurrentLinkedQueue<>();

  /**
   * @param writeLock the lock every writer of the database takes; shared so that other writes
   *     (deletes, migrations) are ordered with the groups
   * @param maxGroup most rows one batch writes; bounds how long a caller's transaction takes
   * @throws IllegalArgumentException if {@code maxGroup} is less than 1
   */
  public GroupCommitter(
      ReentrantLock writeLock, int maxGroup, BatchWrite<T> batch, SingleWrite<T> single) {
    this.writeLock = requireNonNull(writeLock, "writeLock");
    if (maxGroup < 1) {
      throw new IllegalArgumentException("maxGroup must be at least 1: " + maxGroup);
    }
    this.maxGroup = maxGroup;
    this.batch = requireNonNull(batch, "batch");
    this.single = requireNonNull(single, "single");
  }

  /**
   * Writes {@code row}, alone or in a group with rows other callers queued meanwhile.
   *
   * @return whether the row was inserted ({@code false}: its key already existed)
   * @throws InterruptedIOException if interrupted before the row was taken into a group; the row
   *     was then not written (an interrupt after that waits for the row's outcome instead)
   * @throws IOException if writing this row failed; carries the cause, which may have been met
   *     on another caller's thread
   */
  public boolean submit(T row) throws IOException {
    requireNonNull(row, "row");
    Pending<T> mine = new Pending<>(row);
    queue.add(mine);
    try {
      writeLock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (queue.remove(mine)) {
        throw new InterruptedIOException("interrupted before writing " + row);
      }
      // Another caller is already writing this row: wait for its outcome rather than guess.
      writeLock.lock();
    }
    try {
      // A full group may not reach this caller's row (callers queue rows and locks in different
      // orders): keep writing groups until it has been written.
      while (!mine.done) {
        writeGroup();
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

  private void writeGroup() {
    List<Pending<T>> group = new ArrayList<>();
    for (Pending<T> next; group.size() < maxGroup && (next = queue.poll()) != null; ) {
      group.add(next);
    }
    if (group.size() > 1 && writeAsBatch(group)) {
      return;
    }
    for (Pending<T> pending : group) {
      try {
        pending.succeed(single.write(pending.row));
      } catch (IOException | RuntimeException e) {
        pending.fail(e instanceof IOException io ? io : new IOException(e.getMessage(), e));
      }
    }
  }

  /** False if the batch failed as a whole (nothing was written); its rows are then retried alone. */
  private boolean writeAsBatch(List<Pending<T>> group) {
    List<T> rows = new ArrayList<>(group.size());
    for (Pending<T> pending : group) {
      rows.add(pending.row);
    }
    List<Boolean> inserted;
    try {
      inserted = batch.writeAll(rows);
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
    volatile boolean done;
    volatile boolean inserted;
    volatile IOException failure;

    Pending(T row) {
      this.row = row;
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
}
