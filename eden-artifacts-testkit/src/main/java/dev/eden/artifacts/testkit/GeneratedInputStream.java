package dev.eden.artifacts.testkit;

import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * A stream of {@code size} pseudo-random bytes made on the fly from a seed: content of any length
 * (gigabytes) that is never held in memory, and identical for identical seeds, so a test can
 * regenerate it to compare. Not thread-safe.
 */
public final class GeneratedInputStream extends InputStream {
  private final long size;
  private final SplittableRandom random;
  private final byte[] block = new byte[8192];
  private int blockPos = block.length;
  private long position;
  private boolean closed;

  /** @param size how many bytes the stream yields; {@code size >= 0} */
  public GeneratedInputStream(long size, long seed) {
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    this.size = size;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (position >= size) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    if (blockPos == block.length) {
      random.nextBytes(block);
      blockPos = 0;
    }
    int n = (int) Math.min(Math.min(len, block.length - blockPos), size - position);
    System.arraycopy(block, blockPos, b, off, n);
    blockPos += n;
    position += n;
    return n;
  }

  /** Bytes handed out so far. */
  public long position() {
    return position;
  }

  /** Whether {@link #close()} was called: lets a test check who closes what. */
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
  }
}
