package dev.eden.artifacts.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eden.artifacts.client.RetryPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.FileSystemException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** Backoff, bounds and Retry-After, with the waits recorded instead of slept. */
class RetrierTest {
  private final List<Long> waits = new ArrayList<>();
  private final Retrier retrier = new Retrier(waits::add);

  private static RetryPolicy policy(int attempts, long initialMillis, long maxMillis) {
    return RetryPolicy.builder().maxAttempts(attempts).initialBackoff(Duration.ofMillis(initialMillis))
        .maxBackoff(Duration.ofMillis(maxMillis)).maxElapsed(Duration.ofMinutes(1)).build();
  }

  @Test
  void backoffDoublesWithJitterUpToTheMaximum() {
    IOException refused = new ConnectException("refused");
    Throwable thrown = catchThrowable(() -> retrier.run(policy(6, 100, 400), () -> {
      throw refused;
    }));
    assertThat(thrown).isSameAs(refused);
    assertThat(waits).hasSize(5);
    long[][] bounds = {{50, 100}, {100, 200}, {200, 400}, {200, 400}, {200, 400}};
    for (int i = 0; i < waits.size(); i++) {
      assertThat(waits.get(i)).isBetween(bounds[i][0], bounds[i][1]);
    }
  }

  @Test
  void transientAnswerHonoursRetryAfterThenSucceeds() throws Exception {
    int[] calls = {0};
    String result = retrier.run(policy(3, 10, 10), () -> {
      if (calls[0]++ == 0) {
        throw new Retrier.TransientAnswer(new IllegalStateException("503"), Duration.ofSeconds(2));
      }
      return "ok";
    });
    assertThat(result).isEqualTo("ok");
    assertThat(waits).containsExactly(2000L);
  }

  @Test
  void lastTransientAnswerIsThrownWhenAttemptsRunOut() {
    IllegalStateException last = new IllegalStateException("still 503");
    Throwable thrown = catchThrowable(() -> retrier.run(policy(2, 1, 1), () -> {
      throw new Retrier.TransientAnswer(last, null);
    }));
    assertThat(thrown).isSameAs(last);
    assertThat(waits).hasSize(1);
  }

  @Test
  void localFailureEndsTheRunAtOnceAsTheFileSystemReportedIt() {
    IOException diskFull = new FileSystemException("/data/plan.txt", null, "No space left on device");
    int[] calls = {0};
    Throwable thrown = catchThrowable(() -> retrier.run(policy(5, 1, 1), () -> {
      calls[0]++;
      throw new Retrier.LocalFailure(diskFull);
    }));
    assertThat(thrown).isSameAs(diskFull);
    assertThat(calls[0]).isEqualTo(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void retryThatCouldNotStartWithinTheBudgetIsNotAttempted() {
    RetryPolicy budget = RetryPolicy.builder().maxAttempts(10).maxElapsed(Duration.ofSeconds(1))
        .build();
    Throwable thrown = catchThrowable(() -> retrier.run(budget, () -> {
      throw new Retrier.TransientAnswer(new IllegalStateException("429"), Duration.ofSeconds(5));
    }));
    assertThat(thrown).hasMessage("429");
    assertThat(waits).isEmpty();
  }

  @Test
  void onlyConnectionFailuresAreRetryable() {
    assertThat(Retrier.isRetryable(new ConnectException())).isTrue();
    assertThat(Retrier.isRetryable(new SocketTimeoutException())).isTrue();
    assertThat(Retrier.isRetryable(new IOException("unexpected end of stream"))).isTrue();
    assertThat(Retrier.isRetryable(new InterruptedIOException("timeout"))).isFalse();
    assertThat(Retrier.isRetryable(new UnknownHostException("nowhere"))).isFalse();
  }

  @Test
  void retryAfterAcceptsSecondsAndHttpDates() {
    assertThat(Retrier.retryAfter(response("7"))).isEqualTo(Duration.ofSeconds(7));
    assertThat(Retrier.retryAfter(response("-1"))).isNull();
    assertThat(Retrier.retryAfter(response("soon"))).isNull();
    assertThat(Retrier.retryAfter(response(null))).isNull();
    String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.now(ZoneOffset.UTC).minusHours(1));
    assertThat(Retrier.retryAfter(response(past))).isEqualTo(Duration.ZERO);
    String future = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));
    assertThat(Retrier.retryAfter(response(future))).isBetween(Duration.ofSeconds(25),
        Duration.ofSeconds(30));
  }

  @Test
  void interruptedWaitStopsRetryingAndKeepsTheFlag() {
    Retrier interrupting = new Retrier(millis -> {
      throw new InterruptedException();
    });
    Throwable thrown = catchThrowable(() -> interrupting.run(policy(3, 1, 1), () -> {
      throw new ConnectException("refused");
    }));
    assertThat(thrown).isInstanceOf(InterruptedIOException.class)
        .hasMessage("interrupted while waiting to retry");
    assertThat(Thread.interrupted()).isTrue();
  }

  private static Response response(String retryAfter) {
    Response.Builder builder = new Response.Builder()
        .request(new Request.Builder().url("http://localhost/").build())
        .protocol(Protocol.HTTP_1_1).code(503).message("Service Unavailable");
    if (retryAfter != null) {
      builder.header("Retry-After", retryAfter);
    }
    return builder.build();
  }
}
