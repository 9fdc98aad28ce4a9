package dev.eden.artifacts.s3.internal;

import java.io.InterruptedIOException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The heap that part buffers may use, shared by every pending blob of one backend: at most {@link
 * #limit()} bytes are reserved at any moment, and a writer that needs more waits until others
 * release.
 *
 * <p><b>Why it cannot deadlock.</b> Every holder needs at most {@code maxClaim} bytes (one part)
 * before it can upload and release everything it holds. A reservation is granted only if, after
 * it, the free bytes still let the largest holder grow to a whole part: {@code free >= maxClaim -
 * max(held)} (the banker's algorithm, with every holder's maximum claim equal). That invariant
 * holds initially ({@code limit >= maxClaim}), every grant keeps it by construction, and a release
 * keeps it because the released bytes cover the drop of the maximum. Under it the largest holder's
 * requests are always granted, so some holder can always finish its part, upload it and release:
 * however many writers hold partly filled buffers, one of them makes progress. Small holders are
 * not charged a whole part: together they may hold up to {@code limit - maxClaim + max(held)}
 * bytes.
 *
 * <p>Progress also needs every holder that has bytes to keep writing (or to release): a thread
 * that holds one blob's buffer while it waits for another's can wait forever, and so can a holder
 * whose input stalls. Waiting is interruptible.
 *
 * <p>Thread-safe.
 */
public final class BufferBudget {
  private final long limit;
  private final long maxClaim;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition released = lock.newCondition();
  private final Set<Holder> holders = new HashSet<>(); // those holding more than nothing
  private long reserved;
  private long peak;

  /**
   * @param limit the most bytes reserved at once
   * @param maxClaim the most bytes one holder ever holds, {@code 0 < maxClaim <= limit}
   */
  public BufferBudget(long limit, long maxClaim) {
    if (maxClaim <= 0 || maxClaim > limit) {
      throw new IllegalArgumentException("need 0 < maxClaim <= limit: " + maxClaim + ", " + limit);
    }
    this.limit = limit;
    this.maxClaim = maxClaim;
  }

  /** A new holder that holds nothing yet. */
  public Holder newHolder() {
    return new Holder();
  }

  /** The most bytes reserved at once. */
  public long limit() {
    return limit;
  }

  /** Bytes reserved now. */
  public long reservedBytes() {
    lock.lock();
    try {
      return reserved;
    } finally {
      lock.unlock();
    }
  }

  /** The most bytes ever reserved at once. */
  public long peakReservedBytes() {
    lock.lock();
    try {
      return peak;
    } finally {
      lock.unlock();
    }
  }

  /** Whether granting {@code bytes} more to {@code holder} keeps every holder able to finish. */
  private boolean safe(Holder holder, long bytes) {
    long free = limit - reserved - bytes;
    if (free < 0) {
      return false;
    }
    long largest = holder.held + bytes;
    for (Holder other : holders) {
      largest = Math.max(largest, other.held);
    }
    return free >= maxClaim - largest;
  }

  /**
   * One writer's share of the budget. Used by one thread at a time, except {@link #releaseAll()},
   * which any thread may call (a cleaner releases what an abandoned writer held).
   */
  public final class Holder {
    private long held; // guarded by lock

    private Holder() {}

    /**
     * Reserves {@code bytes} more, waiting while that would be unsafe.
     *
     * @throws InterruptedIOException if interrupted while waiting (nothing is reserved then)
     * @throws IllegalArgumentException if this holder would hold more than the maximum claim
     */
    public void acquire(long bytes) throws InterruptedIOException {
      lock.lock();
      try {
        if (bytes <= 0 || held + bytes > maxClaim) {
          throw new IllegalArgumentException(
              "cannot hold " + bytes + " more bytes on top of " + held + " (at most " + maxClaim + ")");
        }
        while (!safe(this, bytes)) {
          try {
            released.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted =
                new InterruptedIOException("interrupted while waiting for buffer budget");
            interrupted.initCause(e);
            throw interrupted;
          }
        }
        held += bytes;
        reserved += bytes;
        peak = Math.max(peak, reserved);
        holders.add(this);
      } finally {
        lock.unlock();
      }
    }

    /** Releases everything this holder holds. Idempotent. */
    public void releaseAll() {
      lock.lock();
      try {
        if (held > 0) {
          reserved -= held;
          held = 0;
          holders.remove(this);
          released.signalAll();
        }
      } finally {
        lock.unlock();
      }
    }

    /** Bytes this holder holds now. */
    public long held() {
      lock.lock();
      try {
        return held;
      } finally {
        lock.unlock();
      }
    }
  }
}
