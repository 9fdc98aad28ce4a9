package dev.eden.artifacts.benchmarks;

import java.util.Locale;

/**
 * One timed transfer: how many bytes moved in how many nanoseconds. Immutable and thread-safe.
 *
 * @param bytes bytes moved, at least 0
 * @param nanos elapsed wall-clock time, more than 0
 */
public record Throughput(long bytes, long nanos) {
  private static final double MIB = 1024.0 * 1024.0;

  /** @throws IllegalArgumentException for a negative byte count or a non-positive duration */
  public Throughput {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative: " + bytes);
    }
    if (nanos <= 0) {
      throw new IllegalArgumentException("nanos must be positive: " + nanos);
    }
  }

  public double seconds() {
    return nanos / 1e9;
  }

  public double mibPerSecond() {
    return bytes / MIB / seconds();
  }

  /**
   * One line that {@code run.sh} parses: {@code RESULT <label> <bytes> <seconds> <MiB/s>}; the
   * label must be a single word.
   */
  public String resultLine(String label) {
    if (label.isEmpty() || label.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("label must be one non-empty word: '" + label + "'");
    }
    return String.format(Locale.ROOT, "RESULT %s %d %.3f %.1f", label, bytes, seconds(), mibPerSecond());
  }
}
