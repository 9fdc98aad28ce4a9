package dev.eden.artifacts.testkit.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 request written on its own socket and the answer read as bytes, for the rules the
 * JDK client hides: whether an answer to {@code HEAD}, or a 304, carries a body. Stateless.
 */
final class RawExchange {
  /** How long to wait for more bytes once the header block is in, if the server keeps the
   *  connection open despite {@code Connection: close}. */
  private static final int LINGER_MILLIS = 1000;
  /** The most this reads of one answer; a conformance answer is far smaller. */
  private static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;
  private static final byte[] END_OF_HEADERS = {'\r', '\n', '\r', '\n'};

  private RawExchange() {}

  /**
   * Sends {@code head} (the request line and headers, ending with the empty line; no body) to
   * {@code target}'s host and returns the answer.
   *
   * @param described {@code METHOD path} for messages
   * @throws IOException for transport trouble, or an answer that is not HTTP/1.x
   */
  static WireResponse exchange(URI target, String described, String head, Duration timeout)
      throws IOException {
    boolean tls = "https".equalsIgnoreCase(target.getScheme());
    int port = target.getPort() >= 0 ? target.getPort() : tls ? 443 : 80;
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    try (Socket socket = tls
        ? SSLSocketFactory.getDefault().createSocket()
        : new Socket()) {
      socket.connect(new InetSocketAddress(target.getHost(), port), timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return read(socket, described);
    }
  }

  private static WireResponse read(Socket socket, String described) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int headerEnd = -1;
    while (answer.size() < MAX_ANSWER_BYTES) {
      int n;
      try {
        n = in.read(buffer);
      } catch (SocketTimeoutException e) {
        if (headerEnd >= 0) {
          break; // The server kept the connection open: whatever came so far is the answer.
        }
        throw e;
      }
      if (n < 0) {
        break;
      }
      answer.write(buffer, 0, n);
      if (headerEnd < 0) {
        headerEnd = indexOf(answer.toByteArray(), END_OF_HEADERS);
        if (headerEnd >= 0) {
          socket.setSoTimeout(LINGER_MILLIS);
        }
      }
    }
    byte[] bytes = answer.toByteArray();
    if (headerEnd < 0) {
      throw new IOException(described + ": the answer ended before its header block did ("
          + bytes.length + " bytes)");
    }
    String[] lines = new String(bytes, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
      throw new IOException(described + ": not an HTTP/1.x status line: " + lines[0]);
    }
    int status;
    try {
      status = Integer.parseInt(statusLine[1]);
    } catch (NumberFormatException e) {
      throw new IOException(described + ": not an HTTP/1.x status line: " + lines[0], e);
    }
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        throw new IOException(described + ": malformed header line: " + lines[i]);
      }
      headers.computeIfAbsent(lines[i].substring(0, colon).toLowerCase(Locale.ROOT),
              k -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).strip());
    }
    int bodyStart = headerEnd + END_OF_HEADERS.length;
    byte[] body = java.util.Arrays.copyOfRange(bytes, bodyStart, bytes.length);
    return new WireResponse(described, status, HttpHeaders.of(headers, (k, v) -> true), body);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
