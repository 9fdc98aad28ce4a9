package dev.eden.artifacts.server;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** Digests the tests compute themselves, independently of the code under test. */
final class TestDigests {
  private TestDigests() {}

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256(bytes));
  }

  /** The RFC 9530 field value {@code sha-256=:<base64>:}. */
  static String sha256Field(byte[] bytes) {
    return "sha-256=:" + Base64.getEncoder().encodeToString(sha256(bytes)) + ":";
  }
}
