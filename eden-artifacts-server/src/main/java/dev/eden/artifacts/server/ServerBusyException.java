package dev.eden.artifacts.server;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The server sheds a request because a bounded resource is full: every deposit slot is taken, or
 * too many slow secret verifications are running or waiting. The endpoints answer it with
 * {@code 503 Service Unavailable}, an {@code about:blank} problem+json body (the contract's closed
 * vocabulary has no type for it, WIRE-CONTRACT §6 and §10), a {@code Retry-After} header in whole
 * seconds, and {@code Connection: close}; nothing is stored. An {@link Authenticator} may throw it
 * to refuse a verification it cannot afford now, instead of making the request thread wait.
 *
 * <p>Its message is sent to the client as the problem's {@code detail}: it must never hold a
 * secret. Immutable.
 */
public final class ServerBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Duration retryAfter;

  /**
   * @param detail what is full, in words a client may read (never a secret)
   * @param retryAfter when the client may try again; rounded up to whole seconds, at least one
   */
  public ServerBusyException(String detail, Duration retryAfter) {
    super(requireNonNull(detail, "detail"), null, false, false);
    requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative");
    }
    this.retryAfter = retryAfter;
  }

  /** The wait the client is told, in whole seconds: the given duration rounded up, at least 1. */
  public long retryAfterSeconds() {
    long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }
}
