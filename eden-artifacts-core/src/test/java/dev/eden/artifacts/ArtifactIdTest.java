package dev.eden.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactIdTest {

  @Test
  void mintedIdsFollowTheGrammarAndAreUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ArtifactId id = ArtifactId.mint();
      assertThat(id.value()).matches("[0-9a-f]{32}");
      assertThat(seen.add(id.value())).as("duplicate %s", id).isTrue();
    }
  }

  @Test
  void mintedIdsUseEveryHexDigit() {
    Set<Character> digits = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      for (char c : ArtifactId.mint().value().toCharArray()) {
        digits.add(c);
      }
    }
    assertThat(digits).hasSize(16);
  }

  @Test
  void parseRoundTripsAndKeepsValueSemantics() {
    ArtifactId id = ArtifactId.mint();
    ArtifactId parsed = ArtifactId.parse(id.value());
    assertThat(parsed).isEqualTo(id).hasSameHashCodeAs(id);
    assertThat(parsed.toString()).isEqualTo(id.value());
    assertThat(ArtifactId.parse("00000000000000000000000000000000"))
        .isLessThan(ArtifactId.parse("ffffffffffffffffffffffffffffffff"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "0123456789abcdef0123456789abcde",
      "0123456789abcdef0123456789abcdef0",
      "0123456789ABCDEF0123456789ABCDEF",
      "0123456789abcdef0123456789abcdeF",
      "0123456789abcdef0123456789abcdeg",
      "0123456789abcdef/123456789abcdef",
      "0123456789abcdef\\123456789abcdef",
      "..23456789abcdef0123456789abcdef",
      "0123456789abcdef0123456789abc/..",
      " 0123456789abcdef0123456789abcde",
      "0123456789abcdef0123456789abcde\n",
      "0123456789abcdef0123456789abcd%2f",
      "0123456789abcdef0123456789abcde\u0661",
  })
  void parseRejectsAnythingButThirtyTwoLowercaseHex(String text) {
    assertThat(ArtifactId.isValid(text)).isFalse();
    assertThatThrownBy(() -> ArtifactId.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("artifact id must be exactly 32 lowercase hex characters");
  }

  @Test
  void parseRejectsNull() {
    assertThat(ArtifactId.isValid(null)).isFalse();
    assertThatThrownBy(() -> ArtifactId.parse(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("text");
  }
}
