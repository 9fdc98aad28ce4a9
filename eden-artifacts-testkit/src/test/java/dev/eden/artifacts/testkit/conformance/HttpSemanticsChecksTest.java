package dev.eden.artifacts.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.testkit.conformance.CheckResult.Outcome;
import dev.eden.artifacts.testkit.conformance.SemanticsServer.Feature;
import dev.eden.artifacts.testkit.conformance.SemanticsServer.Flaw;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The HTTP semantics group against a tiny server that offers every feature and keeps every rule
 * (all pass), one that offers none (all skip), one feature at a time (the others skip), and one
 * broken rule at a time (exactly the checks that observe that rule fail).
 */
class HttpSemanticsChecksTest {
  private static final String HEAD_MIRRORS = "http/head-mirrors-get-headers-without-body";
  private static final String HEAD_REFUSED = "http/head-is-refused-like-get";
  private static final String ETAG_STRONG = "http/etag-is-strong-and-stable";
  private static final String CACHE_HEADERS = "http/etag-comes-with-last-modified-and-private-cache-control";
  private static final String NOT_MODIFIED = "http/if-none-match-with-the-etag-is-304-without-body";
  private static final String MODIFIED_SINCE = "http/if-modified-since-last-modified-is-304";
  private static final String IF_MATCH = "http/if-match-mismatch-is-412-about-blank";
  private static final String STRANGER = "http/stranger-with-matching-if-none-match-is-still-forbidden";
  private static final String UNKNOWN = "http/unknown-uri-with-preconditions-is-still-not-found";
  private static final String SLICES = "http/range-slices-are-byte-exact";
  private static final String SUFFIX = "http/suffix-and-open-ended-ranges-are-byte-exact";
  private static final String UNSATISFIABLE = "http/range-from-the-size-is-416";
  private static final String MALFORMED = "http/malformed-range-is-ignored-or-416";
  private static final String IF_RANGE = "http/if-range-with-the-etag-is-206";
  private static final String IF_RANGE_OTHER = "http/if-range-with-another-etag-is-the-full-200";
  private static final String RANGE_REFUSED = "http/unauthenticated-range-request-is-unauthorized";
  private static final String DIGEST = "http/repr-digest-is-the-sha-256-of-the-fetched-bytes";
  private static final String RANGE_DIGEST = "http/repr-digest-of-a-range-is-the-whole-artifacts";

  private static final Map<Feature, Set<String>> CHECKS_OF = new EnumMap<>(Map.of(
      Feature.HEAD, Set.of(HEAD_MIRRORS, HEAD_REFUSED),
      Feature.VALIDATORS, Set.of(ETAG_STRONG, CACHE_HEADERS, NOT_MODIFIED, MODIFIED_SINCE,
          IF_MATCH, STRANGER, UNKNOWN),
      Feature.RANGES, Set.of(SLICES, SUFFIX, UNSATISFIABLE, MALFORMED, RANGE_REFUSED),
      Feature.DIGESTS, Set.of(DIGEST)));

  /** What each flaw must fail: the checks that observe its rule, and no other. */
  private static final Map<Flaw, Set<String>> FAILS = new EnumMap<>(Flaw.class);

