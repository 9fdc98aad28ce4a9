package dev.eden.artifacts.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * A large artifact written to disk in 64 KiB chunks from a seeded generator (never held in the
 * heap), with the SHA-256 computed on the way.
 */
record GeneratedArtifact(Path file, long size, String sha256) {
  static GeneratedArtifact write(Path file, long size, long seed) throws IOException {
    MessageDigest digest = newDigest();
    SplittableRandom random = new SplittableRandom(seed);
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; ) {
        int n = (int) Math.min(chunk.length, left);
        for (int i = 0; i < n; i += 8) {
          long value = random.nextLong();
          for (int j = 0; j < 8 && i + j < n; j++) {
            chunk[i + j] = (byte) (value >>> (8 * j));
          }
        }
        digest.update(chunk, 0, n);
        out.write(chunk, 0, n);
        left -= n;
      }
    }
    return new GeneratedArtifact(file, size, HexFormat.of().formatHex(digest.digest()));
  }

  /** The SHA-256 of a file, read in chunks. */
  static String sha256Of(Path file) throws IOException {
    MessageDigest digest = newDigest();
    byte[] chunk = new byte[64 * 1024];
    try (var in = Files.newInputStream(file)) {
      for (int n; (n = in.read(chunk)) != -1; ) {
        digest.update(chunk, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
