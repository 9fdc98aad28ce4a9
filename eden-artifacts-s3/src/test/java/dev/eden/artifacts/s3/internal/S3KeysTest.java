package dev.eden.artifacts.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The key layout and the prefix rules. */
class S3KeysTest {

  @ParameterizedTest(name = "''{0}'' -> ''{1}''")
  @CsvSource(value = {"'', ''", "/, ''", "//, ''", "eden, eden/", "/eden, eden/", "eden/, eden/",
      "a/b.c/d-e_f, a/b.c/d-e_f/", "x!*'(), x!*'()/"}, quoteCharacter = '\'')
  void prefixesAreNormalised(String raw, String normalised) {
    assertThat(S3Keys.under(raw).prefix()).isEqualTo(normalised);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a//b", "a/./b", "../a", "a/..", "a b", "a\\b", "a\nb", "é", "a?b", "a#b", "a%2F"})
  void badPrefixesAreRefused(String raw) {
    assertThatThrownBy(() -> S3Keys.under(raw)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyPrefix");
  }

  @Test
  void overlongPrefixesAreRefused() {
    assertThat(S3Keys.under("a".repeat(S3Keys.MAX_PREFIX_BYTES - 1)).prefix()).hasSize(S3Keys.MAX_PREFIX_BYTES);
    assertThatThrownBy(() -> S3Keys.under("a".repeat(S3Keys.MAX_PREFIX_BYTES)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keysRoundTripAndNothingElseParses() {
    S3Keys keys = S3Keys.under("p");
    ArtifactId id = ArtifactId.parse("0123456789abcdef0123456789abcdef");
    assertThat(keys.key(id)).isEqualTo("p/01/0123456789abcdef0123456789abcdef");
    assertThat(keys.parse(keys.key(id))).contains(id);
    assertThat(keys.parse(keys.probeKey("x"))).isEmpty();
    for (String other : new String[] {null, "", "p/", "p/01/", "01/0123456789abcdef0123456789abcdef",
        "q/01/0123456789abcdef0123456789abcdef", "p/02/0123456789abcdef0123456789abcdef",
        "p/01x0123456789abcdef0123456789abcdef", "p/01/0123456789ABCDEF0123456789abcdef",
        "p/01/0123456789abcdef0123456789abcdeg", "p/0/10123456789abcdef0123456789abcdef"}) {
      assertThat(keys.parse(other)).as(other).isEmpty();
    }
    assertThat(S3Keys.under("").key(id)).isEqualTo("01/0123456789abcdef0123456789abcdef");
  }

  @Test
  void rangeHeadersAskForExactlyTheBytes() {
    long huge = BucketOps.LARGEST_OBJECT;
    assertThat(BucketOps.rangeHeader(0, Long.MAX_VALUE)).isNull();
    assertThat(BucketOps.rangeHeader(0, huge + 1)).isNull();
    assertThat(BucketOps.rangeHeader(0, huge)).isEqualTo("bytes=0-" + (huge - 1));
    assertThat(BucketOps.rangeHeader(1, Long.MAX_VALUE)).isEqualTo("bytes=1-");
    assertThat(BucketOps.rangeHeader(1, Long.MAX_VALUE - 1)).isEqualTo("bytes=1-");
    assertThat(BucketOps.rangeHeader(Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo("bytes=" + Long.MAX_VALUE + "-");
    assertThat(BucketOps.rangeHeader(Long.MAX_VALUE - 1, 5)).isEqualTo("bytes=" + (Long.MAX_VALUE - 1) + "-");
    assertThat(BucketOps.rangeHeader(0, 1)).isEqualTo("bytes=0-0");
    assertThat(BucketOps.rangeHeader(10, 5)).isEqualTo("bytes=10-14");
    assertThat(BucketOps.rangeHeader(10, 0)).isEqualTo("bytes=10-10");
  }
}
