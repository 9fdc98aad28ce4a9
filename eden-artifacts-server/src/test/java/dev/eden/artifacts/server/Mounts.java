package dev.eden.artifacts.server;

import com.sun.net.httpserver.HttpServer;
import dev.eden.artifacts.server.jdk.JdkHttpServerHandler;
import dev.eden.artifacts.server.jdk.JdkHttpServers;
import dev.eden.artifacts.server.jetty.ExactRequestHeaders;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The servers a test can run an {@link ArtifactHandler} in: the reference server, the JDK adapter, and
 * {@link ArtifactServlet} in real servlet containers (Jetty 12 ee10, embedded Tomcat 10.1; Spring
 * Boot in {@link SpringBootMount}), each mapped the way an application would map it.
 */
final class Mounts {
  private Mounts() {}

  /** Starts a server around a handler on 127.0.0.1 and an ephemeral port. */
  @FunctionalInterface
  interface Mount {
    /**
     * @param workDir a directory the server may write to (Tomcat's base directory)
     * @param idleTimeout how long a silent connection may stay open
     */
    Mounted start(ArtifactHandler handler, Path workDir, Duration idleTimeout) throws Exception;
  }

  /** A started server: where the binding answers (no trailing {@code /}) and how to stop it. */
  record Mounted(URI baseUri, Stopper stopper) implements AutoCloseable {
    @Override
    public void close() {
      try {
        stopper.stop();
      } catch (Exception e) {
        throw new IllegalStateException("server did not stop", e);
      }
    }
  }

  @FunctionalInterface
  interface Stopper {
    void stop() throws Exception;
  }

  /** The reference server: the handler on Jetty's core API. */
  static Mount jettyArtifactServer() {
    return (handler, workDir, idleTimeout) -> {
      JettyArtifactServer server = JettyArtifactServer.builder()
          .handler(handler).host("127.0.0.1").port(0).idleTimeout(idleTimeout).build().start();
      return new Mounted(server.baseUri(), server::close);
    };
  }

  /**
   * The JDK {@code HttpServer} adapter at context {@code contextPath}, with a thread pool as its
   * javadoc asks. It has no idle time-out of its own.
   */
  static Mount jdkHttpServer(String contextPath) {
    return (handler, workDir, idleTimeout) -> {
      HttpServer server = JdkHttpServers.create(new InetSocketAddress("127.0.0.1", 0));
      ExecutorService executor = Executors.newFixedThreadPool(8);
      server.setExecutor(executor);
      server.createContext(contextPath.isEmpty() ? "/" : contextPath, new JdkHttpServerHandler(handler));
      server.start();
      return new Mounted(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + contextPath), () -> {
        server.stop(0);
        executor.shutdownNow();
      });
    };
  }

  /**
   * {@link ArtifactServlet} in a Jetty 12 ee10 {@code ServletContextHandler} at {@code contextPath}
   * ({@code ""} for the root), with mount path {@code mountPath}, mapped to {@code mappings}.
   */
  static Mount jettyEe10(String contextPath, String mountPath, String... mappings) {
    return (handler, workDir, idleTimeout) -> {
      Server jetty = new Server();
      ServerConnector connector = new ServerConnector(jetty,
          new HttpConnectionFactory(ExactRequestHeaders.apply(new HttpConfiguration())));
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      connector.setIdleTimeout(idleTimeout.toMillis());
      jetty.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler(contextPath.isEmpty() ? "/" : contextPath);
      ServletHolder holder = new ServletHolder("eden-artifacts", new ArtifactServlet(handler, mountPath));
      for (String mapping : mappings) {
        context.addServlet(holder, mapping);
      }
      jetty.setHandler(context);
      jetty.start();
      return new Mounted(
          URI.create("http://127.0.0.1:" + connector.getLocalPort() + contextPath + mountPath), jetty::stop);
    };
  }

  /** {@link ArtifactServlet} in an embedded Tomcat, as {@link #jettyEe10} does it in Jetty. */
  static Mount tomcat(String contextPath, String mountPath, String... mappings) {
    return (handler, workDir, idleTimeout) -> {
      Path base = Files.createDirectories(workDir.resolve("tomcat"));
      Tomcat tomcat = new Tomcat();
      tomcat.setBaseDir(base.toString());
      Connector connector = new Connector();
      connector.setPort(0);
      connector.setProperty("address", "127.0.0.1");
      connector.setProperty("connectionTimeout", String.valueOf(idleTimeout.toMillis()));
      tomcat.setConnector(connector);
      Context context = tomcat.addContext(contextPath, null);
      Tomcat.addServlet(context, "eden-artifacts", new ArtifactServlet(handler, mountPath));
      for (String mapping : List.of(mappings)) {
        context.addServletMappingDecoded(mapping, "eden-artifacts");
      }
      tomcat.start();
      return new Mounted(
          URI.create("http://127.0.0.1:" + connector.getLocalPort() + contextPath + mountPath),
          () -> {
            tomcat.stop();
            tomcat.destroy();
          });
    };
  }
}
