package dev.eden.artifacts.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateTest {
  @Test
  void fiveThousandOperationsInTenSecondsAreFiveHundredPerSecond() {
    assertThat(new Rate(5_000, 10_000_000_000L).resultLine("s3_small_put"))
        .isEqualTo("RATE s3_small_put 5000 10.000 500.0");
  }
}
