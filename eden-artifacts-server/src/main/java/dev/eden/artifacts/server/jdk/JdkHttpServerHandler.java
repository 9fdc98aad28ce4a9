package dev.eden.artifacts.server.jdk;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import dev.eden.artifacts.ProblemType;
import dev.eden.artifacts.server.ArtifactHandler;
import dev.eden.artifacts.server.ServerExchange;
import dev.eden.artifacts.server.internal.ProblemJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Mounts an {@link ArtifactHandler} on the JDK's built-in {@code com.sun.net.httpserver.HttpServer},
 * for applications that already run one or want no server dependency at all. The handler sees
 * request paths relative to the context it is mounted at, so a context at {@code /} serves
 * {@code /v0/experiments/{E}/artifacts} and {@code /healthz}, and a context at {@code /eden} serves
 * {@code /eden/v0/experiments/{E}/artifacts}.
 *
 * <pre>{@code
 * HttpServer server = JdkHttpServers.create(new InetSocketAddress("127.0.0.1", 8080));
 * server.setExecutor(Executors.newFixedThreadPool(16));
 * server.createContext("/", new JdkHttpServerHandler(artifactHandler));
 * server.start();
 * }</pre>
 *
 * <p><b>Set {@code sun.net.httpserver.nodelay=true}.</b> The JDK server writes the response head
 * and the body in separate small writes; with Nagle's algorithm on, the second write waits for the
 * client's delayed ACK and every small response stalls about 40 ms (measured: about 700 requests
 * per second instead of about 52,000). The JDK reads the property once, when the first
 * {@code HttpServer} of the JVM is created: pass {@code -Dsun.net.httpserver.nodelay=true}, or set
 * it at the start of {@code main} (or call {@link JdkHttpServers#enableNoDelay()}) before creating
 * the server, or create servers with {@link JdkHttpServers#create}, which sets it unless the
 * application chose a value.
 *
 * <p><b>Set an executor.</b> Without {@link com.sun.net.httpserver.HttpServer#setExecutor} the JDK
 * runs every exchange on its single dispatcher thread, so one slow upload blocks every other
 * request. Deposits and fetches block while bytes stream: give the server a thread pool sized for
 * the concurrent transfers you expect.
 *
 * <p><b>Malformed request heads.</b> This adapter refuses, with 400 {@code
 * eden://error/bad-request} problem+json and a closed connection (the body is never read, since
 * its extent cannot be trusted), an HTTP/1.1 request without exactly one {@code Host} of the form
 * {@code host[:port]} (RFC 9112 §3.2), and a request whose {@code Content-Length} is not a single
 * {@code 1*DIGIT} value or that also carries {@code Transfer-Encoding} (RFC 9110 §8.6, RFC 9112
 * §6.3). The JDK server refuses some framing errors before the adapter sees the request (a {@code
 * Content-Length} that is not a number, two {@code Content-Length} lines, an unsupported {@code
 * Transfer-Encoding}) and answers those itself, in plain HTML rather than problem+json, also
 * closing the connection.
 *
 * <p><b>Run it behind a proxy or on a trusted network.</b> The JDK server has bounds the embedded
 * Jetty server has and this adapter cannot add:
 * <ul>
 *   <li>Chunk extensions: each chunk-size line is limited to about 2 KiB, but their total is not,
 *       and they do not count against the artifact cap (which counts content bytes). A chunked
 *       deposit of a 16 KiB artifact was accepted with 31 MiB of extensions under a 1 MiB cap.
 *       Jetty counts every chunk extension and trailer byte against the request-header budget
 *       ({@code maxRequestHeaderBytes}, 16 KiB by default) for the whole request.
 *   <li>Request heads: up to 200 header lines and 380 KiB by default ({@code
 *       sun.net.httpserver.maxReqHeaders}, {@code sun.net.httpserver.maxReqHeaderSize}); Jetty:
 *       16 KiB, answered with 431.
 *   <li>Time-outs: none on request or response bodies by default, so a stalled upload or a client
 *       that stops reading holds its thread ({@code sun.net.httpserver.maxReqTime}, {@code
 *       sun.net.httpserver.maxRspTime}); Jetty cuts off any connection idle for 30 s by default.
 * </ul>
 * A reverse proxy in front that enforces such bounds and forwards bodies in its own framing, or a
 * network where only trusted workers connect, makes up for them; otherwise prefer the embedded Jetty server of this module or
 * {@link dev.eden.artifacts.server.ArtifactServlet} in your servlet container.
 *
 * <p>Response headers go out exactly as the handler sets them (no charset is appended to a
 * {@code Content-Type}); bodies of known length are sent with {@code Content-Length}, others
 * chunked. A response that fails after it started is aborted by closing the connection, so a
 * client never mistakes a truncated body for a complete one; a client that hung up mid-response
 * is logged as one DEBUG line. Thread-safe.
 */
public final class JdkHttpServerHandler implements HttpHandler {
  private final ArtifactHandler handler;

  /** @param handler the endpoints to serve; shared, not owned */
  public JdkHttpServerHandler(ArtifactHandler handler) {
    this.handler = requireNonNull(handler, "handler");
  }

  /**
   * Serves one exchange and ends it.
   *
   * @throws IOException when the response could not be completed; the JDK server then closes the
   *     connection, which is how a half-sent body is aborted
   */
  @Override
  public void handle(HttpExchange exchange) throws IOException {
    JdkExchange adapted = new JdkExchange(exchange);
    Optional<String> malformed =
        RequestHeadRules.violation(exchange.getProtocol(), exchange.getRequestHeaders());
    if (malformed.isPresent()) {
      adapted.refuseMalformedHead(malformed.get());
    } else {
      handler.handle(adapted);
    }
    adapted.finish();
  }

  /** Adapts one {@link HttpExchange}: status, headers and length are held until the body starts. */
  private static final class JdkExchange implements ServerExchange {
    private static final long UNKNOWN_LENGTH = -1;
    // A Host header is echoed into problem instances only if it looks like host[:port].
    private static final Pattern PLAIN_HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    private final HttpExchange exchange;
    private int status = 200;
    private long contentLength = UNKNOWN_LENGTH;
    private boolean committed;
    private OutputStream body;

    JdkExchange(HttpExchange exchange) {
      this.exchange = exchange;
    }

    @Override
    public String method() {
      return exchange.getRequestMethod();
    }

    @Override
    public String rawPath() {
      String path = exchange.getRequestURI().getRawPath();
      String context = exchange.getHttpContext().getPath();
      if (context.endsWith("/")) {
        context = context.substring(0, context.length() - 1);
      }
      if (context.isEmpty() || path == null || !path.startsWith(context)) {
        return path;
      }
      String relative = path.substring(context.length());
      return relative.isEmpty() ? "/" : relative;
    }

    @Override
    public String rawQuery() {
      return exchange.getRequestURI().getRawQuery();
    }

    @Override
    public String requestUrl() {
      URI uri = exchange.getRequestURI();
      String scheme = exchange instanceof HttpsExchange ? "https" : "http";
      String host = exchange.getRequestHeaders().getFirst("Host");
      if (host == null || !PLAIN_HOST.matcher(host).matches()) {
        InetSocketAddress local = exchange.getLocalAddress();
        String address = local.getAddress().getHostAddress();
        host = (address.contains(":") ? "[" + address + "]" : address) + ":" + local.getPort();
      }
      String path = uri.getRawPath() == null ? "/" : uri.getRawPath();
      String query = uri.getRawQuery();
      return scheme + "://" + host + path + (query == null ? "" : "?" + query);
    }

    @Override
    public String requestHeader(String name) {
      return exchange.getRequestHeaders().getFirst(name);
    }

    @Override
    public List<String> requestHeaders(String name) {
      List<String> values = exchange.getRequestHeaders().get(name);
      return values == null ? List.of() : List.copyOf(values);
    }

    @Override
    public long requestContentLength() {
      if (exchange.getRequestHeaders().containsKey("Transfer-Encoding")) {
        return UNKNOWN_LENGTH;
      }
      String declared = exchange.getRequestHeaders().getFirst("Content-Length");
      if (declared == null) {
        return UNKNOWN_LENGTH;
      }
      try {
        return Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        // The JDK server rejects such requests before they get here; stay safe regardless.
        return UNKNOWN_LENGTH;
      }
    }

    @Override
    public InputStream requestBody() {
      return exchange.getRequestBody();
    }

    @Override
    public void status(int status) {
      this.status = status;
    }

    @Override
    public void responseHeader(String name, String value) {
      exchange.getResponseHeaders().set(name, value);
    }

    @Override
    public void responseContentLength(long length) {
      if (length < 0) {
        throw new IllegalArgumentException("length must not be negative: " + length);
      }
      this.contentLength = length;
    }

    @Override
    public void closeConnectionAfterResponse() {
      // The JDK server closes the connection after a response carrying this header, and in any
      // case after draining at most a small amount of an unread request body.
      exchange.getResponseHeaders().set("Connection", "close");
    }

    @Override
    public boolean isCommitted() {
      return committed;
    }

    @Override
    public OutputStream responseBody() throws IOException {
      if (body == null) {
        if (isHead()) {
          sendHeadersWithoutBody();
          body = OutputStream.nullOutputStream();
        } else {
          // The JDK encodes the body framing in the length argument: 0 means chunked, -1 means an
          // empty body (sent with Content-Length: 0), anything else a fixed length.
          long framing = contentLength == UNKNOWN_LENGTH ? 0 : contentLength == 0 ? -1 : contentLength;
          committed = true;
          exchange.sendResponseHeaders(status, framing);
          body = exchange.getResponseBody();
        }
      }
      return body;
    }

    /**
     * Answers 400 {@code bad-request} and closes the connection without reading the body: after a
     * malformed head nothing on the connection can be trusted (the body's extent may be unknown).
     */
    void refuseMalformedHead(String detail) throws IOException {
      ProblemType badRequest = ProblemType.BAD_REQUEST;
      byte[] json = ProblemJson.render(
          badRequest.status(), badRequest.uri(), badRequest.title(), detail, requestUrl());
      closeConnectionAfterResponse();
      status(badRequest.status());
      responseHeader("Content-Type", ProblemJson.CONTENT_TYPE);
      responseHeader("Cache-Control", "no-store");
      responseContentLength(json.length);
      responseBody().write(json);
    }

    /**
     * Ends the exchange after the handler returned normally: sends a response that never asked for
     * a body, then completes the body. A fixed-length body that is short fails here and the
     * connection is closed.
     */
    void finish() throws IOException {
      if (!committed) {
        sendHeadersWithoutBody();
      }
      exchange.close();
    }

    private void sendHeadersWithoutBody() throws IOException {
      if (contentLength != UNKNOWN_LENGTH && (isHead() || status == 304)) {
        // A HEAD or 304 answer announces the length a 200 would have; the JDK wants it set by hand.
        exchange.getResponseHeaders().set("Content-Length", Long.toString(contentLength));
      }
      committed = true;
      exchange.sendResponseHeaders(status, -1);
    }

    private boolean isHead() {
      return "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
    }
  }
}
