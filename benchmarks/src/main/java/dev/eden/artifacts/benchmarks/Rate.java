package dev.eden.artifacts.benchmarks;

import java.util.Locale;

/**
 * Operations completed in a span of time. Immutable and thread-safe.
 *
 * @param ops operations completed, at least 0
 * @param nanos elapsed wall-clock time, more than 0
 */
public record Rate(long ops, long nanos) {
  /** @throws IllegalArgumentException for a negative count or a non-positive duration */
  public Rate {
    if (ops < 0) {
      throw new IllegalArgumentException("ops must not be negative: " + ops);
    }
    if (nanos <= 0) {
      throw new IllegalArgumentException("nanos must be positive: " + nanos);
    }
  }

  public double seconds() {
    return nanos / 1e9;
  }

  public double perSecond() {
    return ops / seconds();
  }

  /**
   * One line that {@code run.sh} parses: {@code RATE <label> <ops> <seconds> <ops/s>}; the label
   * must be a single word.
   */
  public String resultLine(String label) {
    if (label.isEmpty() || label.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("label must be one non-empty word: '" + label + "'");
    }
    return String.format(Locale.ROOT, "RATE %s %d %.3f %.1f", label, ops, seconds(), perSecond());
  }
}
