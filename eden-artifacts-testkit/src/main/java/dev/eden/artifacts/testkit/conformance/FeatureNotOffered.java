package dev.eden.artifacts.testkit.conformance;

/**
 * Thrown by a check of the optional HTTP semantics group when the server does not offer the
 * feature the check observes: the check is then reported as skipped, with this message.
 */
final class FeatureNotOffered extends RuntimeException {
  private static final long serialVersionUID = 1L;

  FeatureNotOffered(String message) {
    super(message, null, false, false);
  }
}
