package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The opaque id of an artifact: exactly 32 lowercase hex characters (128 random bits). The grammar
 * admits no separator, dot or uppercase letter, so a valid id is always a safe single path segment
 * or object key. Immutable and thread-safe.
 */
public final class ArtifactId implements Comparable<ArtifactId> {
  /** Number of characters in an id. */
  public static final int LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private final String value;

  private ArtifactId(String value) {
    this.value = value;
  }

  /** Mints a fresh id from a cryptographically secure random source. */
  public static ArtifactId mint() {
    byte[] bytes = new byte[LENGTH / 2];
    RANDOM.nextBytes(bytes);
    return new ArtifactId(HEX.formatHex(bytes));
  }

  /**
   * Parses an id.
   *
   * @throws IllegalArgumentException if {@code text} is not exactly 32 lowercase hex characters
   */
  public static ArtifactId parse(String text) {
    requireNonNull(text, "text");
    if (!isValid(text)) {
      throw new IllegalArgumentException(
          "artifact id must be exactly " + LENGTH + " lowercase hex characters");
    }
    return new ArtifactId(text);
  }

  /** Whether {@code text} follows the id grammar. Never throws. */
  public static boolean isValid(String text) {
    if (text == null || text.length() != LENGTH) {
      return false;
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** The 32-character text form. */
  public String value() {
    return value;
  }

  @Override
  public int compareTo(ArtifactId other) {
    return value.compareTo(other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArtifactId && ((ArtifactId) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
