package dev.eden.artifacts.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How often and how long a request is retried after a connection failure or a transient answer
 * (502, 503, 504, or 429). Problem answers of other 4xx types are never retried. Waits grow
 * exponentially from {@link #initialBackoff()} up to {@link #maxBackoff()}, each drawn at random
 * between half and all of the current step (jitter), or exactly the server's {@code Retry-After}
 * when it sends one. No retry starts if it could not begin within {@link #maxElapsed()} of the
 * first attempt. Immutable and thread-safe.
 */
public final class RetryPolicy {
  private static final RetryPolicy NONE = new Builder().maxAttempts(1).build();
  private static final RetryPolicy DEFAULTS = new Builder().build();

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxElapsed;

  private RetryPolicy(Builder builder) {
    this.maxAttempts = builder.maxAttempts;
    this.initialBackoff = builder.initialBackoff;
    this.maxBackoff = builder.maxBackoff;
    this.maxElapsed = builder.maxElapsed;
  }

  /** Four attempts, backoff from 250 ms up to 5 s, at most 30 s in all. */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /** A single attempt: nothing is retried. */
  public static RetryPolicy none() {
    return NONE;
  }

  /** A new builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Attempts in all, including the first; {@code 1} means no retry. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The first wait before a retry; never null. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** The longest single wait before a retry; never null. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** No retry is started later than this after the first attempt began. */
  public Duration maxElapsed() {
    return maxElapsed;
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
        + ", maxBackoff=" + maxBackoff + ", maxElapsed=" + maxElapsed + "}";
  }

  /** Builds a {@link RetryPolicy}; starts from {@link #defaults()}. Not thread-safe. */
  public static final class Builder {
    private int maxAttempts = 4;
    private Duration initialBackoff = Duration.ofMillis(250);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Duration maxElapsed = Duration.ofSeconds(30);

    private Builder() {
    }

    /** @throws IllegalArgumentException if less than 1 */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** @throws IllegalArgumentException if negative; {@link NullPointerException} if null */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = nonNegative(initialBackoff, "initialBackoff");
      return this;
    }

    /** @throws IllegalArgumentException if negative; {@link NullPointerException} if null */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = nonNegative(maxBackoff, "maxBackoff");
      return this;
    }

    /** @throws IllegalArgumentException if negative; {@link NullPointerException} if null */
    public Builder maxElapsed(Duration maxElapsed) {
      this.maxElapsed = nonNegative(maxElapsed, "maxElapsed");
      return this;
    }

    /** @throws IllegalArgumentException if {@code initialBackoff} exceeds {@code maxBackoff} */
    public RetryPolicy build() {
      if (initialBackoff.compareTo(maxBackoff) > 0) {
        throw new IllegalArgumentException("initialBackoff (" + initialBackoff
            + ") must not exceed maxBackoff (" + maxBackoff + ")");
      }
      return new RetryPolicy(this);
    }

    private static Duration nonNegative(Duration value, String name) {
      requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative: " + value);
      }
      return value;
    }
  }
}
