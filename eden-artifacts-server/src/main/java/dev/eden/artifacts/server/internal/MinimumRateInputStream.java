package dev.eden.artifacts.server.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Holds a request body to a minimum average data rate: after a grace period, by {@code t} seconds
 * after the stream was opened at least {@code rate × (t − grace)} bytes must have arrived (the
 * rule of Apache httpd's {@code mod_reqtimeout} {@code body=…,MinRate=…}). Checked each time a
 * read returns, so a trickling body fails at its first byte past the deadline with {@link
 * TooSlowException}; a body that stops altogether is cut off by the transport's idle time-out.
 * Never closes the underlying body: the transport owns it. Not thread-safe. Not API.
 */
public final class MinimumRateInputStream extends CountingBodyStream {
  private final long bytesPerSecond;
  private final long graceNanos;
  private final long startNanos = System.nanoTime();
  private boolean tooSlow;

  /**
   * @param bytesPerSecond the minimum average rate, at least 1
   * @param graceNanos how long the body may take before the rate applies, not negative
   */
  public MinimumRateInputStream(InputStream in, long bytesPerSecond, long graceNanos) {
    super(in);
    if (bytesPerSecond < 1 || graceNanos < 0) {
      throw new IllegalArgumentException("bytesPerSecond must be positive and graceNanos not negative");
    }
    this.bytesPerSecond = bytesPerSecond;
    this.graceNanos = graceNanos;
  }

  /** Whether this stream failed because the body fell below the rate. */
  public boolean tooSlow() {
    return tooSlow;
  }

  @Override
  void check() throws TooSlowException {
    long late = System.nanoTime() - startNanos - graceNanos;
    if (late > 0 && count() < multiplyToBytes(late)) {
      tooSlow = true;
      throw new TooSlowException(count());
    }
  }

  /** Bytes the rate asks for in {@code nanos}, without overflow for any realistic duration. */
  private long multiplyToBytes(long nanos) {
    return (long) (nanos / 1e9 * bytesPerSecond);
  }

  /** The body fell below the minimum rate. */
  public static final class TooSlowException extends IOException {
    private static final long serialVersionUID = 1L;

    TooSlowException(long received) {
      super("request body below the minimum data rate after " + received + " bytes");
    }
  }
}
