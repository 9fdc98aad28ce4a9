package dev.eden.artifacts.server.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Finds the first boundary delimiter line of a multipart body (RFC 2046 §5.1.1): the preamble is
 * skipped line by line, and the delimiter line is {@code "--" boundary}, then optional transport
 * padding (spaces and tabs, which receivers must accept), then CRLF (a bare LF is tolerated). A
 * line that merely starts with the delimiter (the boundary followed by other characters) is
 * preamble.
 *
 * <p>Why not FileUpload's own preamble skipping: it refuses transport padding after the delimiter,
 * and reports that, like a body with no delimiter at all, as "no part". Reads one byte at a time
 * and nothing past the delimiter line, so the multipart reader continues exactly where this
 * stopped. Not API; stateless.
 */
final class FirstDelimiter {
  static final String NO_DELIMITER =
      "the multipart body holds no boundary delimiter line for the boundary its Content-Type declares";

  private FirstDelimiter() {}

  /**
   * Reads {@code body} up to and including its first delimiter line.
   *
   * @return true if a part follows; false if the first delimiter is the closing one
   *     ({@code "--" boundary "--"}), whose rest is then left unread
   * @throws MalformedMultipartException if the body ends before a delimiter line
   */
  static boolean skipTo(InputStream body, byte[] boundary) throws IOException {
    byte[] delimiter = new byte[boundary.length + 2];
    delimiter[0] = '-';
    delimiter[1] = '-';
    System.arraycopy(boundary, 0, delimiter, 2, boundary.length);
    while (true) {
      int c = matchPrefix(body, delimiter);
      if (c == -2) {
        c = next(body);
        if (c == '-') {
          c = next(body);
          if (c == '-') {
            return false;
          }
        } else {
          while (c == ' ' || c == '\t') {
            c = next(body);
          }
          if (c == '\r') {
            c = next(body);
          }
          if (c == '\n') {
            return true;
          }
        }
        // The boundary followed by something else: a preamble line after all.
      }
      while (c != '\n') {
        c = next(body);
      }
    }
  }

  /**
   * Compares the start of a line with {@code delimiter}: -2 on a full match, else the first byte
   * that differed (which may be the LF ending the line).
   */
  private static int matchPrefix(InputStream body, byte[] delimiter) throws IOException {
    for (byte expected : delimiter) {
      int c = next(body);
      if (c != (expected & 0xFF)) {
        return c;
      }
    }
    return -2;
  }

  private static int next(InputStream body) throws IOException {
    int c = body.read();
    if (c < 0) {
      throw new MalformedMultipartException(NO_DELIMITER);
    }
    return c;
  }
}
