package dev.eden.artifacts.checks.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * The bytes of one deposit: {@code size} pseudo-random bytes drawn from {@code seed}, made again
 * whenever they are needed, so that a scenario sends and checks artifacts of any size without
 * holding them in memory: {@link #open()} streams them, {@link #sha256()} hashes them.
 *
 * @param seed what the bytes are drawn from
 * @param size how many bytes, {@code >= 0}
 */
record Payload(long seed, long size) {

  /** The bytes of ({@code seed}, {@code size}) as a fresh stream. */
  static InputStream stream(long seed, long size) {
    return new Payload(seed, size).open();
  }

  /** The SHA-256 of ({@code seed}, {@code size}), computed by streaming them. */
  static byte[] sha256(long seed, long size) {
    try {
      return digest(stream(seed, size)).sha256();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

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
    return HexFormat.of().formatHex(digest(in).sha256());
  }

  /** The SHA-256 of everything {@code in} yields, read to its end (not closed), and how many bytes. */
  static Digested digest(InputStream in) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[64 * 1024];
    long size = 0;
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      digest.update(buffer, 0, n);
      size += n;
    }
    return new Digested(size, digest.digest());
  }

  /** A stream's length and SHA-256. */
  record Digested(long size, byte[] sha256) {}

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
