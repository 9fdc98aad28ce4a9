package dev.eden.artifacts.testkit.conformance;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What happened when one {@link ConformanceCheck} ran. Immutable.
 *
 * @param name the check's name
 * @param outcome passed, failed or skipped
 * @param message why it failed or was skipped; empty when it passed
 * @param cause the failure, for a stack trace; {@code null} unless it failed
 */
public record CheckResult(String name, Outcome outcome, String message, Throwable cause) {
  /** How a check ended. */
  public enum Outcome {
    PASSED,
    FAILED,
    /**
     * An optional input the check needs was not given, or the server does not offer the
     * optional feature the check observes.
     */
    SKIPPED
  }

  public CheckResult {
    requireNonNull(name, "name");
    requireNonNull(outcome, "outcome");
    requireNonNull(message, "message");
  }

  /** The failure, if the check failed. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(cause);
  }

  /** One report line: {@code PASS name}, {@code FAIL name: why} or {@code SKIP name: why}. */
  public String line() {
    return switch (outcome) {
      case PASSED -> "PASS " + name;
      case FAILED -> "FAIL " + name + ": " + message;
      case SKIPPED -> "SKIP " + name + ": " + message;
    };
  }
}
