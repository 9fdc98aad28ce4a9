package dev.eden.artifacts.server.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The conditional request fields of a {@code GET} or {@code HEAD} (RFC 9110 §13.1), evaluated in
 * the order of §13.2.2 against a representation that never changes: {@code If-Match}, else {@code
 * If-Unmodified-Since} (failing: 412); {@code If-None-Match}, else {@code If-Modified-Since}
 * (failing: 304); then whether {@code If-Range} lets a {@code Range} apply (§13.1.5). Run it only
 * after the request was authorised (§13.2.1). Stateless.
 */
public final class Preconditions {
  private Preconditions() {}

  /** What the preconditions decide before any range is looked at. */
  public enum Outcome {
    /** Serve the representation (200, or 206 if a range applies). */
    PROCEED,
    /** 304 Not Modified. */
    NOT_MODIFIED,
    /** 412 Precondition Failed. */
    PRECONDITION_FAILED
  }

  /**
   * @param headers every line of a request header, by name (case-insensitive); never null
   * @param etag the representation's strong entity tag
   * @param lastModified the representation's last modification, compared at HTTP-date precision
   */
  public static Outcome evaluate(Function<String, List<String>> headers, String etag, Instant lastModified) {
    Instant modified = lastModified.truncatedTo(ChronoUnit.SECONDS);
    List<String> ifMatch = headers.apply("If-Match");
    if (!ifMatch.isEmpty()) {
      if (!EntityTags.anyMatchesStrongly(ifMatch, etag)) {
        return Outcome.PRECONDITION_FAILED;
      }
    } else {
      Optional<Instant> unmodifiedSince = singleDate(headers.apply("If-Unmodified-Since"));
      if (unmodifiedSince.isPresent() && modified.isAfter(unmodifiedSince.get())) {
        return Outcome.PRECONDITION_FAILED;
      }
    }
    List<String> ifNoneMatch = headers.apply("If-None-Match");
    if (!ifNoneMatch.isEmpty()) {
      if (EntityTags.anyMatchesWeakly(ifNoneMatch, etag)) {
        return Outcome.NOT_MODIFIED;
      }
    } else {
      Optional<Instant> modifiedSince = singleDate(headers.apply("If-Modified-Since"));
      if (modifiedSince.isPresent() && !modified.isAfter(modifiedSince.get())) {
        return Outcome.NOT_MODIFIED;
      }
    }
    return Outcome.PROCEED;
  }

  /**
   * Whether a {@code Range} may apply: true without {@code If-Range}; with one, only if it is an
   * entity tag that strongly matches {@code etag} or an HTTP-date equal to {@code lastModified}
   * (§13.1.5). Anything else, a weak tag or several lines included, means "send it all".
   */
  public static boolean rangeApplies(Function<String, List<String>> headers, String etag, Instant lastModified) {
    List<String> ifRange = headers.apply("If-Range");
    if (ifRange.isEmpty()) {
      return true;
    }
    if (ifRange.size() > 1) {
      return false;
    }
    String value = ifRange.get(0).strip();
    if (value.startsWith("\"") || value.startsWith("W/")) {
      return EntityTags.isStrongMatch(value, etag);
    }
    Optional<Instant> date = HttpDates.parse(value);
    return date.isPresent() && date.get().equals(lastModified.truncatedTo(ChronoUnit.SECONDS));
  }

  // A date field sent more than once, or not a valid HTTP-date, is ignored (§13.1.3, §13.1.4).
  private static Optional<Instant> singleDate(List<String> lines) {
    return lines.size() == 1 ? HttpDates.parse(lines.get(0).strip()) : Optional.empty();
  }
}
