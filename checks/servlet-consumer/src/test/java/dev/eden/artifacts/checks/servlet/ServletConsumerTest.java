package dev.eden.artifacts.checks.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.ArtifactHandler;
import dev.eden.artifacts.server.ArtifactServlet;
import dev.eden.artifacts.server.Authenticator;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.ExactRequestHeaders;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * This module's classpath is what an application gets that depends on eden-artifacts-server, the
 * servlet API and a container, and nothing else. Only the runnable server needs the JDBC stack,
 * picocli, Micrometer and Logback; they must not reach an embedder, and the servlet must work
 * without them.
 */
class ServletConsumerTest {
  /** One class of each library only the runnable server may use. */
  private static final List<String> RUNNABLE_SERVER_ONLY = List.of(
      "dev.eden.artifacts.jdbc.JdbiArtifactStore",
      "org.jdbi.v3.core.Jdbi",
      "org.sqlite.JDBC",
      "org.postgresql.Driver",
      "com.zaxxer.hikari.HikariDataSource",
      "picocli.CommandLine",
      "io.micrometer.core.instrument.MeterRegistry",
      "ch.qos.logback.classic.Logger");

  private static final String WORKER = "wkr_0123456789abcdefghjkmnpqrs";
  private static final String SECRET = "s3cret-of-the-servlet-consumer";

  @Test
  void embedderClasspathHoldsNoJdbcStackNorCommandLine() {
    ClassLoader loader = getClass().getClassLoader();
    List<String> present = RUNNABLE_SERVER_ONLY.stream()
        .filter(name -> loader.getResource(name.replace('.', '/') + ".class") != null)
        .toList();
    assertThat(present)
        .as("on the classpath of an application that only mounts the servlet:%n%s",
            System.getProperty("java.class.path").replace(java.io.File.pathSeparatorChar, '\n'))
        .isEmpty();
  }

  @Test
  void servletDepositsAndFetchesWithoutTheJdbcStack() throws Exception {
    ExperimentId experiment = ExperimentId.mint();
    ArtifactService service = ArtifactService.builder()
        .backend(new InMemoryArtifactBackend())
        .store(new InMemoryArtifactStore())
        .build();
    Authenticator myAuthenticator = InMemoryAuthenticator.builder().worker(WORKER, SECRET).build();
    RunningExperiments myExperiments = new RunningExperiments(Set.of(experiment));
    Server jetty = new Server();
    ServletContextHandler context = new ServletContextHandler("/app");

    // snippet: servlet
    ArtifactHandler handler = ArtifactHandler.builder()
        .service(service)
        .authenticator(myAuthenticator)           // your worker registry
        .servedExperiments(myExperiments::isServed)
        .build();
    context.addServlet(new ServletHolder(new ArtifactServlet(handler)), "/*"); // paths are relative to the context
    // On Jetty, every connector hands header values over byte for byte (the servlet checks it):
    ServerConnector connector = new ServerConnector(jetty,
        new HttpConnectionFactory(ExactRequestHeaders.apply(new HttpConfiguration())));
    // end snippet

    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);

    jetty.setHandler(context);
    jetty.start();
    try {
      URI artifacts = URI.create("http://127.0.0.1:" + connector.getLocalPort()
          + "/app/v0/experiments/" + experiment + "/artifacts");
      HttpClient http = HttpClient.newHttpClient();
      byte[] content = "plan: mount the servlet\n".getBytes(StandardCharsets.UTF_8);

      HttpResponse<String> deposited = http.send(
          authorised(HttpRequest.newBuilder(artifacts), experiment)
              .header("Content-Type", "multipart/form-data; boundary=b0undary")
              .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(content)))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(deposited.statusCode()).as(deposited.body()).isEqualTo(201);
      Matcher uri = Pattern.compile("\"artifacts_uri\"\\s*:\\s*\"([^\"]+)\"").matcher(deposited.body());
      assertThat(uri.find()).as(deposited.body()).isTrue();

      HttpResponse<byte[]> fetched = http.send(
          authorised(HttpRequest.newBuilder(URI.create(artifacts + "?uri="
              + URLEncoder.encode(uri.group(1), StandardCharsets.UTF_8))), experiment).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(fetched.statusCode()).isEqualTo(200);
      assertThat(fetched.body()).isEqualTo(content);
    } finally {
      jetty.stop();
    }
  }

  /** The application's own notion of which experiments it runs. */
  private record RunningExperiments(Set<ExperimentId> running) {
    boolean isServed(ExperimentId experiment) {
      return running.contains(experiment);
    }
  }

  private static HttpRequest.Builder authorised(HttpRequest.Builder request, ExperimentId experiment) {
    return request
        .header("Authorization", "Bearer " + WORKER + ":" + SECRET)
        .header("X-Eden-Experiment-Id", experiment.toString());
  }

  private static byte[] multipart(byte[] content) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(("--b0undary\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"plan.md\"\r\n"
        + "Content-Type: text/markdown\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    body.writeBytes(content);
    body.writeBytes("\r\n--b0undary--\r\n".getBytes(StandardCharsets.US_ASCII));
    return body.toByteArray();
  }
}
