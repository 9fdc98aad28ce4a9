package dev.eden.artifacts;

import java.security.SecureRandom;

/** Lowercase Crockford base32 ids of the form {@code <prefix>_<26 chars>}. */
final class Crockford {
  static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
  static final int BODY_LENGTH = 26;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Crockford() {}

  static boolean matches(String text, String prefix) {
    if (text == null || text.length() != prefix.length() + BODY_LENGTH || !text.startsWith(prefix)) {
      return false;
    }
    for (int i = prefix.length(); i < text.length(); i++) {
      if (ALPHABET.indexOf(text.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  static String mint(String prefix) {
    StringBuilder sb = new StringBuilder(prefix.length() + BODY_LENGTH).append(prefix);
    for (int i = 0; i < BODY_LENGTH; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