  static {
    FAILS.put(Flaw.HEAD_WITH_BODY, Set.of(HEAD_MIRRORS));
    FAILS.put(Flaw.HEAD_WITHOUT_ETAG, Set.of(HEAD_MIRRORS));
    FAILS.put(Flaw.HEAD_ANSWERS_200_TO_STRANGER, Set.of(HEAD_REFUSED));
    FAILS.put(Flaw.WEAK_ETAG, Set.of(ETAG_STRONG, NOT_MODIFIED, IF_MATCH));
    FAILS.put(Flaw.ETAG_CHANGES, Set.of(HEAD_MIRRORS, ETAG_STRONG, NOT_MODIFIED, IF_MATCH,
        SLICES, SUFFIX, IF_RANGE, RANGE_DIGEST));
    FAILS.put(Flaw.PUBLIC_CACHE_CONTROL, Set.of(CACHE_HEADERS));
    FAILS.put(Flaw.NOT_MODIFIED_WITH_BODY, Set.of(NOT_MODIFIED, MODIFIED_SINCE));
    FAILS.put(Flaw.NOT_MODIFIED_WITHOUT_ETAG, Set.of(NOT_MODIFIED));
    FAILS.put(Flaw.IF_NONE_MATCH_STRONG_ONLY, Set.of(NOT_MODIFIED));
    FAILS.put(Flaw.IF_MODIFIED_SINCE_IGNORED, Set.of(MODIFIED_SINCE));
    FAILS.put(Flaw.IF_MATCH_IGNORED, Set.of(IF_MATCH));
    FAILS.put(Flaw.IF_MATCH_WEAK_COMPARISON, Set.of(IF_MATCH));
    FAILS.put(Flaw.PRECONDITION_FAILED_AS_TEXT, Set.of(IF_MATCH));
    FAILS.put(Flaw.PRECONDITIONS_BEFORE_ACL, Set.of(STRANGER));
    FAILS.put(Flaw.PRECONDITIONS_BEFORE_LOOKUP, Set.of(UNKNOWN));
    FAILS.put(Flaw.RANGE_OFF_BY_ONE, Set.of(SLICES, SUFFIX, IF_RANGE, RANGE_DIGEST));
    FAILS.put(Flaw.RANGE_END_NOT_CLAMPED, Set.of(SLICES, SUFFIX));
    FAILS.put(Flaw.SUFFIX_FROM_THE_START, Set.of(SUFFIX));
    FAILS.put(Flaw.UNSATISFIABLE_AS_FULL, Set.of(UNSATISFIABLE));
    FAILS.put(Flaw.UNSATISFIABLE_WITHOUT_SIZE, Set.of(UNSATISFIABLE));
    FAILS.put(Flaw.MALFORMED_RANGE_IS_500, Set.of(MALFORMED));
    FAILS.put(Flaw.IF_RANGE_IGNORED, Set.of(IF_RANGE_OTHER));
    FAILS.put(Flaw.IF_RANGE_NEVER_MATCHES, Set.of(IF_RANGE));
    FAILS.put(Flaw.RANGE_BEFORE_AUTHENTICATION, Set.of(RANGE_REFUSED));
    FAILS.put(Flaw.DIGEST_OF_THE_SLICE, Set.of(RANGE_DIGEST));
    FAILS.put(Flaw.DIGEST_WRONG, Set.of(DIGEST, RANGE_DIGEST));
  }

  /** What a flaw may leave untested: If-Range needs a strong ETag. */
  private static final Map<Flaw, Set<String>> SKIPS =
      Map.of(Flaw.WEAK_ETAG, Set.of(IF_RANGE, IF_RANGE_OTHER));

  @Test
  void everyCheckPassesAgainstAServerThatKeepsEveryRule() throws Exception {
    try (SemanticsServer server = SemanticsServer.complete()) {
      Map<String, CheckResult> results = run(server.config().build());

      assertThat(results.values()).allSatisfy(r ->
          assertThat(r.outcome()).as(r.line()).isEqualTo(Outcome.PASSED));
      assertThat(results).hasSize(18);
    }
  }

  @Test
  void everyCheckIsSkippedVisiblyAgainstAServerThatOffersNone() throws Exception {
    try (SemanticsServer server = new SemanticsServer(Set.of(), Set.of())) {
      Map<String, CheckResult> results = run(server.config().build());

      assertThat(results.values()).allSatisfy(r ->
          assertThat(r.outcome()).as(r.line()).isEqualTo(Outcome.SKIPPED));
      assertThat(results.get(HEAD_MIRRORS).message())
          .isEqualTo("the server does not offer HEAD on the artifacts path (it answered 405)");
      assertThat(results.get(ETAG_STRONG).message())
          .isEqualTo("the 200 fetch answer carries no ETag: the server offers no validators");
      assertThat(results.get(SLICES).message()).startsWith(
          "the 200 fetch answer does not say Accept-Ranges: bytes (it says (none))");
      assertThat(results.get(DIGEST).message()).isEqualTo(
          "the 200 fetch answer carries no Repr-Digest, even with Want-Repr-Digest: sha-256=10");
    }
  }

