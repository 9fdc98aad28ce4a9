package dev.eden.artifacts;

import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * {@code size} pseudo-random bytes made on the fly from a seed: arbitrarily long content that is
 * never held in memory, and the same for the same seed.
 */
final class GeneratedInputStream extends InputStream {
  private final long size;
  private final SplittableRandom random;
  private final byte[] block = new byte[8192];
  private int blockPos = block.length;
  private long position;
  boolean closed;

  GeneratedInputStream(long size, long seed) {
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

  @Override
  public void close() {
    closed = true;
  }
}
