package dev.eden.artifacts.server.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.spec.KeySpec;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA256 secret hashes from the JDK, stored as
 * {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>}. The iteration count travels
 * with the hash, so raising it later only affects new hashes. Thread-safe. Not API.
 */
public final class Pbkdf2 {
  /** OWASP's 2023 floor for PBKDF2-HMAC-SHA256. */
  public static final int MIN_ITERATIONS = 600_000;

  private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
  private static final String PREFIX = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;

  private Pbkdf2() {}

  /** A fresh salted hash of {@code secret} with {@code iterations} (at least {@link #MIN_ITERATIONS}). */
  public static String hash(String secret, int iterations) {
    if (iterations < MIN_ITERATIONS) {
      throw new IllegalArgumentException("iterations must be at least " + MIN_ITERATIONS);
    }
    byte[] salt = Secrets.randomBytes(SALT_BYTES);
    byte[] hash = derive(secret, salt, iterations, HASH_BITS);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
  }

  /** Whether {@code secret} matches {@code stored}; false for a malformed stored hash. Compares in constant time. */
  public static boolean verify(String secret, String stored) {
    Optional<Parsed> parsed = parse(stored);
    if (parsed.isEmpty()) {
      return false;
    }
    Parsed p = parsed.get();
    byte[] actual = derive(secret, p.salt, p.iterations, p.hash.length * 8);
    return MessageDigest.isEqual(actual, p.hash);
  }

  /** The iteration count of a stored hash, if it is well-formed. */
  public static Optional<Integer> iterations(String stored) {
    return parse(stored).map(p -> p.iterations);
  }

  private static Optional<Parsed> parse(String stored) {
    if (stored == null) {
      return Optional.empty();
    }
    String[] parts = stored.split("\\$", -1);
    if (parts.length != 4 || !parts[0].equals(PREFIX)) {
      return Optional.empty();
    }
    try {
      int iterations = Integer.parseInt(parts[1]);
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] hash = Base64.getDecoder().decode(parts[3]);
      if (iterations < 1 || salt.length < 8 || hash.length < 16) {
        return Optional.empty();
      }
      return Optional.of(new Parsed(iterations, salt, hash));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static byte[] derive(String secret, byte[] salt, int iterations, int bits) {
    KeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, bits);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + ALGORITHM, e);
    }
  }

  private record Parsed(int iterations, byte[] salt, byte[] hash) {}
}
