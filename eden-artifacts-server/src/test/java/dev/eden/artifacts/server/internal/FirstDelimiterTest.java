package dev.eden.artifacts.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FirstDelimiterTest {
  private static final byte[] BOUNDARY = "b0und".getBytes(StandardCharsets.US_ASCII);

  /** Runs the scan; returns its answer and what it left unread. */
  private static String scan(String body) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1));
    boolean part = FirstDelimiter.skipTo(in, BOUNDARY);
    return part + ":" + new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"--b0und\r\n", "--b0und  \r\n", "--b0und\t \t\r\n", "--b0und\n", "--b0und \n",
      "preamble\r\n--b0und\r\n", "line\n--b0und-x\r\n--b0undx\r\n---b0und\r\n --b0und\r\n--b0und\r\n",
      "--b0und-\n--b0und\r\n", "--b0und \r\r\n--b0und\r\n", "--b0und x\r\n--b0und\r\n"})
  void stopsRightAfterTheFirstDelimiterLine(String head) throws IOException {
    assertThat(scan(head + "Content-Disposition: x")).isEqualTo("true:Content-Disposition: x");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--b0und--", "--b0und--\r\n", "--b0und--  \r\nepilogue", "pre\r\n--b0und--"})
  void closingDelimiterFirstMeansNoPart(String body) throws IOException {
    assertThat(scan(body)).startsWith("false:");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "text", "text\r\n", "--b0und", "--b0und  ", "--b0und\r", "--b0und-", "x--b0und\r\n",
      "--b0unD\r\n", "--b0un\r\n"})
  void bodyWithoutADelimiterLineIsMalformed(String body) {
    assertThatThrownBy(() -> scan(body)).isInstanceOf(MalformedMultipartException.class)
        .hasMessage(FirstDelimiter.NO_DELIMITER);
  }
}
