package dev.eden.artifacts.testkit;

import static java.util.Objects.requireNonNull;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes the first {@code limit} bytes of a source through, then throws an {@link IOException} on
 * every further read, like a connection reset mid-upload. Records whether it was closed, so a test
 * can check that a method which takes a stream does not close it. Not thread-safe.
 */
public final class FailingInputStream extends FilterInputStream {
  /** The message of the injected failure. */
  public static final String MESSAGE = "injected read failure";

  private final long limit;
  private long passed;
  private int closeCount;

  private FailingInputStream(InputStream source, long limit) {
    super(requireNonNull(source, "source"));
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    this.limit = limit;
  }

  /** A stream that yields {@code limit} bytes of {@code source}, then fails. */
  public static FailingInputStream after(long limit, InputStream source) {
    return new FailingInputStream(source, limit);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n;
    do {
      n = read(one, 0, 1);
    } while (n == 0);
    return n == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (passed >= limit) {
      throw new IOException(MESSAGE);
    }
    int n = super.read(b, off, (int) Math.min(len, limit - passed));
    if (n > 0) {
      passed += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    if (n <= 0) {
      return 0;
    }
    return Math.max(0, read(new byte[(int) Math.min(n, 8192)])); // through read, so the limit holds
  }

  @Override
  public int available() {
    return 0;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Bytes passed through so far. */
  public long bytesPassed() {
    return passed;
  }

  /** Whether {@link #close()} was called at least once. */
  public boolean isClosed() {
    return closeCount > 0;
  }

  /** How many times {@link #close()} was called. */
  public int closeCount() {
    return closeCount;
  }

  @Override
  public void close() throws IOException {
    closeCount++;
    super.close();
  }
}
