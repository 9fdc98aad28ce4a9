package dev.eden.artifacts.s3.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free loopback port in front of a server (an S3 test server, say), for tests of
 * what a client does when that server turns slow or silent. Plain sockets, two threads per
 * connection. {@link #stall()} stops moving bytes on every connection, open or new, in both
 * directions: the proxy stops reading, so the peers' writes block once the socket buffers are
 * full, as with a server that hangs; {@link #resume()} moves them again. {@link #delay(Duration)}
 * holds every chunk (at most {@value #CHUNK} bytes) that long before it is passed on. Connections
 * stay open while stalled; {@link #cutAll()} closes them. Thread-safe; {@link #close()} stops
 * listening and closes every connection.
 */
public final class TcpProxy implements AutoCloseable {
  private static final int CHUNK = 16 * 1024;

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Object gate = new Object();
  private boolean stalled; // guarded by gate
  private volatile long delayNanos;
  private volatile boolean closed;

  private TcpProxy(InetSocketAddress target, ServerSocket listener) {
    this.target = target;
    this.listener = listener;
  }

  /** Starts a proxy to the host and port of {@code endpoint} (an {@code http://host:port} URI). */
  public static TcpProxy to(URI endpoint) throws IOException {
    return to(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()));
  }

  /** Starts a proxy to {@code target}, listening on a free loopback port. */
  public static TcpProxy to(InetSocketAddress target) throws IOException {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    TcpProxy proxy = new TcpProxy(target, listener);
    daemon("tcp-proxy-accept-" + listener.getLocalPort(), proxy::acceptLoop).start();
    return proxy;
  }

  /** {@code http://127.0.0.1:<port>}: where clients connect. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** Connections accepted so far. */
  public int connectionsAccepted() {
    return accepted.get();
  }

  /** Stops moving bytes, on open and new connections, until {@link #resume()}. */
  public void stall() {
    synchronized (gate) {
      stalled = true;
    }
  }

  /** Moves bytes again after {@link #stall()}. */
  public void resume() {
    synchronized (gate) {
      stalled = false;
      gate.notifyAll();
    }
  }

  /** Holds every chunk this long before passing it on; {@link Duration#ZERO} for none. */
  public void delay(Duration perChunk) {
    delayNanos = perChunk.toNanos();
  }

  /** Closes every open connection (both sides); the proxy keeps listening. */
  public void cutAll() {
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    cutAll();
    resume();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      sockets.add(client);
      daemon("tcp-proxy-connect", () -> connect(client)).start();
    }
  }

  private void connect(Socket client) {
    Socket server = new Socket();
    sockets.add(server);
    try {
      server.connect(target, 5_000);
    } catch (IOException e) {
      release(client, server); // the server is down: the client sees the connection closed
      return;
    }
    AtomicInteger ended = new AtomicInteger();
    daemon("tcp-proxy-up", () -> pump(client, server, ended)).start();
    pump(server, client, ended);
  }

  /** Copies {@code from} to {@code to}; the second direction to end closes both sockets. */
  private void pump(Socket from, Socket to, AtomicInteger ended) {
    byte[] buffer = new byte[CHUNK];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      while (true) {
        awaitFlowing();
        int n = in.read(buffer);
        if (n < 0) {
          to.shutdownOutput();
          if (ended.incrementAndGet() == 2) {
            release(from, to);
          }
          return;
        }
        awaitFlowing();
        long delay = delayNanos;
        if (delay > 0) {
          Thread.sleep(delay / 1_000_000, (int) (delay % 1_000_000));
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      release(from, to);
    }
  }

  private void release(Socket a, Socket b) {
    closeQuietly(a);
    closeQuietly(b);
    sockets.remove(a);
    sockets.remove(b);
  }

  private void awaitFlowing() throws InterruptedException {
    synchronized (gate) {
      while (stalled && !closed) {
        gate.wait();
      }
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // closing is best effort
    }
  }

  @Override
  public String toString() {
    return "TcpProxy[" + endpoint() + " -> " + target + "]";
  }
}
