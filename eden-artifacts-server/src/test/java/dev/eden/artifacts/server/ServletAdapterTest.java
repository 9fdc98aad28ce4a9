package dev.eden.artifacts.server;

import static dev.eden.artifacts.server.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.ExactRequestHeaders;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The servlet adapter mounted the way an orchestrator would: in its own context path. */
class ServletAdapterTest {
  static final String WORKER = dev.eden.artifacts.Principal.mintWorkerId();
  final ExperimentId experiment = ExperimentId.mint();
  Server server;
  String base;
  final OkHttpClient http = WireBodies.checkedClient();

  @BeforeEach
  void start() throws Exception {
    ArtifactHandler handler = ArtifactHandler.builder()
        .service(ArtifactService.builder().backend(new InMemoryArtifactBackend())
            .store(new InMemoryArtifactStore()).maxArtifactBytes(1024).build())
        .authenticator(InMemoryAuthenticator.builder().worker(WORKER, "s").build())
        .servedExperiments(experiment)
        .build();
    server = new Server();
    ServerConnector connector = new ServerConnector(server,
        new HttpConnectionFactory(ExactRequestHeaders.apply(new HttpConfiguration())));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/orchestrator");
    context.addServlet(new ServletHolder(new ArtifactServlet(handler)), "/*");
    server.setHandler(context);
    server.start();
    base = "http://127.0.0.1:" + connector.getLocalPort() + "/orchestrator";
  }

  @AfterEach
  void stop() throws Exception {
    http.connectionPool().evictAll();
    server.stop();
  }

  @Test
  void depositAndFetchThroughTheServlet() throws Exception {
    String url = base + "/v0/experiments/" + experiment + "/artifacts";
    JsonNode created;
    try (Response r = http.newCall(new Request.Builder().url(url)
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", "Bearer " + WORKER + ":s")
        .post(ServerFixture.onePart("a.svg", "image/svg+xml", "<svg/>".getBytes(StandardCharsets.UTF_8)))
        .build()).execute()) {
      String body = r.body().string();
      assertThat(r.code()).as(body).isEqualTo(201);
      created = ServerFixture.JSON.readTree(body);
    }
    try (Response r = http.newCall(new Request.Builder()
        .url(url + "?uri=" + URLEncoder.encode(created.get("artifacts_uri").asText(), StandardCharsets.UTF_8))
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", "Bearer " + WORKER + ":s").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo("image/svg+xml");
      assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(r.header("Content-Disposition")).startsWith("attachment;");
      assertThat(r.body().string()).isEqualTo("<svg/>");
    }
  }

  @Test
  void problemsCarryTheFullRequestUrlThroughTheServlet() throws Exception {
    String url = base + "/v0/experiments/" + experiment + "/artifacts?uri=x";
    try (Response r = http.newCall(new Request.Builder().url(url)
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value()).build()).execute()) {
      assertProblem(r, 401, "eden://error/unauthorized");
    }
    try (Response r = http.newCall(new Request.Builder().url(base + "/nothing-here").build()).execute()) {
      assertProblem(r, 404, "eden://error/not-found");
    }
  }

  @Test
  void overCapThroughTheServletIs413() throws Exception {
    String url = base + "/v0/experiments/" + experiment + "/artifacts";
    try (Response r = http.newCall(new Request.Builder().url(url)
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", "Bearer " + WORKER + ":s")
        .post(ServerFixture.onePart("a", "text/plain", new byte[1025])).build()).execute()) {
      assertProblem(r, 413, "eden://error/payload-too-large");
    }
  }
}
