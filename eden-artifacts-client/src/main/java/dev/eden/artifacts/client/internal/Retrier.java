package dev.eden.artifacts.client.internal;

import dev.eden.artifacts.client.ArtifactDigestMismatchException;
import dev.eden.artifacts.client.RetryPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.Response;

/**
 * Runs an attempt under a {@link RetryPolicy}. An attempt signals a transient answer (502, 503,
 * 504, 429) by throwing {@link TransientAnswer}; connection failures arrive as
 * {@link IOException}s; a local file error arrives as a {@link LocalFailure}, which ends the run at
 * once and is rethrown unwrapped. Everything unchecked (problem answers, the caller's own limits) passes
 * straight through. A digest mismatch is retried at most once per run, within the policy's
 * attempts. Thread-safe.
 */
public final class Retrier {
  private final Sleeper sleeper;

  public Retrier() {
    this(Thread::sleep);
  }

  Retrier(Sleeper sleeper) {
    this.sleeper = sleeper;
  }

  /** One try at a request. */
  @FunctionalInterface
  public interface Attempt<T> {
    T run() throws IOException, TransientAnswer, LocalFailure;
  }

  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  /**
   * A transient error answer, already turned into the exception to throw if no retry is left.
   * Checked so that an attempt cannot forget it.
   */
  public static final class TransientAnswer extends Exception {
    private static final long serialVersionUID = 1L;
    private final RuntimeException failure;
    private final Duration retryAfter;

    public TransientAnswer(RuntimeException failure, Duration retryAfter) {
      super(null, null, false, false);
      this.failure = failure;
      this.retryAfter = retryAfter;
    }
  }

  /**
   * A failure of this machine, such as a file that cannot be written: no new request can cure it,
   * so it ends the run at once and its {@link IOException} is rethrown as it is. Checked, and
   * distinct from the {@code IOException}s of the connection, so that an attempt says which one it
   * met.
   */
  public static final class LocalFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final IOException failure;

    public LocalFailure(IOException failure) {
      super(null, null, false, false);
      this.failure = failure;
    }
  }

  /** Whether an answer with this status is worth another attempt. */
  public static boolean isTransient(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  public <T> T run(RetryPolicy policy, Attempt<T> attempt) throws IOException {
    return run(policy, attempt, () -> 0);
  }

  /**
   * As {@link #run(RetryPolicy, Attempt)}, for attempts that keep what they achieved (a resumed
   * download): after a failed attempt that moved {@code progress} forward, the policy's budget
   * starts afresh — attempts, {@code maxElapsed} and backoff — so a long transfer survives any
   * number of breaks as long as each one made progress, and gives up only after the policy's
   * attempts or time passed without any. It ends: each fresh start needs progress, which is bounded.
   *
   * @param progress how much has been achieved so far (for a download, the bytes kept); never
   *     decreasing, except to start over (which is no progress)
   */
  public <T> T run(RetryPolicy policy, Attempt<T> attempt, LongSupplier progress) throws IOException {
    long deadline = System.nanoTime() + policy.maxElapsed().toNanos();
    long step = Math.max(1, policy.initialBackoff().toMillis());
    long achieved = progress.getAsLong();
    boolean mismatchSeen = false;
    for (int attemptNumber = 1; ; attemptNumber++) {
      Duration retryAfter;
      Exception failure;
      try {
        return attempt.run();
      } catch (LocalFailure local) {
        throw local.failure;
      } catch (TransientAnswer answer) {
        failure = answer.failure;
        retryAfter = answer.retryAfter;
      } catch (IOException e) {
        if (!isRetryable(e)) {
          throw e;
        }
        // One fresh download tells corruption on the way (usually gone on the next attempt) from
        // corruption at rest (repeated by every attempt, so a third would be wasted bandwidth).
        if (e instanceof ArtifactDigestMismatchException) {
          if (mismatchSeen) {
            throw e;
          }
          mismatchSeen = true;
        }
        failure = e;
        retryAfter = null;
      }
      long now = progress.getAsLong();
      if (now > achieved) {
        achieved = now;
        attemptNumber = 1;
        deadline = System.nanoTime() + policy.maxElapsed().toNanos();
        step = Math.max(1, policy.initialBackoff().toMillis());
      }
      long waitMillis = retryAfter != null
          ? retryAfter.toMillis()
          : ThreadLocalRandom.current().nextLong(step / 2, step + 1);
      boolean exhausted = attemptNumber >= policy.maxAttempts()
          || System.nanoTime() + waitMillis * 1_000_000L > deadline;
      if (exhausted) {
        throw rethrow(failure);
      }
      sleep(waitMillis);
      step = Math.min(step * 2, Math.max(1, policy.maxBackoff().toMillis()));
    }
  }

  private void sleep(long millis) throws InterruptedIOException {
    try {
      sleeper.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting to retry");
      interrupted.initCause(e);
      throw interrupted;
    }
  }

  private static IOException rethrow(Exception failure) {
    if (failure instanceof RuntimeException) {
      throw (RuntimeException) failure;
    }
    return (IOException) failure;
  }

  /**
   * Connection refused or reset, time-outs on a socket, a body cut short: worth another try.
   * Configuration errors (unknown host, TLS trust) and a cancelled or timed-out call are not.
   */
  static boolean isRetryable(IOException e) {
    if (e instanceof SocketTimeoutException) {
      return true;
    }
    return !(e instanceof InterruptedIOException
        || e instanceof UnknownHostException
        || e instanceof SSLHandshakeException
        || e instanceof SSLPeerUnverifiedException);
  }

  /**
   * Parses {@code Retry-After}: delay-seconds or an HTTP date. Returns {@code null} when absent or
   * unreadable (the policy's backoff applies then).
   */
  public static Duration retryAfter(Response response) {
    String value = response.header("Retry-After");
    if (value == null) {
      return null;
    }
    value = value.trim();
    try {
      long seconds = Long.parseLong(value);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration delay = Duration.between(ZonedDateTime.now(when.getZone()), when);
        return delay.isNegative() ? Duration.ZERO : delay;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }
}
