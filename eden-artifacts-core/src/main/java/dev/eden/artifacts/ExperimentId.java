package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

/**
 * An experiment id: {@code exp_} followed by 26 characters of lowercase Crockford base32
 * ({@code [0-9a-hjkmnp-tv-z]}). Immutable and thread-safe.
 */
public final class ExperimentId {
  private static final String PREFIX = "exp_";

  private final String value;

  private ExperimentId(String value) {
    this.value = value;
  }

  /**
   * Parses an experiment id.
   *
   * @throws IllegalArgumentException if {@code text} does not follow the grammar
   */
  public static ExperimentId parse(String text) {
    requireNonNull(text, "text");
    if (!isValid(text)) {
      throw new IllegalArgumentException(
          "experiment id must be 'exp_' followed by 26 lowercase Crockford base32 characters");
    }
    return new ExperimentId(text);
  }

  /** Whether {@code text} follows the experiment id grammar. Never throws. */
  public static boolean isValid(String text) {
    return Crockford.matches(text, PREFIX);
  }

  /** Mints a fresh random experiment id. */
  public static ExperimentId mint() {
    return new ExperimentId(Crockford.mint(PREFIX));
  }

  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExperimentId && ((ExperimentId) o).value.equals(value);
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
