package dev.eden.artifacts.server.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes of a request body as they arrive and fails with {@link LimitExceededException}
 * as soon as they pass a limit, so a hostile upload is cut off after at most the limit, whatever
 * its declared length. Not thread-safe. Not API.
 */
public final class LimitedInputStream extends CountingBodyStream {
  private final long limit;

  public LimitedInputStream(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  void check() throws LimitExceededException {
    if (count() > limit) {
      throw new LimitExceededException(limit, count());
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
