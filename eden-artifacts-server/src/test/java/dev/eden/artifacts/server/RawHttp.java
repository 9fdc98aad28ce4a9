package dev.eden.artifacts.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** A hand-driven HTTP/1.1 connection for sending bodies no well-behaved client would send. */
final class RawHttp implements AutoCloseable {
  final Socket socket;
  final OutputStream out;
  final InputStream in;
  final AtomicLong written = new AtomicLong();

  RawHttp(URI base, int readTimeoutMillis) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
    socket.setSoTimeout(readTimeoutMillis);
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    written.addAndGet(bytes.length);
  }

  void write(String text) throws IOException {
    write(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Request line and headers for a deposit; {@code contentLength} null means chunked. */
  static String depositHead(ServerFixture f, String authorization, String contentType, Long contentLength) {
    StringBuilder sb = new StringBuilder()
        .append("POST /v0/experiments/").append(f.experiment).append("/artifacts HTTP/1.1\r\n")
        .append("Host: ").append(f.baseUri().getHost()).append(':').append(f.baseUri().getPort()).append("\r\n")
        .append(ArtifactHandler.EXPERIMENT_HEADER).append(": ").append(f.experiment).append("\r\n")
        .append("Authorization: ").append(authorization).append("\r\n");
    if (contentType != null) {
      sb.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (contentLength == null) {
      sb.append("Transfer-Encoding: chunked\r\n");
    } else {
      sb.append("Content-Length: ").append(contentLength).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  /** Reads one response: status, headers (lower-case names) and a Content-Length body, schema-checked. */
  Reply readReply() throws IOException {
    Reply reply = readUncheckedReply();
    WireBodies.check(reply.status(), reply.headers().get("content-type"), reply.body());
    return reply;
  }

  /** As {@link #readReply()}, for answers a transport writes itself (not problem+json). */
  Reply readUncheckedReply() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed before a full response head: " + head);
      }
      head.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
          ? state + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    byte[] body = new byte[0];
    if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    }
    return new Reply(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  record Reply(int status, Map<String, String> headers, String body) {}

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
