package dev.eden.artifacts.testkit.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds multipart/form-data bodies byte by byte, including malformed ones that no well-behaved
 * encoder would produce. Only for the small bodies of the checks; large uploads are streamed by
 * {@link ConformanceContext}. Not thread-safe.
 */
final class Multipart {
  static final String BOUNDARY = "eden-conformance-7d1f3a9c";
  private static final byte[] CRLF = {'\r', '\n'};

  private final List<byte[]> parts = new ArrayList<>();

  /** The {@code Content-Type} header value announcing {@link #BOUNDARY}. */
  static String contentType() {
    return "multipart/form-data; boundary=" + BOUNDARY;
  }

  /** Adds the one part a deposit expects: {@code file}, with a filename and a type. */
  Multipart file(String filename, String contentType, byte[] content) {
    return part("form-data; name=\"file\"; filename=\"" + filename + "\"", contentType, content);
  }

  /**
   * Adds a part with the given {@code Content-Disposition} value and, unless {@code null}, a
   * {@code Content-Type}.
   */
  Multipart part(String disposition, String contentType, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, "--" + BOUNDARY);
    out.writeBytes(CRLF);
    write(out, "Content-Disposition: " + disposition);
    out.writeBytes(CRLF);
    if (contentType != null) {
      write(out, "Content-Type: " + contentType);
      out.writeBytes(CRLF);
    }
    out.writeBytes(CRLF);
    out.writeBytes(content);
    out.writeBytes(CRLF);
    parts.add(out.toByteArray());
    return this;
  }

  /** The complete body, closed by the final delimiter. */
  byte[] build() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    write(out, "--" + BOUNDARY + "--");
    out.writeBytes(CRLF);
    return out.toByteArray();
  }

  /** The body cut off in the middle of the last part's content: no final delimiter. */
  byte[] buildTruncated() {
    byte[] whole = build();
    int cut = whole.length - ("--" + BOUNDARY + "--").length() - 2 * CRLF.length - 3;
    byte[] truncated = new byte[Math.max(cut, 1)];
    System.arraycopy(whole, 0, truncated, 0, truncated.length);
    return truncated;
  }

  /** The head of a one-part {@code file} body whose content follows as a stream. */
  static byte[] streamedHead(String filename, String contentType) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, "--" + BOUNDARY + "\r\n");
    write(out, "Content-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n");
    write(out, "Content-Type: " + contentType + "\r\n\r\n");
    return out.toByteArray();
  }

  /** What closes a streamed one-part body. */
  static byte[] streamedTail() {
    return ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }
}
