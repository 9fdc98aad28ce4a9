package dev.eden.artifacts.server;

import dev.eden.artifacts.Principal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An adapter's exchange as the handlers see it: forwards everything, and notes on the way what an
 * {@link ExchangeListener} is told at the end — the status, the body bytes read and written (counted
 * where they pass, never taken from {@code Content-Length}), and what the handler learnt (the
 * principal, the problem answered, the artifact's size). The one place an {@link ExchangeEvent} is
 * made. Used by the request's thread only.
 */
final class ObservedExchange implements ServerExchange {
  private static final Logger LOG = LoggerFactory.getLogger(ExchangeListener.class);

  private final ServerExchange exchange;
  private final ExchangeEvent.Operation operation;
  private final ExchangeListener listener;
  private final long start = System.nanoTime();
  private int status;
  private CountingInputStream requestBody;
  private CountingOutputStream responseBody;
  private long bytesOut;
  private String principal;
  private String problem;
  private String incident;
  private long artifactBytes = -1;
  private boolean digestMismatch;

  private ObservedExchange(ServerExchange exchange, ExchangeEvent.Operation operation,
      ExchangeListener listener) {
    this.exchange = exchange;
    this.operation = operation;
    this.listener = listener;
  }

  /** Starts observing {@code exchange}, routed to {@code operation}, and tells {@code listener}. */
  static ObservedExchange start(ServerExchange exchange, ExchangeEvent.Operation operation,
      ExchangeListener listener) {
    started(listener, operation);
    return new ObservedExchange(exchange, operation, listener);
  }

  ExchangeEvent.Operation operation() {
    return operation;
  }

  void principal(Principal authenticated) {
    this.principal = authenticated.name();
  }

  /** The exchange is answered with the problem of this short name (see {@link ExchangeEvent#problem()}). */
  void problem(String shortName) {
    this.problem = shortName;
  }

  /** An internal failure under this incident id. */
  void incident(String id) {
    this.problem = ExchangeEvent.INTERNAL;
    this.incident = id;
  }

  void artifactBytes(long size) {
    this.artifactBytes = size;
  }

  void digestMismatch() {
    this.digestMismatch = true;
  }

  /** Tells the listener the exchange is over; {@code completed} false if it ends by an exception. */
  void finish(boolean completed) {
    if (listener == ExchangeListener.NONE) {
      return;
    }
    String query = exchange.rawQuery();
    String path = exchange.rawPath();
    ExchangeEvent event = new ExchangeEvent(exchange.method(),
        query == null ? path : path + "?" + query, status,
        requestBody == null ? 0 : requestBody.count, bytesOut,
        System.nanoTime() - start, principal, operation, problem, incident, artifactBytes,
        digestMismatch, completed);
    finished(listener, event);
  }

  static void started(ExchangeListener listener, ExchangeEvent.Operation operation) {
    try {
      listener.exchangeStarted(operation);
    } catch (RuntimeException e) {
      LOG.warn("exchange listener {} failed", listener, e);
    }
  }

  static void finished(ExchangeListener listener, ExchangeEvent event) {
    try {
      listener.exchangeFinished(event);
    } catch (RuntimeException e) {
      LOG.warn("exchange listener {} failed", listener, e);
    }
  }

  @Override
  public String method() {
    return exchange.method();
  }

  @Override
  public String rawPath() {
    return exchange.rawPath();
  }

  @Override
  public String rawQuery() {
    return exchange.rawQuery();
  }

  @Override
  public String requestUrl() {
    return exchange.requestUrl();
  }

  @Override
  public String requestHeader(String name) {
    return exchange.requestHeader(name);
  }

  @Override
  public List<String> requestHeaders(String name) {
    return exchange.requestHeaders(name);
  }

  @Override
  public long requestContentLength() {
    return exchange.requestContentLength();
  }

  @Override
  public InputStream requestBody() throws IOException {
    if (requestBody == null) {
      requestBody = new CountingInputStream(exchange.requestBody());
    }
    return requestBody;
  }

  @Override
  public void status(int status) {
    this.status = status;
    exchange.status(status);
  }

  @Override
  public void responseHeader(String name, String value) {
    exchange.responseHeader(name, value);
  }

  @Override
  public void responseContentLength(long length) {
    exchange.responseContentLength(length);
  }

  @Override
  public void closeConnectionAfterResponse() {
    exchange.closeConnectionAfterResponse();
  }

  @Override
  public boolean isCommitted() {
    return exchange.isCommitted();
  }

  @Override
  public OutputStream responseBody() throws IOException {
    if (responseBody == null) {
      responseBody = new CountingOutputStream(exchange.responseBody());
    }
    return responseBody;
  }

  /**
   * Forwards to the adapter and counts what it sent: for a file channel, how far the adapter moved
   * its position (it may send the file without reading it); otherwise, what it read.
   */
  @Override
  public void sendBody(ReadableByteChannel source, long length) throws IOException {
    if (source instanceof FileChannel) {
      FileChannel file = (FileChannel) source;
      long start = file.position();
      try {
        exchange.sendBody(file, length);
      } finally {
        bytesOut += file.isOpen() ? file.position() - start : 0;
      }
    } else {
      exchange.sendBody(new ReadsObserved(source, n -> bytesOut += Math.max(0, n), e -> { }), length);
    }
  }

  /** Counts what is read; closing it closes the adapter's stream, as the handler would. */
  private static final class CountingInputStream extends InputStream {
    private final InputStream in;
    private long count;

    CountingInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(n);
      count += Math.max(0, skipped);
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Counts what is written into {@link #bytesOut}, once the adapter took it. */
  private final class CountingOutputStream extends OutputStream {
    private final OutputStream out;

    CountingOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      bytesOut++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      bytesOut += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
