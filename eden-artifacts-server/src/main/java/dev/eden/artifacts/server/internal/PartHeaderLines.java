package dev.eden.artifacts.server.internal;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The syntax of a part's header block, checked before any value is read, so that every reader and
 * every intermediary sees the same part: each line is {@code field-name ":" field-value} (RFC 9110
 * §5.1: a token, no space before the colon), or an obsolete folded continuation (a line starting
 * with a space or tab) that Commons FileUpload unfolds; and {@code Content-Disposition}, {@code
 * Content-Type} and {@code Content-Digest}, the headers a deposit acts on, occur at most once —
 * with two, which one counts is a guess (the parsers take the first; an intermediary may take the
 * last). A {@code Content-Digest} value must be free of control characters (RFC 9110 §5.5: a
 * field value is visible characters, spaces and tabs), since the parsers trim values before the
 * digest is read; control characters inside other values are left to the recording rules, which
 * strip them (contract §4). Not API; stateless.
 */
final class PartHeaderLines {
  private static final String TOKEN_PUNCTUATION = "!#$%&'*+-.^_`|~";
  /** The headers that must occur at most once, by lower-case name, with the name to report. */
  private static final Map<String, String> SINGLE = Map.of(
      "content-disposition", "Content-Disposition",
      "content-type", "Content-Type",
      "content-digest", "Content-Digest");

  private PartHeaderLines() {}

  /**
   * @param headerBlock the part's header lines, each ending in CRLF, up to and including the blank
   *     line
   * @throws MalformedMultipartException naming the fault in fixed words
   */
  static void check(String headerBlock) throws MalformedMultipartException {
    Set<String> seen = new HashSet<>();
    boolean first = true;
    for (String line : headerBlock.split("\r\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        if (first) {
          throw new MalformedMultipartException("a part header block starts with a folded line");
        }
        continue;
      }
      first = false;
      int colon = line.indexOf(':');
      if (colon <= 0 || !isToken(line, colon)) {
        throw new MalformedMultipartException(
            "a part header line is not 'Name: value' (RFC 9110 §5.1: a token, then a colon)");
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      if (SINGLE.containsKey(name) && !seen.add(name)) {
        throw new MalformedMultipartException("the part's " + SINGLE.get(name) + " header must be sent once");
      }
      // The parsers trim values, which would hide control characters at the ends of a digest.
      if (name.equals("content-digest") && hasControlCharacter(line, colon + 1)) {
        throw new MalformedMultipartException("the part's Content-Digest header holds a control character");
      }
    }
  }

  private static boolean hasControlCharacter(String line, int from) {
    for (int i = from; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  private static boolean isToken(String line, int end) {
    for (int i = 0; i < end; i++) {
      char c = line.charAt(i);
      boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || TOKEN_PUNCTUATION.indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

}
