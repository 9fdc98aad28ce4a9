package dev.eden.artifacts.server.auth;

import dev.eden.artifacts.server.ServerBusyException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The slow hash checks of presented worker secrets, bounded: at most {@code maxConcurrent} run at
 * once, at most {@code maxWaiting} more requests wait, each at most {@code wait} for its turn, and
 * requests presenting the same bearer at the same time (a worker's parallel first requests) share
 * one check — the first computes it, the others wait for its result, all counted towards the bound.
 * A request beyond the bounds, or whose wait runs out, gets {@link ServerBusyException} instead of
 * being held, so a flood of wrong secrets holds a bounded number of request threads. Thread-safe.
 */
final class SlowHashChecks {
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  // A follower waits for a leader whose own wait and hash are bounded; this is only a safety net.
  private static final long FOLLOWER_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Semaphore permits;
  private final int maxInCheck;
  private final long waitNanos;
  private final AtomicInteger inCheck = new AtomicInteger();
  private final AtomicLong ran = new AtomicLong();
  private final ConcurrentHashMap<String, CompletableFuture<Boolean>> underWay = new ConcurrentHashMap<>();

  SlowHashChecks(int maxConcurrent, int maxWaiting, Duration wait) {
    this.permits = new Semaphore(maxConcurrent);
    this.maxInCheck = maxConcurrent + maxWaiting;
    this.waitNanos = wait.toNanos();
  }

  /**
   * The result of {@code check} for the bearer whose cache key is {@code key}, computed once for
   * all requests presenting it at the same time.
   *
   * @throws ServerBusyException beyond the bounds
   */
  boolean check(String key, BooleanSupplier check) {
    CompletableFuture<Boolean> mine = new CompletableFuture<>();
    CompletableFuture<Boolean> leader = underWay.putIfAbsent(key, mine);
    if (leader == null) {
      try {
        boolean result = checkWithinBounds(check);
        mine.complete(result);
        return result;
      } catch (RuntimeException e) {
        mine.completeExceptionally(e);
        throw e;
      } finally {
        underWay.remove(key, mine);
      }
    }
    try {
      if (inCheck.incrementAndGet() > maxInCheck) {
        throw busy();
      }
      return leader.get(waitNanos + FOLLOWER_MARGIN_NANOS, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause instanceof ServerBusyException ? busy() : new IllegalStateException("verification failed", cause);
      }
      throw new IllegalStateException("verification failed", e.getCause());
    } catch (TimeoutException e) {
      throw busy();
    } finally {
      inCheck.decrementAndGet();
    }
  }

  /** How many checks ran (for tests). */
  long ran() {
    return ran.get();
  }

  private boolean checkWithinBounds(BooleanSupplier check) {
    try {
      if (inCheck.incrementAndGet() > maxInCheck) {
        throw busy();
      }
      boolean permitted;
      try {
        permitted = permits.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      if (!permitted) {
        throw busy();
      }
      try {
        ran.incrementAndGet();
        return check.getAsBoolean();
      } finally {
        permits.release();
      }
    } finally {
      inCheck.decrementAndGet();
    }
  }

  private static ServerBusyException busy() {
    return new ServerBusyException("too many bearer verifications are under way; try again shortly", RETRY_AFTER);
  }
}
