package dev.eden.artifacts.server;

import dev.eden.artifacts.Principal;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cap on deposits in flight: at most {@code total} at once, and at most {@code perPrincipal}
 * of one principal, so that stalled or trickling uploads cannot take every request thread and one
 * worker cannot take every slot. A deposit beyond either bound is refused at once with {@link
 * ServerBusyException} (never queued: a waiting upload would hold its thread anyway). Thread-safe.
 */
final class DepositSlots {
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final int total;
  private final int perPrincipal;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> byPrincipal = new ConcurrentHashMap<>();

  DepositSlots(int total, int perPrincipal) {
    this.total = total;
    this.perPrincipal = perPrincipal;
  }

  /** A slot for one deposit of {@code principal}, released by closing it (exactly once). */
  Slot take(Principal principal) {
    if (inFlight.incrementAndGet() > total) {
      inFlight.decrementAndGet();
      throw new ServerBusyException("the server is taking " + total
          + " deposits at once, its limit; try again shortly", RETRY_AFTER);
    }
    String name = principal.name();
    boolean[] admitted = new boolean[1];
    byPrincipal.compute(name, (k, v) -> {
      AtomicInteger count = v == null ? new AtomicInteger() : v;
      admitted[0] = count.get() < perPrincipal;
      if (admitted[0]) {
        count.incrementAndGet();
      }
      return count.get() == 0 ? null : count;
    });
    if (!admitted[0]) {
      inFlight.decrementAndGet();
      throw new ServerBusyException(name + " has " + perPrincipal
          + " deposits in flight, the limit per depositor; try again shortly", RETRY_AFTER);
    }
    return () -> release(name);
  }

  private void release(String name) {
    byPrincipal.computeIfPresent(name, (k, v) -> v.decrementAndGet() == 0 ? null : v);
    inFlight.decrementAndGet();
  }

  /** A taken slot. */
  interface Slot extends AutoCloseable {
    @Override
    void close();
  }
}
