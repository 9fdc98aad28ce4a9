package dev.eden.artifacts.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class S3BaselinePartsTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void oneGibibyteInEightMibibytePartsIsOneHundredTwentyEightWholeParts() {
    var parts = Parts.of(1024 * MIB, 8 * MIB);

    assertThat(parts).hasSize(128);
    assertThat(parts.get(0)).isEqualTo(new Parts.Part(1, 0, (int) (8 * MIB)));
    assertThat(parts.get(127)).isEqualTo(new Parts.Part(128, 127 * 8 * MIB, (int) (8 * MIB)));
  }

  @Test
  void theLastPartHoldsTheRest() {
    var parts = Parts.of(20 * MIB + 1, 8 * MIB);

    assertThat(parts).extracting(Parts.Part::length)
        .containsExactly((int) (8 * MIB), (int) (8 * MIB), (int) (4 * MIB + 1));
    assertThat(parts).extracting(Parts.Part::offset).containsExactly(0L, 8 * MIB, 16 * MIB);
  }

  @Test
  void anEmptyFileIsOneEmptyPart() {
    assertThat(Parts.of(0, 8 * MIB)).containsExactly(new Parts.Part(1, 0, 0));
  }

  @Test
  void moreThanTenThousandPartsAreRefused() {
    assertThatThrownBy(() -> Parts.of(10_001 * 5 * MIB, 5 * MIB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("S3 allows 10000");
  }
}
