package dev.eden.artifacts.checks.reliability;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * One deposit request as bytes on the wire: a valid deposit (its payload, filename, part content
 * type, boundary and framing) changed by a list of {@link Mutation}s, each of which either keeps
 * the request valid, surely breaks it, or may do either. {@link #expectation()} says which.
 */
record HostileDeposit(byte[] payload, String filename, String partType, String boundary,
    boolean chunked, int chunkSize, List<Mutation> mutations) {

  /** What the contract says the server must do with a request. */
  enum Expectation { STORED, REFUSED, EITHER }

  /** Whether a mutation keeps a valid request valid, surely breaks it, or may do either. */
  enum Effect { KEEPS, BREAKS, EITHER }

  /** The ways a deposit request is changed; {@code a} and {@code b} pick positions and values. */
  enum Kind {
    // Valid variations a careful sender may send (RFC 2046, RFC 7578, RFC 9112).
    REORDER_PART_HEADERS(Effect.KEEPS),
    UNQUOTED_FILENAME(Effect.KEEPS),
    EXTENDED_FILENAME_ALONE(Effect.KEEPS),
    PARAMETERS_REORDERED(Effect.KEEPS),
    NO_PART_CONTENT_TYPE(Effect.KEEPS),
    QUOTED_BOUNDARY_PARAMETER(Effect.KEEPS),
    MEDIA_TYPE_IN_OTHER_CASE(Effect.KEEPS),
    PREAMBLE(Effect.KEEPS),
    EPILOGUE(Effect.KEEPS),
    TRANSPORT_PADDING(Effect.KEEPS),
    DELIMITER_LOOKALIKES_IN_CONTENT(Effect.KEEPS),
    CHUNK_EXTENSION(Effect.KEEPS),
    MATCHING_CONTENT_DIGEST(Effect.KEEPS),
    // Faults the contract refuses with a 400 (or 413) and nothing stored.
    TRUNCATE(Effect.BREAKS),
    CONTENT_LENGTH_LONGER_THAN_BODY(Effect.BREAKS),
    CONTENT_LENGTH_SHORTER_THAN_BODY(Effect.BREAKS),
    SECOND_FILE_PART(Effect.BREAKS),
    EXTRA_PLAIN_FIELD(Effect.BREAKS),
    OTHER_PART_NAME(Effect.BREAKS),
    NO_FILENAME(Effect.BREAKS),
    BOUNDARY_DIFFERS_FROM_BODY(Effect.BREAKS),
    NO_BOUNDARY_PARAMETER(Effect.BREAKS),
    CORRUPT_CLOSING_DELIMITER(Effect.BREAKS),
    DROP_CLOSING_DELIMITER(Effect.BREAKS),
    BARE_LF_DELIMITERS(Effect.BREAKS),
    PART_HEADER_BLOCK_OVER_BOUND(Effect.BREAKS),
    MISMATCHED_CONTENT_DIGEST(Effect.BREAKS),
    CHUNK_SIZE_NOT_HEX(Effect.BREAKS),
    CHUNK_SIZE_TOO_LARGE(Effect.BREAKS),
    NO_LAST_CHUNK(Effect.BREAKS),
    GZIP_TRANSFER_CODING(Effect.BREAKS),
    NOT_MULTIPART(Effect.BREAKS),
    OVER_THE_CAP(Effect.BREAKS),
    // Blind damage: the answer may go either way, but must be consistent with what is stored.
    FLIP_BYTE(Effect.EITHER),
    DELETE_BYTES(Effect.EITHER),
    DUPLICATE_SLICE(Effect.EITHER),
    UNCLOSED_FILENAME_QUOTE(Effect.EITHER),
    BAD_PERCENT_ENCODING_IN_FILENAME(Effect.EITHER),
    CONTROL_CHARACTERS_IN_PART_HEADERS(Effect.EITHER);

    final Effect effect;

    Kind(Effect effect) {
      this.effect = effect;
    }
  }

  record Mutation(Kind kind, int a, int b) {
    @Override
    public String toString() {
      return kind + "(" + a + "," + b + ")";
    }
  }

  /** The server's cap in the scenario; {@link Kind#OVER_THE_CAP} sends one byte more. */
  static final int CAP = 64 * 1024;

  /**
   * Refused if something breaks the request and no blind damage could have undone it (a flipped
   * byte can turn a mismatched digest's header line into part of the content type); stored if
   * every change keeps it valid; else either.
   */
  Expectation expectation() {
    boolean breaks = mutations.stream().anyMatch(m -> m.kind().effect == Effect.BREAKS);
    boolean blind = mutations.stream().anyMatch(m -> m.kind().effect == Effect.EITHER);
    if (blind) {
      return Expectation.EITHER;
    }
    return breaks ? Expectation.REFUSED : Expectation.STORED;
  }

  /**
   * Whether the framing announces more body than is sent (a {@code Content-Length} above the
   * length, a chunk larger than its bytes, no last chunk): the server can only learn that the body
   * ended when the client half-closes the connection.
   */
  boolean framingPromisesMore() {
    return has(Kind.CONTENT_LENGTH_LONGER_THAN_BODY) || has(Kind.CHUNK_SIZE_TOO_LARGE) || has(Kind.NO_LAST_CHUNK);
  }

  /** The payload as the server must store it when the request stays valid: with lookalikes inserted. */
  byte[] storedPayload() {
    return render(null).content;
  }

  /** The request (head and body) exactly as sent to the server that {@code head} describes. */
  byte[] wire(Head head) {
    return render(head).wire;
  }

  /** Request-line and authentication details of the server under test. */
  record Head(String experimentId, String bearer, String experimentHeader) {}

  private record Rendered(byte[] content, byte[] wire) {}

  private boolean has(Kind kind) {
    return mutations.stream().anyMatch(m -> m.kind() == kind);
  }

  private Mutation first(Kind kind) {
    return mutations.stream().filter(m -> m.kind() == kind).findFirst().orElseThrow();
  }

  private Rendered render(Head head) {
    byte[] content = payload;
    if (has(Kind.DELIMITER_LOOKALIKES_IN_CONTENT)) {
      content = withLookalikes(content, first(Kind.DELIMITER_LOOKALIKES_IN_CONTENT));
    }
    if (has(Kind.OVER_THE_CAP)) {
      content = new byte[CAP + 1];
      new Random(first(Kind.OVER_THE_CAP).a()).nextBytes(content);
    }
    if (head == null) {
      return new Rendered(content, null);
    }
    String lineEnd = has(Kind.BARE_LF_DELIMITERS) ? "\n" : "\r\n";
    String bodyBoundary = boundary;

    // The part's header lines.
    List<String> partHeaders = new ArrayList<>();
    partHeaders.add("Content-Disposition: " + disposition());
    if (!has(Kind.NO_PART_CONTENT_TYPE)) {
      partHeaders.add("Content-Type: " + partType);
    }
    if (has(Kind.MATCHING_CONTENT_DIGEST)) {
      partHeaders.add("Content-Digest: sha-256=:" + Base64.getEncoder().encodeToString(sha256(content)) + ":");
    }
    if (has(Kind.MISMATCHED_CONTENT_DIGEST)) {
      byte[] other = sha256(content);
      other[0] ^= 1;
      partHeaders.add("Content-Digest: sha-256=:" + Base64.getEncoder().encodeToString(other) + ":");
    }
    if (has(Kind.PART_HEADER_BLOCK_OVER_BOUND)) {
      partHeaders.add("X-Filler: " + "f".repeat(9_000));
    }
    if (has(Kind.CONTROL_CHARACTERS_IN_PART_HEADERS)) {
      Mutation m = first(Kind.CONTROL_CHARACTERS_IN_PART_HEADERS);
      int line = Math.floorMod(m.a(), partHeaders.size());
      String text = partHeaders.get(line);
      int at = Math.floorMod(m.b(), text.length() + 1);
      partHeaders.set(line, text.substring(0, at) + (char) Math.floorMod(m.b() >> 8, 32) + text.substring(at));
    }
    if (has(Kind.REORDER_PART_HEADERS)) {
      Collections.reverse(partHeaders);
    }

    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (has(Kind.PREAMBLE)) {
      write(body, "This is the preamble; it is to be ignored." + "\r\n");
    }
    String padding = has(Kind.TRANSPORT_PADDING) ? " \t " : "";
    write(body, "--" + bodyBoundary + padding + lineEnd);
    for (String h : partHeaders) {
      write(body, h + lineEnd);
    }
    write(body, lineEnd);
    body.writeBytes(content);
    if (has(Kind.SECOND_FILE_PART)) {
      write(body, lineEnd + "--" + bodyBoundary + lineEnd + "Content-Disposition: form-data; name=\"file\"; filename=\"b.bin\""
          + lineEnd + lineEnd + "second");
    }
    if (has(Kind.EXTRA_PLAIN_FIELD)) {
      write(body, lineEnd + "--" + bodyBoundary + lineEnd + "Content-Disposition: form-data; name=\"note\"" + lineEnd
          + lineEnd + "a plain field");
    }
    if (!has(Kind.DROP_CLOSING_DELIMITER)) {
      String close = lineEnd + "--" + bodyBoundary + "--" + padding + lineEnd;
      if (has(Kind.CORRUPT_CLOSING_DELIMITER)) {
        // Any byte of CRLF "--" boundary "--" changed to one that is not there: no closing delimiter.
        Mutation m = first(Kind.CORRUPT_CLOSING_DELIMITER);
        int at = Math.floorMod(m.a(), lineEnd.length() + 2 + bodyBoundary.length() + 2);
        char replacement = close.charAt(at) == '#' ? '%' : '#';
        close = close.substring(0, at) + replacement + close.substring(at + 1);
      }
      write(body, close);
    }
    if (has(Kind.EPILOGUE)) {
      write(body, "This is the epilogue; it is to be ignored.\r\n");
    }
    byte[] bytes = body.toByteArray();
    for (Mutation m : mutations) {
      bytes = switch (m.kind()) {
        case FLIP_BYTE -> flip(bytes, m);
        case DELETE_BYTES -> delete(bytes, m);
        case DUPLICATE_SLICE -> duplicate(bytes, m);
        case TRUNCATE -> truncate(bytes, m, closingDelimiterEnd(bytes));
        default -> bytes;
      };
    }

    // The request head.
    String contentType = "multipart/form-data; boundary=" + (has(Kind.QUOTED_BOUNDARY_PARAMETER)
        ? "\"" + boundary + "\"" : boundary);
    if (has(Kind.BOUNDARY_DIFFERS_FROM_BODY)) {
      contentType = "multipart/form-data; boundary=" + boundary + "x";
    }
    if (has(Kind.NO_BOUNDARY_PARAMETER)) {
      contentType = "multipart/form-data";
    }
    if (has(Kind.NOT_MULTIPART)) {
      contentType = "application/octet-stream";
    }
    if (has(Kind.MEDIA_TYPE_IN_OTHER_CASE)) {
      contentType = contentType.replace("multipart/form-data", "Multipart/Form-Data");
    }
    StringBuilder h = new StringBuilder()
        .append("POST /v0/experiments/").append(head.experimentId()).append("/artifacts HTTP/1.1\r\n")
        .append("Host: 127.0.0.1\r\n")
        .append(head.experimentHeader()).append(": ").append(head.experimentId()).append("\r\n")
        .append("Authorization: Bearer ").append(head.bearer()).append("\r\n")
        .append("Content-Type: ").append(contentType).append("\r\n")
        .append("Connection: close\r\n");
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    // A lie about the Content-Length needs that framing; a fault in the chunks needs chunked.
    boolean lengthLie = has(Kind.CONTENT_LENGTH_LONGER_THAN_BODY) || has(Kind.CONTENT_LENGTH_SHORTER_THAN_BODY);
    if (!lengthLie && (chunked || has(Kind.GZIP_TRANSFER_CODING) || has(Kind.CHUNK_SIZE_NOT_HEX)
        || has(Kind.CHUNK_SIZE_TOO_LARGE) || has(Kind.NO_LAST_CHUNK) || has(Kind.CHUNK_EXTENSION))) {
      h.append("Transfer-Encoding: ").append(has(Kind.GZIP_TRANSFER_CODING) ? "gzip, chunked" : "chunked").append("\r\n\r\n");
      write(wire, h.toString());
      writeChunked(wire, bytes);
    } else {
      long length = bytes.length;
      if (has(Kind.CONTENT_LENGTH_LONGER_THAN_BODY)) {
        length += 1 + Math.floorMod(first(Kind.CONTENT_LENGTH_LONGER_THAN_BODY).a(), 1000);
      }
      if (has(Kind.CONTENT_LENGTH_SHORTER_THAN_BODY)) {
        // Cut before the closing delimiter is complete, so the message the server reads is truncated.
        int end = closingDelimiterEnd(bytes);
        length = end < 0 ? Math.max(0, bytes.length - 1) : Math.floorMod(first(Kind.CONTENT_LENGTH_SHORTER_THAN_BODY).a(), end);
      }
      h.append("Content-Length: ").append(length).append("\r\n\r\n");
      write(wire, h.toString());
      wire.writeBytes(bytes);
    }
    return new Rendered(content, wire.toByteArray());
  }

  private String disposition() {
    String name = has(Kind.OTHER_PART_NAME) ? "other" : "file";
    String file;
    if (has(Kind.NO_FILENAME)) {
      file = null;
    } else if (has(Kind.EXTENDED_FILENAME_ALONE)) {
      file = "filename*=UTF-8''" + (has(Kind.BAD_PERCENT_ENCODING_IN_FILENAME) ? "%E2%8" : "%E2%82%AC-") + "plan.txt";
    } else if (has(Kind.UNQUOTED_FILENAME)) {
      file = "filename=" + filename;
    } else if (has(Kind.UNCLOSED_FILENAME_QUOTE)) {
      file = "filename=\"" + filename;
    } else {
      file = "filename=\"" + filename + "\"";
    }
    if (file == null) {
      return "form-data; name=\"" + name + "\"";
    }
    return has(Kind.PARAMETERS_REORDERED)
        ? "form-data; " + file + "; name=\"" + name + "\""
        : "form-data; name=\"" + name + "\"; " + file;
  }

  /**
   * Inserts at a few positions what a lenient parser takes for a delimiter: a bare LF before the
   * boundary (with and without the closing dashes), and CRLF {@code "--"} with only a proper
   * prefix of the boundary. Each is guarded so that no byte around it completes a real delimiter.
   */
  private byte[] withLookalikes(byte[] content, Mutation m) {
    Random random = new Random(m.a());
    int k = random.nextInt(boundary.length());
    char guard = boundary.charAt(k) == 'Z' ? 'Y' : 'Z';
    String[] lookalikes = {
        "x\n--" + boundary + "--\r\n", "x\n--" + boundary + "\r\n", "\r\n--" + boundary.substring(0, k) + guard,
        "x\n--" + boundary};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    int count = 1 + Math.floorMod(m.b(), 4);
    for (int i = 0; i < count; i++) {
      int next = content.length == 0 ? 0 : at + random.nextInt(content.length - at + 1);
      out.write(content, at, next - at);
      // Whatever byte precedes it, no lookalike completes CRLF "--" boundary: each starts with x or CRLF.
      write(out, lookalikes[random.nextInt(lookalikes.length)]);
      at = next;
    }
    out.write(content, at, content.length - at);
    return out.toByteArray();
  }

  private void writeChunked(ByteArrayOutputStream wire, byte[] bytes) {
    int size = Math.max(1, chunkSize);
    String extension = has(Kind.CHUNK_EXTENSION) ? ";ext=\"v\"" : "";
    for (int at = 0; at < bytes.length; at += size) {
      int n = Math.min(size, bytes.length - at);
      String line = Integer.toHexString(n);
      if (has(Kind.CHUNK_SIZE_NOT_HEX) && at == 0) {
        line = "g" + line;
      }
      if (has(Kind.CHUNK_SIZE_TOO_LARGE) && at == 0) {
        line = Integer.toHexString(n + 1 + Math.floorMod(first(Kind.CHUNK_SIZE_TOO_LARGE).a(), 100));
      }
      write(wire, line + extension + "\r\n");
      wire.write(bytes, at, n);
      write(wire, "\r\n");
    }
    if (bytes.length == 0 && has(Kind.CHUNK_SIZE_NOT_HEX)) {
      write(wire, "g0\r\n\r\n");
    }
    if (!has(Kind.NO_LAST_CHUNK)) {
      write(wire, "0\r\n\r\n");
    }
  }

  /** Index just past the last {@code "--" boundary "--"} in {@code bytes}, or -1. */
  private int closingDelimiterEnd(byte[] bytes) {
    byte[] close = ("--" + boundary + "--").getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = bytes.length - close.length; i >= 0; i--) {
      for (int j = 0; j < close.length; j++) {
        if (bytes[i + j] != close[j]) {
          continue outer;
        }
      }
      return i + close.length;
    }
    return -1;
  }

  private static byte[] flip(byte[] bytes, Mutation m) {
    if (bytes.length == 0) {
      return bytes;
    }
    byte[] copy = bytes.clone();
    int at = Math.floorMod(m.a(), copy.length);
    copy[at] = (byte) (copy[at] ^ (1 + Math.floorMod(m.b(), 255)));
    return copy;
  }

  private static byte[] delete(byte[] bytes, Mutation m) {
    if (bytes.length == 0) {
      return bytes;
    }
    int at = Math.floorMod(m.a(), bytes.length);
    int n = Math.min(bytes.length - at, 1 + Math.floorMod(m.b(), 16));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes, 0, at);
    out.write(bytes, at + n, bytes.length - at - n);
    return out.toByteArray();
  }

  private static byte[] duplicate(byte[] bytes, Mutation m) {
    if (bytes.length == 0) {
      return bytes;
    }
    int at = Math.floorMod(m.a(), bytes.length);
    int n = Math.min(bytes.length - at, 1 + Math.floorMod(m.b(), 64));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes, 0, at + n);
    out.write(bytes, at, bytes.length - at);
    return out.toByteArray();
  }

  /** Cuts the body somewhere before the closing delimiter's last dash. */
  private static byte[] truncate(byte[] bytes, Mutation m, int closeEnd) {
    int limit = closeEnd < 0 ? bytes.length : closeEnd - 1;
    return Arrays.copyOf(bytes, Math.floorMod(m.a(), Math.max(1, limit)));
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256(bytes));
  }

  @Override
  public String toString() {
    return "HostileDeposit[" + payload.length + " B, filename=" + filename + ", partType=" + partType
        + ", boundary=" + boundary + ", " + (chunked ? "chunked by " + chunkSize : "Content-Length")
        + ", mutations=" + mutations + " → " + expectation() + "]";
  }
}
