package dev.eden.artifacts.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcCpuTest {
  @Test
  void readsUserAndSystemTicksAfterTheCommandName() {
    String stat = "4242 (java) S 1 4242 4242 0 -1 4194560 90210 0 12 0 1234 567 0 0 20 0 41 0 123 0 0";

    ProcCpu cpu = ProcCpu.parse(stat);

    assertThat(cpu).isEqualTo(new ProcCpu(1234, 567));
    assertThat(cpu.seconds(100)).isEqualTo(18.01);
  }

  @Test
  void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
    String stat = "7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 30 40 0 0 20 0 1 0 5 0 0";

    assertThat(ProcCpu.parse(stat)).isEqualTo(new ProcCpu(30, 40));
  }

  @Test
  void textOfAnotherShapeIsRefused() {
    assertThatThrownBy(() -> ProcCpu.parse("7 (java) S 1 2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fields after the name");
  }
}
