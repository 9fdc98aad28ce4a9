package dev.eden.artifacts.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pacing arithmetic, on a fake clock that only the sleeper moves (besides the test). */
class ByteRateLimiterTest {
  private static final long SECOND = 1_000_000_000L;

  private long now = 42 * SECOND;
  private final List<Long> sleeps = new ArrayList<>();

  private ByteRateLimiter limiter(long bytesPerSecond) {
    return new ByteRateLimiter(bytesPerSecond, () -> now, nanos -> {
      sleeps.add(nanos);
      now += nanos;
    });
  }

  @Test
  void eachChunkIsPaidForByWaitingBeforeTheNext() throws Exception {
    ByteRateLimiter limiter = limiter(1000);
    for (int i = 0; i < 5; i++) {
      limiter.paid(1000);
    }
    assertThat(sleeps).containsExactly(SECOND, SECOND, SECOND, SECOND);
    assertThat(now).isEqualTo(46 * SECOND);
  }

  @Test
  void storageSlowerThanTheRateIsNeverSlowedFurther() throws Exception {
    ByteRateLimiter limiter = limiter(1000);
    for (int i = 0; i < 5; i++) {
      limiter.paid(1000);
      now += 2 * SECOND; // the next read takes two seconds
    }
    assertThat(sleeps).isEmpty();
  }

  @Test
  void idleTimeEarnsNoBurst() throws Exception {
    ByteRateLimiter limiter = limiter(1000);
    limiter.paid(1000);
    now += 100 * SECOND;
    limiter.paid(500);
    limiter.paid(500);
    limiter.paid(500);
    assertThat(sleeps).containsExactly(SECOND / 2, SECOND / 2);
  }

  @Test
  void fractionsOfANanosecondAddUp() throws Exception {
    ByteRateLimiter limiter = limiter(3);
    for (int i = 0; i < 4; i++) {
      limiter.paid(1);
    }
    assertThat(sleeps).containsExactly(333_333_333L, 333_333_333L, 333_333_334L);
    assertThat(sleeps.stream().mapToLong(Long::longValue).sum()).isEqualTo(SECOND);
  }

  @Test
  void hugeRatesAndChunksDoNotOverflow() throws Exception {
    ByteRateLimiter limiter = limiter(Long.MAX_VALUE);
    for (int i = 0; i < 10; i++) {
      limiter.paid(Integer.MAX_VALUE);
    }
    assertThat(sleeps).allSatisfy(nanos -> assertThat(nanos).isBetween(0L, 1L));
  }

  @Test
  void aChunkIsASecondsWorthAtMostTheBuffer() {
    assertThat(limiter(1000).chunk(65536)).isEqualTo(1000);
    assertThat(limiter(50_000_000).chunk(65536)).isEqualTo(65536);
    assertThat(limiter(1).chunk(65536)).isEqualTo(1);
  }

  @Test
  void aRateBelowOneByteAndNegativeReadsAreRefused() {
    assertThatThrownBy(() -> limiter(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> limiter(10).paid(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