  @ParameterizedTest
  @EnumSource(Feature.class)
  void oneFeatureAlonePassesItsChecksAndSkipsTheOthers(Feature feature) throws Exception {
    try (SemanticsServer server = new SemanticsServer(Set.of(feature), Set.of())) {
      Map<String, CheckResult> results = run(server.config().build());

      Set<String> passed = names(results, Outcome.PASSED);
      assertThat(passed).isEqualTo(CHECKS_OF.get(feature));
      assertThat(names(results, Outcome.SKIPPED)).hasSize(results.size() - passed.size());
    }
  }

  @Test
  void requiredSemanticsTurnEverySkipIntoAFailure() throws Exception {
    try (SemanticsServer server = new SemanticsServer(Set.of(), Set.of())) {
      Map<String, CheckResult> results = run(server.config().requireHttpSemantics(true).build());

      assertThat(results.values()).allSatisfy(r ->
          assertThat(r.outcome()).as(r.line()).isEqualTo(Outcome.FAILED));
      assertThat(results.get(ETAG_STRONG).message()).isEqualTo("the 200 fetch answer carries no "
          + "ETag: the server offers no validators, but the configuration requires it");
    }
  }

  @ParameterizedTest
  @EnumSource(Flaw.class)
  void eachBrokenRuleFailsExactlyTheChecksThatObserveIt(Flaw flaw) throws Exception {
    try (SemanticsServer server = SemanticsServer.with(flaw)) {
      Map<String, CheckResult> results = run(server.config().build());

      assertThat(names(results, Outcome.FAILED)).as(flaw + ": " + lines(results))
          .isEqualTo(new TreeSet<>(FAILS.get(flaw)));
      assertThat(names(results, Outcome.SKIPPED)).as(flaw + ": " + lines(results))
          .isEqualTo(new TreeSet<>(SKIPS.getOrDefault(flaw, Set.of())));
    }
  }

  @Test
  void reprDigestMembersAreReadAsByteSequences() {
    assertThat(HttpSemanticsChecks.digestMembers("sha-256=:AAEC:, sha-512=:/w==:;p=1"))
        .containsOnlyKeys("sha-256", "sha-512")
        .hasEntrySatisfying("sha-256", bytes -> assertThat(bytes).containsExactly(0, 1, 2));
    assertThatThrownBy(() -> HttpSemanticsChecks.digestMembers("sha-256=AAEC"))
        .isInstanceOf(ConformanceFailure.class).hasMessageContaining("not algorithm=:base64:");
    assertThatThrownBy(() -> HttpSemanticsChecks.digestMembers("sha-256=:A=A=:"))
        .isInstanceOf(ConformanceFailure.class);
  }

  private static Map<String, CheckResult> run(ConformanceConfig config) {
    List<ConformanceCheck> checks =
        ConformanceSuite.create(config).checks(ConformanceCheck.Level.HTTP_SEMANTICS);
    return checks.parallelStream().map(ConformanceCheck::run)
        .collect(Collectors.toMap(CheckResult::name, r -> r, (a, b) -> a, java.util.TreeMap::new));
  }

  private static Set<String> names(Map<String, CheckResult> results, Outcome outcome) {
    return results.values().stream().filter(r -> r.outcome() == outcome).map(CheckResult::name)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String lines(Map<String, CheckResult> results) {
    return results.values().stream().filter(r -> r.outcome() != Outcome.PASSED)
        .map(CheckResult::line).collect(Collectors.joining("\n  ", "\n  ", ""));
  }
}
