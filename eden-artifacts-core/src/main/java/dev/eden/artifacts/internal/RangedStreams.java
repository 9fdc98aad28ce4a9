package dev.eden.artifacts.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Range checks and a limiting stream, for the storage SPI's default methods and the service's reads. */
public final class RangedStreams {
  private RangedStreams() {}

  /** @throws IllegalArgumentException if {@code offset} or {@code length} is negative */
  public static void checkRange(long offset, long length) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative: " + offset);
    }
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative: " + length);
    }
  }

  /**
   * At most {@code length} bytes of {@code in}; closing the result closes {@code in}. Never reads
   * from {@code in} past the limit, so a lazily fetching source is not asked for more.
   */
  public static InputStream limit(InputStream in, long length) {
    return new FilterInputStream(in) {
      private long left = length;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int b = super.read();
        if (b != -1) {
          left--;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          return len == 0 ? 0 : -1;
        }
        int n = super.read(b, off, (int) Math.min(len, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(n, left));
        left -= skipped;
        return skipped;
      }

      @Override
      public int available() throws IOException {
        return (int) Math.min(super.available(), left);
      }

      @Override
      public boolean markSupported() {
        return false;
      }
    };
  }
}
