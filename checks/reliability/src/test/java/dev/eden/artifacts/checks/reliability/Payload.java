package dev.eden.artifacts.checks.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * The bytes of one deposit, made again from its seed whenever they are needed, so that no artifact
 * is ever held in memory: {@link #open()} streams them, {@link #sha256()} hashes them.
 *
 * @param seed what the bytes are drawn from
 * @param size how many bytes, {@code >= 0}
 */
record Payload(long seed, long size) {

  /** A fresh stream of the bytes; the caller closes it. */
  InputStream open() {
    return new InputStream() {
      private final SplittableRandom random = new SplittableRandom(seed);
      private long left = size;
      private long word;
      private int wordBytes;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return len == 0 ? 0 : -1;
        }
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i++) {
          if (wordBytes == 0) {
            word = random.nextLong();
            wordBytes = 8;
          }
          b[off + i] = (byte) word;
          word >>>= 8;
          wordBytes--;
        }
        left -= n;
        return n;
      }
    };
  }

  /** The SHA-256 of the bytes, in lowercase hex. */
  String sha256() {
    try (InputStream in = open()) {
      return sha256(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The SHA-256 of what {@code in} yields until its end, in lowercase hex; reads, never closes. */
  static String sha256(InputStream in) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[64 * 1024];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
