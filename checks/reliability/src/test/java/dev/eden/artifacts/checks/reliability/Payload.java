package dev.eden.artifacts.checks.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * Artifact bytes made up as they are read: {@code size} pseudo-random bytes from {@code seed}, the
 * same every time, so that a scenario can send and check artifacts of any size without holding
 * them in memory.
 */
final class Payload {
  private Payload() {}

  /** The bytes of ({@code seed}, {@code size}) as a stream, made up as they are read. */
  static InputStream stream(long seed, long size) {
    return new InputStream() {
      private final SplittableRandom random = new SplittableRandom(seed);
      private long left = size;
      private long word;
      private int wordBytesLeft;

      @Override
      public int read() {
        if (left == 0) {
          return -1;
        }
        left--;
        return nextByte() & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        if (left == 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i++) {
          b[off + i] = nextByte();
        }
        left -= n;
        return n;
      }

      private byte nextByte() {
        if (wordBytesLeft == 0) {
          word = random.nextLong();
          wordBytesLeft = Long.BYTES;
        }
        byte next = (byte) word;
        word >>>= 8;
        wordBytesLeft--;
        return next;
      }
    };
  }

  /** The SHA-256 of ({@code seed}, {@code size}), computed by streaming them. */
  static byte[] sha256(long seed, long size) {
    try {
      return digest(stream(seed, size)).sha256();
    } catch (IOException e) {
      throw new AssertionError("made-up bytes cannot fail", e);
    }
  }

  /** The SHA-256 of everything {@code in} yields, read to its end (not closed), and how many bytes. */
  static Digested digest(InputStream in) throws IOException {
    MessageDigest digest = newSha256();
    byte[] buffer = new byte[64 * 1024];
    long size = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      digest.update(buffer, 0, n);
      size += n;
    }
    return new Digested(size, digest.digest());
  }

  /** A stream's length and SHA-256. */
  record Digested(long size, byte[] sha256) {}

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }
}
