package dev.eden.artifacts.server.jdk;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Creates JDK {@link HttpServer}s with {@code TCP_NODELAY} on accepted connections. See
 * {@link JdkHttpServerHandler} for why that matters (about 40 ms per small response otherwise).
 */
public final class JdkHttpServers {
  /** The JDK property that turns {@code TCP_NODELAY} on for the connections an HttpServer accepts. */
  public static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  private JdkHttpServers() {}

  /**
   * Sets {@value #NODELAY_PROPERTY} to {@code true} unless the application already chose a value,
   * then creates a server bound to {@code address} (port 0 picks a free port), not yet started
   * and without an executor: set one before {@link HttpServer#start()}.
   *
   * <p>The JDK reads the property once per JVM, when its first {@code HttpServer} is created; if
   * another server was created earlier without it, this one inherits that choice. Thread-safe.
   *
   * @throws IOException if the address cannot be bound
   */
  public static HttpServer create(InetSocketAddress address) throws IOException {
    requireNonNull(address, "address");
    enableNoDelay();
    return HttpServer.create(address, 0);
  }

  /**
   * Sets {@value #NODELAY_PROPERTY} to {@code true} unless it is already set; call it before the
   * JVM's first {@code HttpServer} is created when you create the server yourself.
   */
  public static void enableNoDelay() {
    synchronized (JdkHttpServers.class) {
      if (System.getProperty(NODELAY_PROPERTY) == null) {
        System.setProperty(NODELAY_PROPERTY, "true");
      }
    }
  }
}
