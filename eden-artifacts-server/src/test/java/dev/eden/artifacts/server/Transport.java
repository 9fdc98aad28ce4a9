package dev.eden.artifacts.server;

import com.sun.net.httpserver.HttpServer;
import dev.eden.artifacts.server.jdk.JdkHttpServerHandler;
import dev.eden.artifacts.server.jdk.JdkHttpServers;
import dev.eden.artifacts.server.jetty.ExactRequestHeaders;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The transports the handler runs on, each as an application would set it up: the embedded
 * reference server, the servlet on Jetty ee10 and on Tomcat 10.1 (mounted under a context path),
 * and the JDK {@code HttpServer} adapter.
 */
enum Transport {
  EMBEDDED_JETTY {
    @Override
    Running start(ArtifactHandler handler) {
      JettyArtifactServer jetty = JettyArtifactServer.builder().handler(handler).host("127.0.0.1").port(0)
          .build().start();
      return running(jetty.baseUri(), "", jetty::close);
    }
  },
  SERVLET_ON_JETTY {
    @Override
    Running start(ArtifactHandler handler) throws Exception {
      Server jetty = new Server();
      // As an application must build its connector (see ArtifactServlet).
      ServerConnector connector = new ServerConnector(jetty,
          new HttpConnectionFactory(ExactRequestHeaders.apply(new HttpConfiguration())));
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      jetty.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler("/orchestrator");
      context.addServlet(new ServletHolder(new ArtifactServlet(handler)), "/*");
      jetty.setHandler(context);
      jetty.start();
      return running(URI.create("http://127.0.0.1:" + connector.getLocalPort()), "/orchestrator", jetty::stop);
    }
  },
  SERVLET_ON_TOMCAT {
    @Override
    Running start(ArtifactHandler handler) throws Exception {
      // Tomcat's base directory; small, and removed with the JVM's temp files.
      Path workDir = Files.createTempDirectory("tomcat");
      workDir.toFile().deleteOnExit();
      Mounts.Mounted tomcat = Mounts.tomcat("/orchestrator", "", "/*")
          .start(handler, workDir, Duration.ofSeconds(30));
      return running(URI.create("http://127.0.0.1:" + tomcat.baseUri().getPort()), "/orchestrator", tomcat);
    }
  },
  JDK_HTTP_SERVER {
    @Override
    Running start(ArtifactHandler handler) throws IOException {
      HttpServer jdk = JdkHttpServers.create(new InetSocketAddress("127.0.0.1", 0));
      ExecutorService executor = Executors.newFixedThreadPool(4);
      jdk.setExecutor(executor);
      jdk.createContext("/eden", new JdkHttpServerHandler(handler));
      jdk.start();
      return running(URI.create("http://127.0.0.1:" + jdk.getAddress().getPort()), "/eden", () -> {
        jdk.stop(0);
        executor.shutdownNow();
      });
    }
  };

  /** A started server: where it listens and under which path the endpoints are mounted. */
  interface Running extends AutoCloseable {
    URI base();

    String prefix();
  }

  abstract Running start(ArtifactHandler handler) throws Exception;

  private static Running running(URI base, String prefix, AutoCloseable stop) {
    return new Running() {
      @Override
      public URI base() {
        return base;
      }

      @Override
      public String prefix() {
        return prefix;
      }

      @Override
      public void close() throws Exception {
        stop.close();
      }
    };
  }
}
