package dev.eden.artifacts.internal;

import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The RFC 9530 integrity fields ({@code Repr-Digest}, {@code Content-Digest}) as the server writes
 * them and as the client and the server read them: a Structured Field Dictionary (RFC 8941 §3.2)
 * from algorithm key to Byte Sequence, such as {@code sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:}.
 * Only {@code sha-256} is produced and checked; other algorithms are skipped, as RFC 9530 §2 lets
 * a recipient do. Not API; stateless.
 */
public final class DigestFields {
  /** The RFC 9530 algorithm key for SHA-256 (IANA Hash Algorithms for HTTP Digest Fields). */
  public static final String SHA_256 = "sha-256";

  private DigestFields() {}

  /**
   * Whether {@code value} is a SHA-256 as this project writes it: exactly 64 lowercase hex digits.
   * {@code null} is not.
   */
  public static boolean isSha256Hex(String value) {
    if (value == null || value.length() != 64) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /** The field value for a SHA-256 given in lowercase hex: {@code sha-256=:<base64>:}. */
  public static String sha256(String hex) {
    return SHA_256 + "=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex)) + ":";
  }

  /**
   * The SHA-256 a field value carries, in lowercase hex, or empty if the value names no {@code
   * sha-256} member.
   *
   * @throws IllegalArgumentException if the value is not a valid dictionary, or its {@code
   *     sha-256} member is not a 32-byte Byte Sequence
   */
  public static Optional<String> sha256Of(String fieldValue) {
    Object member = dictionary(fieldValue).get(SHA_256);
    if (member == null) {
      return Optional.empty();
    }
    if (!(member instanceof byte[] digest) || digest.length != 32) {
      throw new IllegalArgumentException("the sha-256 member is not a 32-byte byte sequence");
    }
    return Optional.of(HexFormat.of().formatHex(digest));
  }

  /**
   * Parses an RFC 8941 Dictionary into key → bare item: {@code byte[]} for a Byte Sequence,
   * {@code Long} for an Integer, {@code Boolean}, or {@code String} for anything else (a String,
   * Token or Decimal, as written). Parameters are read and dropped; an Inner List maps to {@code
   * String} {@code "()"}. A repeated key keeps its last value (RFC 8941 §3.2).
   *
   * @throws IllegalArgumentException if the value is not a valid dictionary
   */
  static Map<String, Object> dictionary(String fieldValue) {
    Parser p = new Parser(fieldValue);
    Map<String, Object> members = new LinkedHashMap<>();
    p.skipSpaces();
    if (p.atEnd()) {
      return members;
    }
    while (true) {
      String key = p.key();
      Object value = Boolean.TRUE;
      if (p.peek() == '=') {
        p.pos++;
        value = p.peek() == '(' ? p.innerList() : p.bareItem();
      }
      p.parameters();
      members.put(key, value);
      p.skipOws();
      if (p.atEnd()) {
        return members;
      }
      p.expect(',');
      p.skipOws();
      if (p.atEnd()) {
        throw new IllegalArgumentException("a dictionary must not end with ','");
      }
    }
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    boolean atEnd() {
      return pos >= s.length();
    }

    char peek() {
      return atEnd() ? '\0' : s.charAt(pos);
    }

    void expect(char c) {
      if (peek() != c) {
        throw new IllegalArgumentException("expected '" + c + "' at position " + pos);
      }
      pos++;
    }

    void skipSpaces() {
      while (peek() == ' ') {
        pos++;
      }
    }

    void skipOws() {
      while (peek() == ' ' || peek() == '\t') {
        pos++;
      }
    }

    String key() {
      int start = pos;
      char c = peek();
      if (!(c >= 'a' && c <= 'z') && c != '*') {
        throw new IllegalArgumentException("a key must start with a lowercase letter or '*' at position " + pos);
      }
      while ((c = peek()) >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '*') {
        pos++;
      }
      return s.substring(start, pos);
    }

    void parameters() {
      while (peek() == ';') {
        pos++;
        skipSpaces();
        key();
        if (peek() == '=') {
          pos++;
          bareItem();
        }
      }
    }

    Object innerList() {
      expect('(');
      while (true) {
        skipSpaces();
        if (peek() == ')') {
          pos++;
          return "()";
        }
        bareItem();
        parameters();
        if (peek() != ' ' && peek() != ')') {
          throw new IllegalArgumentException("malformed inner list at position " + pos);
        }
      }
    }

    Object bareItem() {
      char c = peek();
      if (c == '-' || c >= '0' && c <= '9') {
        return number();
      }
      if (c == '"') {
        return string();
      }
      if (c == ':') {
        return byteSequence();
      }
      if (c == '?') {
        pos++;
        char b = peek();
        if (b != '0' && b != '1') {
          throw new IllegalArgumentException("malformed boolean at position " + pos);
        }
        pos++;
        return b == '1';
      }
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '*') {
        return token();
      }
      throw new IllegalArgumentException("no item at position " + pos);
    }

    private Object number() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      int digits = 0;
      int dot = -1;
      char c;
      while ((c = peek()) >= '0' && c <= '9' || c == '.' && dot < 0) {
        if (c == '.') {
          dot = pos;
        } else {
          digits++;
        }
        pos++;
      }
      if (digits == 0 || dot < 0 && digits > 15 || dot >= 0 && (dot - start > 12 || pos - dot - 1 > 3
          || pos - dot - 1 == 0)) {
        throw new IllegalArgumentException("malformed number at position " + start);
      }
      String text = s.substring(start, pos);
      return dot < 0 ? (Object) Long.parseLong(text) : text;
    }

    private String string() {
      int start = pos++;
      while (!atEnd()) {
        char c = s.charAt(pos++);
        if (c == '\\') {
          if (atEnd() || s.charAt(pos) != '"' && s.charAt(pos) != '\\') {
            throw new IllegalArgumentException("malformed escape at position " + pos);
          }
          pos++;
        } else if (c == '"') {
          return s.substring(start, pos);
        } else if (c < 0x20 || c > 0x7e) {
          throw new IllegalArgumentException("invalid character in string at position " + (pos - 1));
        }
      }
      throw new IllegalArgumentException("unterminated string");
    }

    private byte[] byteSequence() {
      int start = ++pos;
      int end = s.indexOf(':', start);
      if (end < 0) {
        throw new IllegalArgumentException("unterminated byte sequence");
      }
      pos = end + 1;
      try {
        return Base64.getDecoder().decode(s.substring(start, end));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a byte sequence is not base64", e);
      }
    }

    private String token() {
      int start = pos++;
      char c;
      // tchar, ':' and '/' (RFC 8941 §3.3.4): visible ASCII except the other delimiters
      while ((c = peek()) > 0x20 && c < 0x7f && "\"(),;<=>?@[\\]{}".indexOf(c) < 0) {
        pos++;
      }
      return s.substring(start, pos);
    }
  }
}
