package dev.eden.artifacts.testkit;

import java.util.List;

/** Strings that must never parse as an artifact id: each breaks the grammar in one way. */
final class InvalidIds {
  static final List<String> SAMPLES = List.of(
      "",
      "0123456789abcdef0123456789abcde",       // 31 characters
      "0123456789abcdef0123456789abcdef0",     // 33 characters
      "0123456789ABCDEF0123456789ABCDEF",      // uppercase
      "0123456789abcdef0123456789abcdeg",      // not hex
      "0123456789abcdef/123456789abcdef",      // separator
      "0123456789abcdef\\123456789abcdef",     // backslash
      "..23456789abcdef0123456789abcdef",      // traversal
      "../../../../../../../../etc/passw",     // traversal of the right length
      ".tmp-0123456789abcdef0123456789ab",     // temp file name prefix
      "0123456789abcdef 123456789abcdef",      // space
      "0123456789abcdef\u0000123456789abcdef", // NUL
      "0123456789abcdef0123456789abcde\u0660"  // non-ASCII digit
  );

  private InvalidIds() {}
}
