package dev.eden.artifacts.maintenance;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The summary of one {@linkplain Scrubber#scrub scrub}: how much was checked and how many findings
 * of each {@link Damage} kind there were. The findings themselves went to the {@link
 * ScrubListener}. Immutable and thread-safe.
 *
 * @param artifactsChecked metadata rows checked, damaged or not; rows deleted (with their blob)
 *     while the scrub ran are not counted
 * @param bytesRead blob bytes read, including any read past a recorded size
 * @param findings how many findings of each kind; every kind is present, most with 0
 * @param duration how long the scrub took, waits for the rate included
 */
public record ScrubReport(long artifactsChecked, long bytesRead, Map<Damage, Long> findings, Duration duration) {

  /**
   * Copies {@code findings}, adding 0 for the kinds it lacks.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public ScrubReport {
    requireNonNull(findings, "findings");
    requireNonNull(duration, "duration");
    if (artifactsChecked < 0 || bytesRead < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
    Map<Damage, Long> all = new EnumMap<>(Damage.class);
    for (Damage damage : Damage.values()) {
      long count = findings.getOrDefault(damage, 0L);
      if (count < 0) {
        throw new IllegalArgumentException("counts must not be negative: " + damage + "=" + count);
      }
      all.put(damage, count);
    }
    findings = Collections.unmodifiableMap(all);
  }

  /** How many findings of {@code damage}. */
  public long count(Damage damage) {
    return findings.get(requireNonNull(damage, "damage"));
  }

  /** How many findings of every kind together: the artifacts found damaged, missing or unreadable. */
  public long totalFindings() {
    return findings.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Whether every artifact checked was intact: no finding of any kind. */
  public boolean isClean() {
    return totalFindings() == 0;
  }
}
