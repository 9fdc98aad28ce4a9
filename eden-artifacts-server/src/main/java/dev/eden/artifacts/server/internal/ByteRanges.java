package dev.eden.artifacts.server.internal;

/**
 * What a {@code Range} request field (RFC 9110 §14.2) selects from a representation of known size.
 * One range is served as a 206; several, an invalid field, or a unit other than {@code bytes} are
 * answered with the whole representation, as §14.2 lets a server do; a range that cannot be
 * satisfied is a 416. Stateless.
 */
public final class ByteRanges {
  private ByteRanges() {}

  /** The selection's kind. */
  public enum Kind {
    /** Ignore the field: answer 200 with every byte. */
    WHOLE,
    /** Answer 206 with {@link Selection#first()} and {@link Selection#length()}. */
    PARTIAL,
    /** Answer 416 with {@code Content-Range: bytes *}{@code /size}. */
    UNSATISFIABLE
  }

  /**
   * The outcome for one request.
   *
   * @param first the first byte of a {@link Kind#PARTIAL} selection; 0 otherwise
   * @param length how many bytes a {@link Kind#PARTIAL} selection has, at least 1; the size for
   *     {@link Kind#WHOLE}; 0 for {@link Kind#UNSATISFIABLE}
   */
  public record Selection(Kind kind, long first, long length) {
    /** The {@code Content-Range} of a 206 or 416 (RFC 9110 §14.4). */
    public String contentRange(long size) {
      return kind == Kind.PARTIAL
          ? "bytes " + first + "-" + (first + length - 1) + "/" + size
          : "bytes */" + size;
    }
  }

  /** Every one of {@code size} bytes: the answer when no range applies. */
  public static Selection whole(long size) {
    return new Selection(Kind.WHOLE, 0, size);
  }

  /**
   * Selects from {@code size} bytes what the {@code Range} field lines ask for.
   *
   * @param fieldLines every {@code Range} line of the request; none, or more than one line, is
   *     {@link Kind#WHOLE}
   */
  public static Selection select(java.util.List<String> fieldLines, long size) {
    Selection whole = whole(size);
    if (fieldLines.size() != 1) {
      return whole;
    }
    String value = fieldLines.get(0);
    int eq = value.indexOf('=');
    // range-unit is a case-insensitive token; no whitespace around '=' (§14.1, §14.2)
    if (eq < 0 || !value.substring(0, eq).equalsIgnoreCase("bytes")) {
      return whole;
    }
    String spec = null;
    for (String element : value.substring(eq + 1).split(",", -1)) {
      String trimmed = element.strip();
      if (trimmed.isEmpty()) {
        continue; // empty list elements are allowed (§5.6.1.2)
      }
      if (spec != null) {
        return whole; // several ranges: the whole representation is one valid answer
      }
      spec = trimmed;
    }
    if (spec == null) {
      return whole;
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return whole;
    }
    String firstText = spec.substring(0, dash);
    String lastText = spec.substring(dash + 1);
    if (firstText.isEmpty()) {
      long suffix = digits(lastText);
      if (suffix < 0) {
        return whole;
      }
      if (suffix == 0) {
        return new Selection(Kind.UNSATISFIABLE, 0, 0);
      }
      // A suffix of a zero-length representation is satisfiable but selects nothing: send it whole.
      return size == 0 ? whole : new Selection(Kind.PARTIAL, size - Math.min(suffix, size), Math.min(suffix, size));
    }
    long first = digits(firstText);
    long last = lastText.isEmpty() ? Long.MAX_VALUE : digits(lastText);
    if (first < 0 || last < 0 || !lastText.isEmpty() && compareDigits(lastText, firstText) < 0) {
      return whole; // not a valid int-range: the field is ignored
    }
    if (first >= size) {
      return new Selection(Kind.UNSATISFIABLE, 0, 0);
    }
    return new Selection(Kind.PARTIAL, first, Math.min(last, size - 1) - first + 1);
  }

  /** Compares two runs of digits by value, however long (positions past {@code long} still order). */
  private static int compareDigits(String a, String b) {
    String x = a.replaceFirst("^0+(?=.)", "");
    String y = b.replaceFirst("^0+(?=.)", "");
    return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
  }

  /**
   * A non-empty run of ASCII digits as a number, {@link Long#MAX_VALUE} when it is too large for
   * one (a position beyond any representation), or -1 when it is not 1*DIGIT.
   */
  private static long digits(String text) {
    if (text.isEmpty()) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      // Once past Long.MAX_VALUE it stays there: no artifact is that large.
      value = value > (Long.MAX_VALUE - (c - '0')) / 10 ? Long.MAX_VALUE : value * 10 + (c - '0');
    }
    return value;
  }
}
