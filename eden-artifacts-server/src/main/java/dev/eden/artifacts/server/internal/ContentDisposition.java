package dev.eden.artifacts.server.internal;

import java.nio.charset.StandardCharsets;

/**
 * Builds {@code Content-Disposition: attachment} values in RFC 6266 form: a quoted ASCII fallback
 * {@code filename="..."} plus {@code filename*=UTF-8''...} (RFC 8187) for the exact name. Nothing a
 * filename contains can end the header or open a new parameter: controls are dropped, quotes and
 * backslashes are replaced in the fallback, and the extended form percent-encodes everything but
 * RFC 8187 attr-chars. Not API.
 */
public final class ContentDisposition {
  private static final String ATTR_CHAR_PUNCTUATION = "!#$&+-.^_`|~";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private ContentDisposition() {}

  /** The header value for downloading a file named {@code filename}. */
  public static String attachment(String filename) {
    return "attachment; filename=\"" + asciiFallback(filename) + "\"; filename*=UTF-8''"
        + percentEncode(filename);
  }

  static String asciiFallback(String filename) {
    StringBuilder sb = new StringBuilder(filename.length());
    for (int i = 0; i < filename.length(); ) {
      int cp = filename.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 0x20 || cp == 0x7f) {
        continue;
      }
      sb.append(cp >= 0x7f || cp == '"' || cp == '\\' || cp == '%' ? '_' : (char) cp);
    }
    String fallback = sb.toString().strip();
    return fallback.isEmpty() ? "artifact" : fallback;
  }

  static String percentEncode(String filename) {
    byte[] utf8 = filename.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(utf8.length * 3);
    for (byte b : utf8) {
      int c = b & 0xff;
      boolean attrChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || ATTR_CHAR_PUNCTUATION.indexOf(c) >= 0;
      if (attrChar) {
        sb.append((char) c);
      } else {
        sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return sb.toString();
  }
}
