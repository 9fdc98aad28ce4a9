package dev.eden.artifacts.internal;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Paces a reader to at most a number of bytes per second, summed over everything it reads: the
 * reader reads a chunk, then {@linkplain #paid pays} for it. A payment waits until the previous
 * chunks' time has passed, so over any stretch of time the reader gets at most the rate's bytes
 * plus one chunk; time spent idle or on slow storage earns no credit for a later burst, and
 * storage slower than the rate is never slowed down further. Not API.
 *
 * <p>Time comes from a {@link LongSupplier} of nanoseconds and waits go to a {@link Sleeper}, so a
 * test drives both with a fake clock. Thread-safe: readers on several threads share the rate.
 */
public final class ByteRateLimiter {
  private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

  /** Waits; the real one is {@link #SYSTEM}. */
  @FunctionalInterface
  public interface Sleeper {
    /** Sleeps {@code nanos > 0} nanoseconds, or about that long. */
    void sleep(long nanos) throws InterruptedException;

    /** {@link TimeUnit#sleep} on the current thread. */
    Sleeper SYSTEM = TimeUnit.NANOSECONDS::sleep;
  }

  private final long bytesPerSecond;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private boolean started;
  private long nextFree; // nanoTime before which the bytes paid so far have not had their time
  private long carry; // the part of a nanosecond owed, in units of 1/bytesPerSecond nanoseconds

  /**
   * @param bytesPerSecond at least 1
   * @param nanoTime a monotonic clock, such as {@link System#nanoTime}
   * @throws IllegalArgumentException if {@code bytesPerSecond} is less than 1
   */
  public ByteRateLimiter(long bytesPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
    if (bytesPerSecond < 1) {
      throw new IllegalArgumentException("bytesPerSecond must be at least 1: " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    this.sleeper = requireNonNull(sleeper, "sleeper");
  }

  /** The rate. */
  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /**
   * The largest read worth making between payments: a second's worth of bytes, at most {@code
   * buffer}, at least 1; so a slow rate is paced in small steps instead of long sleeps.
   */
  public int chunk(int buffer) {
    return (int) Math.max(1, Math.min(buffer, bytesPerSecond));
  }

  /**
   * Records that {@code bytes} were read: first waits until the time of the bytes paid before has
   * passed, then books the time these take at the rate.
   *
   * @throws IllegalArgumentException if {@code bytes} is negative
   * @throws InterruptedException if interrupted while waiting; the bytes are not booked
   */
  public synchronized void paid(int bytes) throws InterruptedException {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative: " + bytes);
    }
    long now = nanoTime.getAsLong();
    if (!started) {
      started = true;
      nextFree = now;
    }
    long wait = nextFree - now;
    if (wait > 0) {
      sleeper.sleep(wait);
    } else {
      nextFree = now; // behind the rate: no credit for the time lost
    }
    nextFree += nanosFor(bytes);
  }

  /** {@code bytes} at the rate, in whole nanoseconds, carrying the remainder to the next call. */
  private long nanosFor(int bytes) {
    long scaled = bytes * NANOS_PER_SECOND; // < 2^31 * 10^9 < 2^63
    long nanos = scaled / bytesPerSecond;
    long remainder = scaled % bytesPerSecond;
    if (remainder >= bytesPerSecond - carry) { // carry + remainder >= rate, without overflow
      nanos++;
      carry = remainder - (bytesPerSecond - carry);
    } else {
      carry += remainder;
    }
    return nanos;
  }
}
