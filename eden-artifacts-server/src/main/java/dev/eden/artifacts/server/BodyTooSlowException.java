package dev.eden.artifacts.server;

/**
 * A deposit body fell below the minimum data rate; answered 408 with an {@code about:blank}
 * problem and {@code Connection: close}, after its pending deposit was abandoned (nothing stored).
 */
final class BodyTooSlowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BodyTooSlowException(String detail) {
    super(detail, null, false, false);
  }
}
