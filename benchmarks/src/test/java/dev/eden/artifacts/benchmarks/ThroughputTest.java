package dev.eden.artifacts.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ThroughputTest {
  @Test
  void oneGibibyteInTwoSecondsIsFiveHundredTwelveMibPerSecond() {
    Throughput t = new Throughput(1L << 30, 2_000_000_000L);

    assertThat(t.mibPerSecond()).isEqualTo(512.0);
    assertThat(t.resultLine("client_deposit")).isEqualTo("RESULT client_deposit 1073741824 2.000 512.0");
  }

  @Test
  void aLabelWithSpacesIsRefusedBecauseRunShSplitsOnThem() {
    assertThatThrownBy(() -> new Throughput(1, 1).resultLine("client deposit"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("label must be one non-empty word: 'client deposit'");
  }

  @Test
  void aZeroDurationIsRefused() {
    assertThatThrownBy(() -> new Throughput(1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nanos must be positive: 0");
  }
}
