package dev.eden.artifacts.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactCursorTest {
  private static final ArtifactId ID = ArtifactId.parse("0123456789abcdef0123456789abcdef");

  @Test
  void tokenRoundTripsAndIsSafeInAQueryAndInJson() {
    for (Instant at : new Instant[] {Instant.EPOCH, Instant.parse("2026-11-29T18:00:00.123Z"),
        Instant.parse("1960-01-01T00:00:00.001Z"), Instant.parse("9999-12-31T23:59:59.999Z")}) {
      ArtifactCursor cursor = new ArtifactCursor(at, ID);
      String token = cursor.token();
      assertThat(token).matches("[A-Za-z0-9_-]+").hasSizeLessThanOrEqualTo(ArtifactCursor.MAX_TOKEN_LENGTH);
      assertThat(ArtifactCursor.parse(token)).isEqualTo(cursor);
    }
  }

  @Test
  void positionIsTruncatedToMillisecondsLikeTheRows() {
    assertThat(new ArtifactCursor(Instant.parse("2026-01-01T00:00:00.123999Z"), ID).createdAt())
        .isEqualTo(Instant.parse("2026-01-01T00:00:00.123Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not a cursor", "MTo=", "====", "a", "0123456789abcdef0123456789abcdef"})
  void malformedTokensAreRefused(String token) {
    assertThatThrownBy(() -> ArtifactCursor.parse(token))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a listing cursor");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "2:1:0123456789abcdef0123456789abcdef", // another version
    "1:1:0123456789ABCDEF0123456789ABCDEF", // not an id
    "1:99999999999999999999:0123456789abcdef0123456789abcdef", // beyond a long
    "1:1:0123456789abcdef0123456789abcdef:", // trailing text
    "1:+1:0123456789abcdef0123456789abcdef",
  })
  void wellEncodedButWrongContentIsRefused(String plain) {
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> ArtifactCursor.parse(token)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void overlongTokensAreRefusedBeforeDecoding() {
    assertThatThrownBy(() -> ArtifactCursor.parse("A".repeat(ArtifactCursor.MAX_TOKEN_LENGTH + 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ArtifactCursor.parse(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void orderIsNewestFirstThenIdDescending() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    ArtifactCursor newer = new ArtifactCursor(t.plusMillis(1), ArtifactId.parse("0".repeat(32)));
    ArtifactCursor higherId = new ArtifactCursor(t, ArtifactId.parse("f".repeat(32)));
    ArtifactCursor lowerId = new ArtifactCursor(t, ArtifactId.parse("1".repeat(32)));
    assertThat(ArtifactCursor.ORDER.compare(newer, higherId)).isNegative();
    assertThat(ArtifactCursor.ORDER.compare(higherId, lowerId)).isNegative();
    assertThat(ArtifactCursor.ORDER.compare(lowerId, lowerId)).isZero();
  }
}
