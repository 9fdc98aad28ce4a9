package dev.eden.artifacts.examples;

import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.server.ArtifactHandler;
import dev.eden.artifacts.server.ArtifactServlet;
import dev.eden.artifacts.server.Authenticator;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.ExactRequestHeaders;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Mounting {@link ArtifactServlet} in a servlet container — here an embedded Jetty 12 (ee10,
 * Servlet 6) — under the context path {@code /orchestrator}, as an application that already serves
 * servlets would. Workers then use {@code http://host:port/orchestrator} as their base URL. The
 * same two lines (build an {@link ArtifactHandler}, register the servlet at {@code /*} of a
 * context) work in Tomcat; for Spring Boot see {@link SpringBootEmbeddingExample}.
 *
 * <p>Build the connector with {@code ExactRequestHeaders.apply(...)} so that Jetty hands request
 * header values over byte for byte. Do not put a filter in front that reads the body or parses
 * multipart (the deposit streams the raw body). To mount under a prefix inside a context, map the
 * servlet to {@code /eden/*} and construct it with {@code new ArtifactServlet(endpoints, "/eden")}.
 */
public final class ServletEmbeddingExample implements AutoCloseable {
  /** Where the application mounts the endpoints. */
  public static final String CONTEXT_PATH = "/orchestrator";

  private final Server jetty;
  private final ServerConnector connector;
  private final JdbiArtifactStore store;

  private ServletEmbeddingExample(Server jetty, ServerConnector connector, JdbiArtifactStore store) {
    this.jetty = jetty;
    this.connector = connector;
    this.store = store;
  }

  /**
   * Starts Jetty on 127.0.0.1:{@code port} (0 picks a free one) serving {@code experiment}, with
   * metadata in SQLite and bytes in a directory under {@code dataDir}.
   */
  public static ServletEmbeddingExample start(Path dataDir, int port, ExperimentId experiment,
      Authenticator authenticator) throws Exception {
    JdbiArtifactStore store = JdbiArtifactStore.sqlite(dataDir.resolve("artifacts.db"));
    ArtifactHandler endpoints = ArtifactHandler.builder()
        .service(ArtifactService.builder()
            .backend(new FileArtifactBackend(dataDir.resolve("blobs")))
            .store(store)
            .build())
        .authenticator(authenticator)
        .servedExperiments(experiment)
        .build();

    Server jetty = new Server();
    // Header values byte for byte: Jetty's default may hand a kept-alive connection an earlier
    // request's Authorization value that differs only in letter case.
    HttpConfiguration http = ExactRequestHeaders.apply(new HttpConfiguration());
    ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    // Cuts off a client that stops sending mid-upload; its pending deposit is discarded.
    connector.setIdleTimeout(30_000);
    jetty.addConnector(connector);

    // The application's context. The servlet sees paths relative to it, so requests to
    // /orchestrator/v0/experiments/{E}/artifacts reach the artifact endpoints. The application's
    // own servlets can sit beside it with more specific mappings (an exact "/status" wins over "/*").
    ServletContextHandler context = new ServletContextHandler(CONTEXT_PATH);
    context.addServlet(new ServletHolder("eden-artifacts", new ArtifactServlet(endpoints)), "/*");
    jetty.setHandler(context);
    jetty.setStopAtShutdown(true); // Ctrl-C / SIGTERM stops Jetty cleanly
    try {
      jetty.start();
    } catch (Exception e) {
      jetty.stop();
      store.close();
      throw e;
    }
    return new ServletEmbeddingExample(jetty, connector, store);
  }

  /** The base URL workers use: {@code http://127.0.0.1:PORT/orchestrator}. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + CONTEXT_PATH);
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
    store.close();
  }

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args.length > 0 ? args[0] : "servlet-example-data");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
    ExperimentId experiment = ExperimentId.mint();
    // Fixed credentials for the demonstration; a real application plugs its own Authenticator in.
    String workerId = Principal.mintWorkerId();
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String bearer = workerId + ":" + HexFormat.of().formatHex(secret);
    Authenticator authenticator = InMemoryAuthenticator.builder()
        .worker(workerId, bearer.substring(workerId.length() + 1))
        .build();

    try (ServletEmbeddingExample app = start(dataDir, port, experiment, authenticator)) {
      System.out.println("artifact servlet mounted at " + app.baseUri());
      System.out.println("run a worker against it, in another terminal:");
      System.out.println("  java -cp ... dev.eden.artifacts.examples.WorkerExample "
          + app.baseUri() + " " + experiment + " " + bearer);
      System.out.println("Ctrl-C stops.");
      app.jetty.join();
    }
  }
}
