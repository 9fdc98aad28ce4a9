package dev.eden.artifacts.server.auth;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The re-checks of a worker registry by one authenticator, of which at most one runs at a time. A
 * periodic re-check that finds one under way is skipped. A request of an unknown worker waits for a
 * re-check that began after it arrived — the one under way may have read the registry before the
 * worker was enrolled — so the concurrent first requests of a worker enrolled a moment ago all see
 * it; they share that re-check instead of each starting one. The wait is bounded in time and in
 * the number of requests waiting, so a flood of unknown worker ids against a slow database cannot
 * take every request thread: beyond the bounds a request goes on with the registry as last read.
 *
 * <p>Thread-safe.
 */
final class RegistryRechecks {
  private final Object lock = new Object();
  private final Runnable recheck;
  private final Semaphore waiting;
  private final long maxWaitNanos;
  private long started; // guarded by lock: re-checks are numbered from 1 in the order they begin
  private long finished; // guarded by lock: the number of the last one that ended
  private boolean running; // guarded by lock

  /**
   * @param recheck one re-check; it must not throw (it logs what fails)
   * @param maxWaiting how many requests may wait for a re-check at once
   * @param maxWait how long one request waits at most
   */
  RegistryRechecks(Runnable recheck, int maxWaiting, Duration maxWait) {
    this.recheck = recheck;
    this.waiting = new Semaphore(maxWaiting);
    this.maxWaitNanos = maxWait.toNanos();
  }

  /** Runs a re-check in this thread, unless one is under way. */
  void recheckUnlessRunning() {
    long mine;
    synchronized (lock) {
      if (running) {
        return;
      }
      mine = begin();
    }
    runAndEnd(mine);
  }

  /**
   * Returns once a re-check that began after this call has ended — run in this thread if none is
   * under way when it may begin, else shared with the thread that runs it — or once the wait bound
   * passed. When too many requests wait already, does what {@link #recheckUnlessRunning} does.
   */
  void recheckSinceNow() {
    if (!waiting.tryAcquire()) {
      recheckUnlessRunning();
      return;
    }
    try {
      long deadline = System.nanoTime() + maxWaitNanos;
      long mine;
      synchronized (lock) {
        long needed = started + 1; // the first re-check to begin from now on
        while (true) {
          if (finished >= needed) {
            return;
          }
          if (!running) {
            mine = begin();
            break;
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return;
          }
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
      }
      runAndEnd(mine);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      waiting.release();
    }
  }

  /** Marks a re-check as running; call with {@link #lock} held. */
  private long begin() {
    running = true;
    return ++started;
  }

  private void runAndEnd(long number) {
    try {
      recheck.run();
    } finally {
      synchronized (lock) {
        running = false;
        finished = number;
        lock.notifyAll();
      }
    }
  }
}
