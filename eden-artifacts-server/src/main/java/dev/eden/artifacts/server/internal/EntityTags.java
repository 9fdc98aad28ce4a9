package dev.eden.artifacts.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Entity tags (RFC 9110 §8.8.3) and the lists of them that {@code If-Match} and {@code
 * If-None-Match} carry (§13.1.1, §13.1.2), with the strong and weak comparisons of §8.8.3.2.
 * Stateless.
 */
public final class EntityTags {
  private EntityTags() {}

  /** A strong entity tag for a representation known by its lowercase hex SHA-256. */
  public static String strong(String sha256) {
    return '"' + sha256 + '"';
  }

  /**
   * Whether a list field's lines ({@code *} or {@code 1#entity-tag}) match the strong tag {@code
   * current}. Strong comparison: a weak tag in the list never matches. A malformed list matches
   * nothing, except that {@code *} matches any current representation.
   */
  public static boolean anyMatchesStrongly(List<String> fieldLines, String current) {
    return anyMatches(fieldLines, current, true);
  }

  /** As {@link #anyMatchesStrongly}, with the weak comparison: {@code W/"x"} matches {@code "x"}. */
  public static boolean anyMatchesWeakly(List<String> fieldLines, String current) {
    return anyMatches(fieldLines, current, false);
  }

  /**
   * Whether a single field value (an {@code If-Range} that is not a date) is an entity tag that
   * strongly matches {@code current} (RFC 9110 §13.1.5).
   */
  public static boolean isStrongMatch(String value, String current) {
    Optional<List<String>> tags = parseList(value);
    return tags.isPresent() && tags.get().size() == 1 && tags.get().get(0).equals(current);
  }

  private static boolean anyMatches(List<String> fieldLines, String current, boolean strong) {
    for (String line : fieldLines) {
      if (line.strip().equals("*")) {
        return true;
      }
      Optional<List<String>> tags = parseList(line);
      if (tags.isEmpty()) {
        continue;
      }
      for (String tag : tags.get()) {
        String opaque = tag.startsWith("W/") ? tag.substring(2) : tag;
        if (strong ? tag.equals(current) : opaque.equals(current)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The tags of {@code #entity-tag} as written ({@code "x"} or {@code W/"x"}), or empty if the
   * value is not such a list. Empty list elements are allowed (RFC 9110 §5.6.1.2).
   */
  static Optional<List<String>> parseList(String value) {
    List<String> tags = new ArrayList<>();
    int i = 0;
    int n = value.length();
    while (true) {
      while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t' || value.charAt(i) == ',')) {
        i++;
      }
      if (i == n) {
        return tags.isEmpty() ? Optional.empty() : Optional.of(tags);
      }
      int start = i;
      if (value.startsWith("W/", i)) {
        i += 2;
      }
      if (i >= n || value.charAt(i) != '"') {
        return Optional.empty();
      }
      i++;
      while (i < n && isEtagChar(value.charAt(i))) {
        i++;
      }
      if (i >= n || value.charAt(i) != '"') {
        return Optional.empty();
      }
      i++;
      tags.add(value.substring(start, i));
      while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
        i++;
      }
      if (i < n && value.charAt(i) != ',') {
        return Optional.empty();
      }
    }
  }

  // etagc = %x21 / %x23-7E / obs-text
  private static boolean isEtagChar(char c) {
    return c == 0x21 || c >= 0x23 && c <= 0x7e || c >= 0x80 && c <= 0xff;
  }
}
