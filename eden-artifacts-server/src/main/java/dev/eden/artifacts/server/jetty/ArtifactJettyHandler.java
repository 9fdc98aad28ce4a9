package dev.eden.artifacts.server.jetty;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.server.AdminHandler;
import dev.eden.artifacts.server.ArtifactHandler;
import dev.eden.artifacts.server.ServerExchange;
import dev.eden.artifacts.server.internal.HandlerKnobs;
import dev.eden.artifacts.server.internal.JettyConnectors;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * Runs an {@link ArtifactHandler} directly on Jetty's core API, without the servlet layer: fewer
 * allocations per request, and response headers go out exactly as set (the servlet layer rewrites
 * {@code Content-Type} parameters, for example {@code text/plain; charset=x} to
 * {@code text/plain;charset=x}, which would break the contract's verbatim echo). Blocking: each
 * request occupies a pool thread while its body streams. Deposit bodies are parsed with Jetty's
 * {@code MultiPart.Parser} (see {@link JettyMultipartReader}) unless the handler's builder chose a
 * reader explicitly. Every HTTP/1.1 connector of the server must read header values byte for byte
 * ({@link ExactRequestHeaders}); the handler refuses to start otherwise. Thread-safe.
 */
public final class ArtifactJettyHandler extends Handler.Abstract {
  private final ArtifactHandler handler;
  private final AdminHandler admin; // null: no admin API, no console
  private final BodySending sending;
  private final MappedSlices slices;

  /** The artifact endpoints alone. */
  public ArtifactJettyHandler(ArtifactHandler handler) {
    this(handler, null);
  }

  /**
   * The artifact endpoints, and beside them the admin API (and the console, if enabled): a request
   * whose path {@link AdminHandler#handles} goes to {@code admin}, every other to {@code handler}.
   *
   * @param admin may be null for the artifact endpoints alone
   */
  public ArtifactJettyHandler(ArtifactHandler handler, AdminHandler admin) {
    this(handler, admin, BodySending.DEFAULT);
  }

  /** With other body sizes, for tests (a body of several mapped slices without gigabytes). */
  ArtifactJettyHandler(ArtifactHandler handler, AdminHandler admin, BodySending sending) {
    super(InvocationType.BLOCKING);
    this.handler = HandlerKnobs.preferringMultipartReader(
        requireNonNull(handler, "handler"), JettyMultipartReader.FACTORY);
    this.admin = admin;
    this.sending = requireNonNull(sending, "sending");
    this.slices = new MappedSlices(sending.mappedBudget());
  }

  /** Bytes of blob files mapped and not yet collected, for tests. */
  long mappedBytes() {
    return slices.mapped();
  }

  /** How many slices of blob files were ever mapped, for tests. */
  long slicesMapped() {
    return slices.slicesMapped();
  }

  /**
   * @throws IllegalStateException if an HTTP/1.1 connector of the server does not hand header values
   *     over byte for byte (see {@link ExactRequestHeaders}): credentials could be read as an earlier
   *     request's
   */
  @Override
  protected void doStart() throws Exception {
    // Not attached to a server yet: nothing to check.
    String problem = getServer() == null ? null : JettyConnectors.problem(getServer());
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
    super.doStart();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    CoreExchange exchange = new CoreExchange(request, response, sending, slices);
    try {
      if (admin != null && admin.handles(exchange.rawPath())) {
        admin.handle(exchange);
      } else {
        handler.handle(exchange);
      }
      exchange.finish();
      callback.succeeded();
    } catch (Throwable t) {
      callback.failed(t);
    }
    return true;
  }

  /**
   * How a response body is sent (see {@link CoreExchange#sendBody}). Bodies up to {@code
   * smallBody} bytes go in one buffer with the headers; larger ones from a file go as mapped slices
   * of {@code mappedSlice} bytes while at most {@code mappedBudget} bytes are mapped and not yet
   * collected ({@link MappedSlices}), and else through buffers of {@code chunk} bytes.
   */
  record BodySending(int smallBody, int chunk, int mappedSlice, long mappedBudget) {
    /**
     * 16 MiB slices: fewer, larger writes. A budget of 4 GiB of address space: at {@code -Xmx64m}
     * a server sending only large files goes many GiB between collections, and a mapping costs no
     * heap, its resident pages are the page cache's (reclaimable), and its page tables about 2 MiB
     * per GiB. 64 KiB buffers otherwise, the largest Jetty's default pool keeps: a larger one is
     * allocated afresh, direct, for every body, and freed only by the garbage collector.
     */
    static final BodySending DEFAULT =
        new BodySending(64 * 1024, 64 * 1024, 16 * 1024 * 1024, 4L << 30);
  }

  private static final class CoreExchange implements ServerExchange {
    private final Request request;
    private final Response response;
    private final BodySending sending;
    private final MappedSlices slices;
    private OutputStream body;

    CoreExchange(Request request, Response response, BodySending sending, MappedSlices slices) {
      this.request = request;
      this.response = response;
      this.sending = sending;
      this.slices = slices;
    }

    void finish() throws IOException {
      if (body != null) {
        body.close();
      }
    }

    @Override
    public String method() {
      return request.getMethod();
    }

    @Override
    public String rawPath() {
      return request.getHttpURI().getPath();
    }

    @Override
    public String rawQuery() {
      return request.getHttpURI().getQuery();
    }

    @Override
    public String requestUrl() {
      return request.getHttpURI().asString();
    }

    @Override
    public String requestHeader(String name) {
      return request.getHeaders().get(name);
    }

    @Override
    public List<String> requestHeaders(String name) {
      return request.getHeaders().getValuesList(name);
    }

    @Override
    public long requestContentLength() {
      return request.getLength();
    }

    @Override
    public InputStream requestBody() {
      return Content.Source.asInputStream(request);
    }

    @Override
    public void status(int status) {
      response.setStatus(status);
    }

    @Override
    public void responseHeader(String name, String value) {
      response.getHeaders().put(name, value);
    }

    @Override
    public void responseContentLength(long length) {
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    }

    @Override
    public void closeConnectionAfterResponse() {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }

    @Override
    public boolean isCommitted() {
      return response.isCommitted();
    }

    @Override
    public OutputStream responseBody() {
      if (body == null) {
        body = Content.Sink.asOutputStream(response);
      }
      return body;
    }

    /**
     * Writes the body as Jetty's own buffers, never through a heap array: a small body is read into
     * one pooled buffer and leaves with the headers in one write; a larger file on a plain HTTP/1.x
     * connection is written as read-only mapped slices, which the kernel copies straight from the
     * page cache to the socket (Jetty's HTTP/1.1 generator hands content buffers to the socket's
     * gathering write as they are, never copying them); anything else goes through pooled direct
     * buffers. Only that path gets mappings because Java code must never read one: a mapping of a
     * file cut behind our back fails a Java read with an {@link InternalError}, while the kernel
     * writing it to a socket fails the write with an {@link IOException} (TLS would read the
     * bytes to encrypt them; other protocols are not checked; a handler around this one that wraps
     * the response, such as Jetty's {@code GzipHandler}, may read or compress them).
     */
    @Override
    public void sendBody(ReadableByteChannel source, long length) throws IOException {
      if (length > sending.smallBody() && source instanceof FileChannel && mayMap()) {
        sendMapped((FileChannel) source, length);
      } else {
        sendBuffered(source, length);
      }
    }

    /** Whether content buffers reach the socket as they are: see {@link #sendBody}. */
    private boolean mayMap() {
      ConnectionMetaData connection = request.getConnectionMetaData();
      HttpVersion version = connection.getHttpVersion();
      return !connection.isSecure() && !(response instanceof Response.Wrapper)
          && (version == HttpVersion.HTTP_1_1 || version == HttpVersion.HTTP_1_0);
    }

    /** Reads {@code source} into one direct buffer from Jetty's pool, a chunk at a time, and writes each. */
    private void sendBuffered(ReadableByteChannel source, long length) throws IOException {
      int size = length <= sending.smallBody() ? (int) Math.max(1, length) : sending.chunk();
      RetainableByteBuffer pooled = request.getComponents().getByteBufferPool().acquire(size, true);
      try {
        ByteBuffer buffer = pooled.getByteBuffer();
        long remaining = length;
        do {
          buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
          while (buffer.hasRemaining()) {
            if (source.read(buffer) < 0) {
              throw new EOFException("the body's source ended " + (remaining - buffer.position()) + " bytes early");
            }
          }
          buffer.flip();
          remaining -= buffer.remaining();
          write(remaining == 0, buffer);
        } while (remaining > 0);
      } finally {
        pooled.release();
      }
    }

    /**
     * Writes {@code length} bytes of {@code file} from its position as read-only mapped slices,
     * moving the position past each slice once written; the rest goes through buffers once the
     * mapping budget is spent. Each slice is unmapped when collected. A slice is mapped only while
     * the file still holds it, so a file cut before is reported before its bytes are due; one cut
     * while its slice is being written fails the write.
     */
    private void sendMapped(FileChannel file, long length) throws IOException {
      long position = file.position();
      long end = position + length;
      while (position < end) {
        long size = Math.min(sending.mappedSlice(), end - position);
        if (file.size() < position + size) {
          throw new EOFException("the body's file ends before byte " + (position + size));
        }
        Optional<MappedByteBuffer> slice = slices.map(file, position, size);
        if (slice.isEmpty()) {
          sendBuffered(file, end - position);
          return;
        }
        write(position + size == end, slice.get());
        position += size;
        file.position(position);
      }
    }

    private void write(boolean last, ByteBuffer content) throws IOException {
      try (Blocker.Callback written = Blocker.callback()) {
        response.write(last, content, written);
        written.block();
      }
    }
  }
}
