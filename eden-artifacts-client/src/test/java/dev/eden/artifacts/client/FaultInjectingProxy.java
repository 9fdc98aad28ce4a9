package dev.eden.artifacts.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback between a client and a real server, forwarding bytes both ways and
 * injecting faults on chosen connections (numbered from 0 in the order they are accepted):
 * <ul>
 *   <li>{@link #cutResponseAfter}: after forwarding that many response-body bytes, it stops
 *       forwarding, ends the client's side cleanly (FIN, so the client reads every byte that was
 *       forwarded and then the end of the stream) and closes the server's side;
 *   <li>{@link #flipRequestBodyByte}: inverts the bits of one request-body byte on the way to the
 *       server.
 * </ul>
 * "Body" is everything after the first blank line ({@code \r\n\r\n}) of the direction on that
 * connection, so on a connection that carries several exchanges it also counts the later heads: an
 * upper bound of the body bytes, never less. {@link #responseBodyBytes()} sums what was forwarded
 * (or was being written) to clients over every connection: once a client has read a byte, the byte
 * is counted. Thread-safe.
 */
final class FaultInjectingProxy implements AutoCloseable {
  private final InetSocketAddress upstream;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final Map<Integer, Long> cuts = new ConcurrentHashMap<>();
  private final Map<Integer, Long> flips = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong responseBodyBytes = new AtomicLong();
  private volatile boolean closed;

  /** Forwards to {@code serverBaseUrl}'s host and port. */
  FaultInjectingProxy(String serverBaseUrl) throws IOException {
    URI uri = URI.create(serverBaseUrl);
    this.upstream = new InetSocketAddress(uri.getHost(), uri.getPort());
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The proxy's base URL, to give a client instead of the server's. */
  String baseUrl() {
    return "http://127.0.0.1:" + listener.getLocalPort() + "/";
  }

  /** Cuts connection {@code connection} once {@code bodyBytes} response-body bytes went through. */
  FaultInjectingProxy cutResponseAfter(int connection, long bodyBytes) {
    cuts.put(connection, bodyBytes);
    return this;
  }

  /** Inverts request-body byte {@code bodyOffset} on connection {@code connection}. */
  FaultInjectingProxy flipRequestBodyByte(int connection, long bodyOffset) {
    flips.put(connection, bodyOffset);
    return this;
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.get();
  }

  /** Response-body bytes forwarded to clients so far, over every connection. */
  long responseBodyBytes() {
    return responseBodyBytes.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        int number = connections.getAndIncrement();
        Socket server = new Socket();
        try {
          server.connect(upstream, 5_000);
        } catch (IOException e) {
          client.close();
          continue;
        }
        Connection connection = new Connection(client, server);
        start("proxy-" + number + "-up", () -> connection.pump(client, server,
            Long.MAX_VALUE, flips.getOrDefault(number, -1L), null));
        start("proxy-" + number + "-down", () -> connection.pump(server, client,
            cuts.getOrDefault(number, Long.MAX_VALUE), -1, responseBodyBytes));
      } catch (IOException e) {
        if (!closed) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static void start(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Both sockets of one proxied connection. */
  private static final class Connection {
    private final Socket client;
    private final Socket server;
    private final AtomicInteger running = new AtomicInteger(2);

    Connection(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    /**
     * Copies {@code from} to {@code to}: at most {@code bodyLimit} body bytes (then cuts), with
     * body byte {@code flipAt} inverted, counting body bytes into {@code counter} if not null.
     */
    void pump(Socket from, Socket to, long bodyLimit, long flipAt, AtomicLong counter) {
      byte[] buffer = new byte[64 * 1024];
      int headMatched = 0; // how much of \r\n\r\n was seen: 4 means the body started
      long body = 0;
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int read; (read = in.read(buffer)) != -1; ) {
          int start = 0;
          while (headMatched < 4 && start < read) {
            byte b = buffer[start++];
            headMatched = b == "\r\n\r\n".charAt(headMatched) ? headMatched + 1
                : b == '\r' ? 1 : 0;
          }
          long bodyHere = read - start;
          if (flipAt >= body && flipAt < body + bodyHere) {
            int index = start + (int) (flipAt - body);
            buffer[index] = (byte) ~buffer[index];
          }
          long allowed = Math.min(bodyHere, bodyLimit - body);
          // Counted before the write, so a client that has read the bytes sees them counted.
          if (counter != null) {
            counter.addAndGet(allowed);
          }
          out.write(buffer, 0, start + (int) allowed);
          out.flush();
          body += allowed;
          if (allowed < bodyHere || body >= bodyLimit) {
            cut();
            return;
          }
        }
        to.shutdownOutput();
      } catch (IOException e) {
        closeBoth();
      } finally {
        if (running.decrementAndGet() == 0) {
          closeBoth();
        }
      }
    }

    /** The client reads what was forwarded, then the end; the server's side is dropped. */
    private void cut() {
      try {
        client.shutdownOutput();
      } catch (IOException ignored) {
        // Already gone.
      }
      try {
        server.close();
      } catch (IOException ignored) {
        // Closing.
      }
    }

    private void closeBoth() {
      try {
        client.close();
      } catch (IOException ignored) {
        // Closing.
      }
      try {
        server.close();
      } catch (IOException ignored) {
        // Closing.
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
  }
}
