package dev.eden.artifacts.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.server.internal.Preconditions.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Entity tags, HTTP-dates and the §13.2.2 order in which conditional fields are decided. */
class ConditionalFieldsTest {
  static final String ETAG = "\"abc\"";
  static final Instant MODIFIED = Instant.parse("2026-03-04T05:06:07.890Z");

  @Test
  void strongComparisonRefusesWeakTagsWeakComparisonIgnoresTheFlag() {
    assertThat(EntityTags.anyMatchesStrongly(List.of("\"abc\""), ETAG)).isTrue();
    assertThat(EntityTags.anyMatchesStrongly(List.of("W/\"abc\""), ETAG)).isFalse();
    assertThat(EntityTags.anyMatchesWeakly(List.of("W/\"abc\""), ETAG)).isTrue();
    assertThat(EntityTags.anyMatchesWeakly(List.of("\"x\" , W/\"abc\""), ETAG)).isTrue();
    assertThat(EntityTags.anyMatchesWeakly(List.of("\"x\"", "\"abc\""), ETAG)).as("one tag per line").isTrue();
    assertThat(EntityTags.anyMatchesStrongly(List.of(" * "), ETAG)).isTrue();
  }

  @Test
  void malformedTagListsMatchNothing() {
    for (String value : List.of("abc", "\"abc", "w/\"abc\"", "\"abc\" \"abc\"", "\"a\"b\"", "", ",")) {
      assertThat(EntityTags.anyMatchesWeakly(List.of(value), ETAG)).as(value).isFalse();
    }
  }

  @Test
  void allThreeHttpDateFormatsAreReadAndImfFixdateIsWritten() {
    Instant expected = Instant.parse("1994-11-06T08:49:37Z");
    assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT")).contains(expected);
    assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT")).contains(expected);
    assertThat(HttpDates.parse("Sun Nov  6 08:49:37 1994")).contains(expected);
    assertThat(HttpDates.format(MODIFIED)).isEqualTo("Wed, 04 Mar 2026 05:06:07 GMT");
    for (String invalid : List.of("Mon, 06 Nov 1994 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 +0000", "1994-11-06T08:49:37Z", "")) {
      assertThat(HttpDates.parse(invalid)).as(invalid).isEmpty();
    }
  }

  @Test
  void preconditionsFollowTheOrderOfRfc9110Section13_2_2() {
    String at = HttpDates.format(MODIFIED);
    String before = HttpDates.format(MODIFIED.minusSeconds(1));
    assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
    assertThat(evaluate("If-Match", "\"x\"", "If-None-Match", ETAG)).isEqualTo(Outcome.PRECONDITION_FAILED);
    assertThat(evaluate("If-Match", ETAG, "If-Unmodified-Since", before)).isEqualTo(Outcome.PROCEED);
    assertThat(evaluate("If-Unmodified-Since", before)).isEqualTo(Outcome.PRECONDITION_FAILED);
    assertThat(evaluate("If-Unmodified-Since", at)).as("same second").isEqualTo(Outcome.PROCEED);
    assertThat(evaluate("If-None-Match", ETAG, "If-Modified-Since", before)).isEqualTo(Outcome.NOT_MODIFIED);
    assertThat(evaluate("If-None-Match", "\"x\"", "If-Modified-Since", at)).isEqualTo(Outcome.PROCEED);
    assertThat(evaluate("If-Modified-Since", at)).isEqualTo(Outcome.NOT_MODIFIED);
    assertThat(evaluate("If-Modified-Since", before)).isEqualTo(Outcome.PROCEED);
  }

  @Test
  void ifRangeNeedsAStrongTagOrTheExactDate() {
    assertThat(Preconditions.rangeApplies(headers(), ETAG, MODIFIED)).isTrue();
    assertThat(Preconditions.rangeApplies(headers("If-Range", ETAG), ETAG, MODIFIED)).isTrue();
    assertThat(Preconditions.rangeApplies(headers("If-Range", HttpDates.format(MODIFIED)), ETAG, MODIFIED)).isTrue();
    assertThat(Preconditions.rangeApplies(headers("If-Range", "W/" + ETAG), ETAG, MODIFIED)).isFalse();
    assertThat(Preconditions.rangeApplies(headers("If-Range", ETAG + ", " + ETAG), ETAG, MODIFIED)).isFalse();
    assertThat(Preconditions.rangeApplies(headers("If-Range", HttpDates.format(MODIFIED.plusSeconds(1))), ETAG, MODIFIED)).isFalse();
    assertThat(Preconditions.rangeApplies(headers("If-Range", ETAG, "If-Range", ETAG), ETAG, MODIFIED)).isFalse();
  }

  private static Outcome evaluate(String... nameValues) {
    return Preconditions.evaluate(headers(nameValues), ETAG, MODIFIED);
  }

  private static Function<String, List<String>> headers(String... nameValues) {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < nameValues.length; i += 2) {
      map.merge(nameValues[i], List.of(nameValues[i + 1]),
          (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
    }
    return name -> map.getOrDefault(name, List.of());
  }
}
