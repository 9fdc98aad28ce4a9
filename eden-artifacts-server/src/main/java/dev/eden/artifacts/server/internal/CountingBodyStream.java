package dev.eden.artifacts.server.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body whose every read is counted and then {@linkplain #check() checked}, which may
 * fail it: the one place the body's bounds ({@link LimitedInputStream}, {@link
 * MinimumRateInputStream}) see bytes arrive. No mark or reset; never closes the underlying body,
 * which the transport owns. Not thread-safe. Not API.
 */
abstract class CountingBodyStream extends FilterInputStream {
  private long count;

  CountingBodyStream(InputStream in) {
    super(in);
  }

  /** Bytes read so far. */
  final long count() {
    return count;
  }

  /** Called after each read (also the one that finds the end), with {@link #count()} up to date. */
  abstract void check() throws IOException;

  @Override
  public final int read() throws IOException {
    int b = super.read();
    counted(b >= 0 ? 1 : 0);
    return b;
  }

  @Override
  public final int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    counted(Math.max(0, n));
    return n;
  }

  @Override
  public final long skip(long n) throws IOException {
    long skipped = super.skip(n);
    counted(skipped);
    return skipped;
  }

  @Override
  public final boolean markSupported() {
    return false;
  }

  @Override
  public final void close() {}

  private void counted(long n) throws IOException {
    count += n;
    check();
  }
}
