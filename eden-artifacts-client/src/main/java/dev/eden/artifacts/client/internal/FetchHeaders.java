package dev.eden.artifacts.client.internal;

import dev.eden.artifacts.internal.DigestFields;
import java.util.List;
import java.util.Optional;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The HTTP fields a fetch reads and writes beyond the contract: validators, byte ranges
 * (RFC 9110 §8.8.3, §13.1.5, §14) and digests (RFC 9530, and this project's
 * {@code X-Eden-Artifact-Sha256}). Each wire name is spelled here once. Not API; stateless.
 */
public final class FetchHeaders {
  /** An extra of this project's server; other servers may omit it. Lowercase hex. */
  public static final String SHA256 = "X-Eden-Artifact-Sha256";
  /** RFC 9530 §3: the digest of the whole selected representation, also on a 206. */
  static final String REPR_DIGEST = "Repr-Digest";
  /** RFC 9530 §2: the digest of the bytes of one message (here: of the deposit's file part). */
  public static final String CONTENT_DIGEST = "Content-Digest";
  static final String ETAG = "ETag";
  static final String ACCEPT_RANGES = "Accept-Ranges";
  static final String CONTENT_RANGE = "Content-Range";
  static final String RANGE = "Range";
  static final String IF_RANGE = "If-Range";

  private FetchHeaders() {
  }

  /**
   * {@code request} asking for the bytes from {@code first} to {@code last} (inclusive; {@code -1}
   * for "to the end"), and only if the representation still has the entity tag
   * {@code ifRangeEtag} ({@code null}: unconditionally). {@code bytes=0-} is never sent: a request
   * for everything is a plain {@code GET}.
   */
  public static Request ranged(Request request, long first, long last, String ifRangeEtag) {
    Request.Builder builder = request.newBuilder()
        .header(RANGE, "bytes=" + first + "-" + (last < 0 ? "" : Long.toString(last)));
    if (ifRangeEtag != null) {
      builder.header(IF_RANGE, ifRangeEtag);
    }
    return builder.build();
  }

  /**
   * The answer's entity tag if it is one strong tag ({@code "…"}, not {@code W/"…"}), as sent;
   * else {@code null}. Only a strong tag may go in {@code If-Range} (RFC 9110 §13.1.5).
   */
  public static String strongEtag(Response response) {
    List<String> values = response.headers(ETAG);
    if (values.size() != 1) {
      return null;
    }
    String tag = values.get(0).strip();
    if (tag.length() < 2 || tag.charAt(0) != '"' || tag.charAt(tag.length() - 1) != '"') {
      return null;
    }
    for (int i = 1; i < tag.length() - 1; i++) {
      char c = tag.charAt(i);
      // etagc: %x21 / %x23-7E / obs-text (RFC 9110 §8.8.3)
      if (c == '"' || c < 0x21 || c == 0x7f) {
        return null;
      }
    }
    return tag;
  }

  /**
   * Whether the answer says the server takes no byte ranges ({@code Accept-Ranges: none}). Its
   * absence says nothing: a client may send ranges anyway (RFC 9110 §14.3).
   */
  public static boolean refusesRanges(Response response) {
    String value = response.header(ACCEPT_RANGES);
    return value != null && value.strip().equalsIgnoreCase("none");
  }

  /**
   * The SHA-256 of the whole artifact the answer announces, lowercase hex: from {@code Repr-Digest}
   * ({@code sha-256} member), else from one well-formed {@code X-Eden-Artifact-Sha256}; else
   * {@code null}. A malformed or ambiguous field counts as absent: it proves nothing about the
   * bytes.
   */
  public static String announcedSha256(Response response) {
    List<String> repr = response.headers(REPR_DIGEST);
    if (!repr.isEmpty()) {
      try {
        // A Dictionary may be split over several field lines (RFC 8941 §3.2).
        Optional<String> hex = DigestFields.sha256Of(String.join(", ", repr));
        if (hex.isPresent()) {
          return hex.get();
        }
      } catch (IllegalArgumentException malformed) {
        // Falls back to this project's own field below.
      }
    }
    return edenSha256(response);
  }

  /** One well-formed {@code X-Eden-Artifact-Sha256} (64 lowercase hex digits), else {@code null}. */
  public static String edenSha256(Response response) {
    List<String> values = response.headers(SHA256);
    return values.size() == 1 && DigestFields.isSha256Hex(values.get(0)) ? values.get(0) : null;
  }

  /**
   * A {@code Content-Range} (RFC 9110 §14.4): the bytes {@code first}–{@code last} of
   * {@code complete} ({@code -1} when {@code *}); or, for a 416, {@code first == last == -1} and
   * the complete length.
   */
  public record ContentRange(long first, long last, long complete) {
    /** Whether this is the {@code bytes *}{@code /N} form of a 416. */
    public boolean unsatisfied() {
      return first < 0;
    }
  }

  /** The answer's single {@code Content-Range}, if it is well-formed. */
  public static Optional<ContentRange> contentRange(Response response) {
    List<String> values = response.headers(CONTENT_RANGE);
    return values.size() == 1 ? parseContentRange(values.get(0)) : Optional.empty();
  }

  static Optional<ContentRange> parseContentRange(String value) {
    String v = value.strip();
    if (!v.regionMatches(true, 0, "bytes ", 0, 6)) {
      return Optional.empty();
    }
    v = v.substring(6).strip();
    int slash = v.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    String range = v.substring(0, slash);
    String length = v.substring(slash + 1);
    long complete = length.equals("*") ? -1 : digits(length);
    if (complete < -1 || length.isEmpty()) {
      return Optional.empty();
    }
    if (range.equals("*")) {
      return complete < 0 ? Optional.empty() : Optional.of(new ContentRange(-1, -1, complete));
    }
    int dash = range.indexOf('-');
    if (dash < 0) {
      return Optional.empty();
    }
    long first = digits(range.substring(0, dash));
    long last = digits(range.substring(dash + 1));
    if (first < 0 || last < first || complete >= 0 && last >= complete) {
      return Optional.empty();
    }
    return Optional.of(new ContentRange(first, last, complete));
  }

  /** A non-negative decimal of at most 18 digits, else {@code -2}. */
  private static long digits(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return -2;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return -2;
      }
    }
    return Long.parseLong(s);
  }
}
