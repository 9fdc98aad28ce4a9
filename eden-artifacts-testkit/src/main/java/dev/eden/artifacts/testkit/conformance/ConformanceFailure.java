package dev.eden.artifacts.testkit.conformance;

/** A server answer that breaks the contract. The message says what was expected and what came. */
public final class ConformanceFailure extends AssertionError {
  private static final long serialVersionUID = 1L;

  ConformanceFailure(String message) {
    super(message);
  }

  ConformanceFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
