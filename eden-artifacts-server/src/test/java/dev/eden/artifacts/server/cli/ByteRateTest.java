package dev.eden.artifacts.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteRateTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "50MB         | 50000000      | 50 MB/s",
      "50 MB/s      | 50000000      | 50 MB/s",
      "500kB        | 500000        | 500 kB/s",
      "500KB        | 500000        | 500 kB/s",
      "1GiB         | 1073741824    | 1 GiB/s",
      "1.5GiB/s     | 1610612736    | 1536 MiB/s",
      "1MiB         | 1048576       | 1 MiB/s",
      "2TB          | 2000000000000 | 2 TB/s",
      "1000000      | 1000000       | 1 MB/s",
      "1234B        | 1234          | 1234 B/s",
      "1            | 1             | 1 B/s",
      "0.5kB        | 500           | 500 B/s",
      "unlimited    | 0             | unlimited",
  })
  void readsSiAndIecUnits(String text, long bytesPerSecond, String shown) {
    ByteRate rate = ByteRate.parse(text);
    assertThat(rate.bytesPerSecond()).isEqualTo(bytesPerSecond);
    assertThat(rate.isUnlimited()).isEqualTo(bytesPerSecond == 0);
    assertThat(rate).hasToString(shown);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "nonsense           | is not a byte rate",
      "''                 | is not a byte rate",
      "-1MB               | is not a byte rate",
      "0                  | less than one byte per second",
      "0.5                | less than one byte per second",
      "50mb               | 'b' would be bits",
      "50Mb               | 'b' would be bits",
      "50M                | unknown unit 'M'",
      "50XB               | unknown unit 'XB'",
      "9999999999TB       | too large",
  })
  void refusesWhatIsNotARateWithAReason(String text, String reason) {
    assertThatThrownBy(() -> ByteRate.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason).hasMessageContaining("'" + text + "'");
  }
}
