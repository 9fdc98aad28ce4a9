package dev.eden.artifacts.server;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.List;

/**
 * One HTTP request and its response, as a transport adapter hands it to {@link ArtifactHandler}.
 * Implement it to run the binding on a server this library has no adapter for; the Jakarta
 * Servlet adapter is {@link ArtifactServlet}.
 *
 * <p>Used by one thread at a time. The adapter owns the underlying streams; the handler never
 * closes the request body and closes the response body only by finishing the exchange.
 */
public interface ServerExchange {

  /** The request method, for example {@code GET}. */
  String method();

  /**
   * The request path as sent, not percent-decoded, relative to where the binding is mounted (for
   * a servlet: without the context path and the servlet's mount path), starting with {@code /}.
   */
  String rawPath();

  /** The query string as sent, not percent-decoded, without the {@code ?}; null if none. */
  String rawQuery();

  /** The full request URL as the client addressed it, used as the problem {@code instance}. */
  String requestUrl();

  /**
   * The first value of request header {@code name} (case-insensitive), exactly as sent, or null.
   * The handler reads headers through {@link #requestHeaders}.
   */
  String requestHeader(String name);

  /**
   * Every value of request header {@code name} (case-insensitive): one element per header line, in
   * the order received, each exactly as sent — not merged, not split at commas, not case-folded;
   * empty (never null) if the header is absent. The handler refuses a request that repeats a
   * header it reads (RFC 9110 §5.3: these are singleton fields, and a proxy in front may honour a
   * different copy than the first).
   *
   * <p>Adapters should override this with the transport's own list (servlet
   * {@code getHeaders(name)}, Jetty {@code HttpFields.getValuesList(name)}, JDK
   * {@code Headers.get(name)}). The default returns at most {@link #requestHeader the first value},
   * so repeats go unnoticed; it exists only so that adapters written before this method still
   * compile.
   */
  default List<String> requestHeaders(String name) {
    String first = requestHeader(name);
    return first == null ? List.of() : List.of(first);
  }

  /** The declared request body length, or -1 if unknown (chunked). */
  long requestContentLength();

  /** The request body. Read it at most once. */
  InputStream requestBody() throws IOException;

  /** Sets the response status. Must precede {@link #responseBody()}. */
  void status(int status);

  /**
   * Sets response header {@code name} to exactly {@code value}, replacing earlier values. The
   * adapter must not rewrite the value (no charset appended to a {@code Content-Type}).
   */
  void responseHeader(String name, String value);

  /** Sets the response body length. */
  void responseContentLength(long length);

  /**
   * Asks the transport to close the connection once the response is sent instead of reading the
   * rest of the request body (used on 413, where the rest may be gigabytes).
   */
  void closeConnectionAfterResponse();

  /** Whether status and headers have been sent, so an error can no longer be rendered. */
  boolean isCommitted();

  /** The response body; the exchange ends when the handler returns. */
  OutputStream responseBody() throws IOException;

  /**
   * Sends the whole response body: exactly {@code length} bytes of {@code source}, from its current
   * position, as the {@link #responseContentLength} already set announced. Commits the response
   * first, like {@link #responseBody()}; a handler uses one or the other, once. The caller owns
   * {@code source} and closes it; {@code source} may hold more than {@code length} bytes (a file
   * channel of a range) and is read no further.
   *
   * <p>The default reads {@code source} through a heap buffer into {@link #responseBody()}, which
   * every transport can do. An adapter whose transport can write a file without copying it through
   * the heap overrides this for a {@link java.nio.channels.FileChannel} (the Jetty adapter writes
   * mapped slices of it); it must then move the channel's position past the bytes it handed to the
   * transport, as reading them would have, so the caller can tell how far it got. A mapping must
   * only ever reach code that hands it to the kernel (a socket write), never code that reads it in
   * Java or native code (compression, TLS): a file cut behind the server's back makes such a read
   * fail with an {@link InternalError}, or crash the process in native code.
   *
   * @param source the body's bytes from its current position, not null
   * @param length how many bytes, {@code >= 0}
   * @throws IOException if reading {@code source} fails or it ends before {@code length} bytes, or
   *     the response cannot be written (the client is gone): the transport's own exception
   */
  default void sendBody(ReadableByteChannel source, long length) throws IOException {
    OutputStream out = responseBody();
    // 256 KiB: fewer blocking writes per GiB; never more than the body needs.
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(1, Math.min(256 * 1024, length)));
    for (long remaining = length; remaining > 0; ) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
      int n = source.read(buffer);
      if (n < 0) {
        throw new EOFException("the body's source ended " + remaining + " bytes early");
      }
      out.write(buffer.array(), 0, n);
      remaining -= n;
    }
  }
}
