package dev.eden.artifacts.server.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes of a request body as they arrive and fails with {@link LimitExceededException}
 * as soon as they pass a limit, so a hostile upload is cut off after at most the limit, whatever
 * its declared length. Not thread-safe. Not API.
 */
public final class LimitedInputStream extends FilterInputStream {
  private final long limit;
  private long count;

  public LimitedInputStream(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      advance(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      advance(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    advance(skipped);
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Never closes the underlying request body: the transport owns it. */
  @Override
  public void close() {}

  private void advance(long n) throws LimitExceededException {
    count += n;
    if (count > limit) {
      throw new LimitExceededException(limit, count);
    }
  }

  /** The body went past the limit; {@link #seen()} bytes had arrived by then. */
  public static final class LimitExceededException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long seen;

    LimitExceededException(long limit, long seen) {
      super("request body exceeds " + limit + " bytes");
      this.seen = seen;
    }

    public long seen() {
      return seen;
    }
  }
}
