package dev.eden.artifacts.server.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The field name and filename of a {@code multipart/form-data} part, read from its {@code
 * Content-Disposition} value the way real encoders write it. Both multipart readers use this one
 * reading.
 *
 * <p>Why our own parser: FileUpload's parameter parser keeps the backslash of an RFC 9110 §5.6.4
 * quoted-pair ({@code "a\"b"} came out as {@code a\"b}, whose last path segment is {@code "b}),
 * does not decode the HTML form-data escapes, and lets a {@code filename*} next to
 * {@code filename} replace it. The rules here:
 *
 * <ul>
 *   <li>The value is {@code disposition-type *( ";" param )} with {@code param = name "=" (token
 *       / quoted-string)} (RFC 6266 §4.1); names are case-insensitive. A part whose type is not
 *       {@code form-data} has neither name nor filename.
 *   <li>Inside a quoted string only {@code \"} and {@code \\} are escapes. Any other backslash is
 *       kept: browsers of old and some tools send a Windows path such as {@code
 *       C:\Users\someone\report.txt} unescaped, and its last segment must survive.
 *   <li>Then exactly the three escapes of the HTML form-data encoding algorithm, which curl, OkHttp
 *       and browsers apply to names and filenames, are decoded: {@code %22} to {@code "}, {@code
 *       %0D} to CR, {@code %0A} to LF (uppercase, as those encoders write them; any other percent
 *       sequence is part of the name). CR and LF are later removed with the other controls.
 *   <li>{@code filename*} (RFC 8187): RFC 7578 §4.2 forbids senders to use it in form-data, so it
 *       never overrides {@code filename} and is not even checked when {@code filename} is present.
 *       A part that carries only {@code filename*} is read leniently from it ({@code UTF-8} or
 *       {@code ISO-8859-1}); a malformed one is refused.
 *   <li>A parameter given twice, an unterminated quoted string, or text after a quoted string is
 *       refused (RFC 6266 §4.1 calls repeated parameters invalid): guessing which value counts
 *       would record a name the sender did not mean.
 * </ul>
 *
 * <p>Refusals are {@link MalformedMultipartException}s whose message never repeats the value.
 * Not API; immutable and thread-safe.
 *
 * @param name the field name, or null if the part is not form-data or has no name
 * @param filename the filename, or null if the part has none (not a file upload)
 */
public record FormDataDisposition(String name, String filename) {
  private static final FormDataDisposition NONE = new FormDataDisposition(null, null);

  /**
   * Reads a {@code Content-Disposition} value, or null (no such header).
   *
   * @throws MalformedMultipartException if the value breaks one of the rules above
   */
  public static FormDataDisposition parse(String value) throws MalformedMultipartException {
    if (value == null) {
      return NONE;
    }
    Cursor cursor = new Cursor(value);
    String type = cursor.token();
    if (!type.equalsIgnoreCase("form-data")) {
      return NONE;
    }
    Map<String, String> parameters = new HashMap<>();
    while (cursor.skipSpace()) {
      cursor.expect(';');
      if (!cursor.skipSpace() || cursor.peek() == ';') {
        continue; // an empty parameter, as in a trailing ";"
      }
      String name = cursor.token().toLowerCase(Locale.ROOT);
      cursor.skipSpace();
      cursor.expect('=');
      cursor.skipSpace();
      String parameterValue = cursor.peek() == '"' ? cursor.quotedString() : cursor.unquotedValue();
      if (parameters.put(name, parameterValue) != null) {
        throw malformed("repeats the " + (isWellKnown(name) ? "'" + name + "'" : "same") + " parameter");
      }
    }
    String filename = parameters.get("filename");
    if (filename == null && parameters.containsKey("filename*")) {
      filename = extendedValue(parameters.get("filename*"));
    } else if (filename != null) {
      filename = decodeFormDataEscapes(filename);
    }
    String name = parameters.get("name");
    return new FormDataDisposition(name == null ? null : decodeFormDataEscapes(name), filename);
  }

  private static boolean isWellKnown(String name) {
    return name.equals("name") || name.equals("filename") || name.equals("filename*");
  }

  static MalformedMultipartException malformed(String what) {
    return new MalformedMultipartException("a part's Content-Disposition header " + what);
  }

  /** {@code %22}, {@code %0D} and {@code %0A} decoded; nothing else. */
  static String decodeFormDataEscapes(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    StringBuilder sb = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      String escape = c == '%' && i + 3 <= value.length() ? value.substring(i, i + 3) : "";
      char decoded = switch (escape) {
        case "%22" -> '"';
        case "%0D" -> '\r';
        case "%0A" -> '\n';
        default -> 0;
      };
      if (decoded != 0) {
        sb.append(decoded);
        i += 2;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** An RFC 8187 {@code ext-value}: {@code charset "'" [language] "'" value-chars}. */
  static String extendedValue(String value) throws MalformedMultipartException {
    int first = value.indexOf('\'');
    int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
    if (second < 0) {
      throw malformed("has a 'filename*' that is not charset'language'value (RFC 8187)");
    }
    String charsetName = value.substring(0, first);
    Charset charset;
    if (charsetName.equalsIgnoreCase("UTF-8")) {
      charset = StandardCharsets.UTF_8;
    } else if (charsetName.equalsIgnoreCase("ISO-8859-1")) {
      charset = StandardCharsets.ISO_8859_1;
    } else {
      throw malformed("has a 'filename*' in a charset other than UTF-8 or ISO-8859-1");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
    for (int i = second + 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%') {
        int high = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
        int low = high < 0 ? -1 : Character.digit(value.charAt(i + 2), 16);
        if (low < 0) {
          throw malformed("has a 'filename*' with a broken percent escape");
        }
        bytes.write(high << 4 | low);
        i += 2;
      } else if (c > 0x20 && c < 0x7f) {
        bytes.write(c);
      } else {
        throw malformed("has a 'filename*' with a character RFC 8187 does not allow");
      }
    }
    try {
      return charset.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw malformed("has a 'filename*' that is not valid " + charset.name());
    }
  }

  /** A position in the header value; spaces are SP and HTAB (RFC 9110 OWS). */
  private static final class Cursor {
    private final String value;
    private int position;

    Cursor(String value) {
      this.value = value;
    }

    /** Skips OWS; whether anything follows. */
    boolean skipSpace() {
      while (position < value.length()
          && (value.charAt(position) == ' ' || value.charAt(position) == '\t')) {
        position++;
      }
      return position < value.length();
    }

    char peek() {
      return value.charAt(position);
    }

    void expect(char c) throws MalformedMultipartException {
      if (position >= value.length() || value.charAt(position) != c) {
        throw malformed(c == ';' ? "has text after a parameter value" : "has a parameter without '" + c + "'");
      }
      position++;
    }

    /** A disposition type or parameter name: up to the next {@code ;}, {@code =}, quote or OWS. */
    String token() {
      int start = position;
      while (position < value.length()) {
        char c = value.charAt(position);
        if (c == ';' || c == '=' || c == ' ' || c == '\t' || c == '"') {
          break;
        }
        position++;
      }
      return value.substring(start, position);
    }

    /**
     * An unquoted value: up to the next {@code ;}, trailing OWS dropped. Leniently wider than an
     * RFC 9110 token, as some encoders send names with spaces or non-ASCII characters unquoted.
     */
    String unquotedValue() {
      int start = position;
      while (position < value.length() && value.charAt(position) != ';') {
        position++;
      }
      return value.substring(start, position).strip();
    }

    /** A quoted string at the cursor, with only {@code \"} and {@code \\} unescaped. */
    String quotedString() throws MalformedMultipartException {
      position++; // the opening quote
      StringBuilder sb = new StringBuilder();
      while (position < value.length()) {
        char c = value.charAt(position++);
        if (c == '"') {
          return sb.toString();
        }
        if (c == '\\' && position < value.length()
            && (value.charAt(position) == '"' || value.charAt(position) == '\\')) {
          c = value.charAt(position++);
        }
        sb.append(c);
      }
      throw malformed("has a quoted string without its closing quote");
    }
  }
}
