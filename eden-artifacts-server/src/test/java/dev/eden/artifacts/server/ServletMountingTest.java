package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.Mounts.Mount;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.nio.file.Path;
import java.util.stream.Stream;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ArtifactServlet} in real Jetty ee10 and Tomcat 10.1 containers, in each of the three ways
 * an application maps it: the whole context ({@code /*}), only the binding's own paths
 * ({@code /v0/*} and {@code /healthz}), and under a prefix ({@code /eden/*} with mount path
 * {@code /eden}). Through every one, health answers, and a fetch echoes a recorded content type with
 * parameters byte for byte, where the containers' own {@code setContentType} would rewrite it.
 */
class ServletMountingTest {
  /** Types the containers rewrite, as they were reported: Tomcat moves the charset last and drops spaces and quotes. */
  static final String[] TYPES_WITH_PARAMETERS = {
      "text/plain; charset=utf-8",
      "application/json; charset=\"utf-8\"",
      "text/csv; charset=utf-8; header=present",
  };

  @TempDir Path tempDir;

  static Stream<Arguments> mounts() {
    return Stream.of(
        Arguments.of("Jetty ee10 /*", Mounts.jettyEe10("", "", "/*")),
        Arguments.of("Jetty ee10 /v0/* + /healthz", Mounts.jettyEe10("", "", "/v0/*", "/healthz")),
        Arguments.of("Jetty ee10 /eden/*", Mounts.jettyEe10("", "/eden", "/eden/*")),
        Arguments.of("Tomcat /*", Mounts.tomcat("", "", "/*")),
        Arguments.of("Tomcat /v0/* + /healthz", Mounts.tomcat("", "", "/v0/*", "/healthz")),
        Arguments.of("Tomcat /eden/* in context /app", Mounts.tomcat("/app", "/eden", "/eden/*")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mounts")
  void healthAnswersAtTheMount(String name, Mount mount) throws Exception {
    try (ServerFixture fixture = new ServerFixture(tempDir, 1024, mount);
        Response r = fixture.http.newCall(new Request.Builder().url(fixture.url("/healthz")).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.body().string()).isEqualTo("{\"status\":\"ok\"}");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mounts")
  void fetchEchoesTypesWithParametersByteForByte(String name, Mount mount) throws Exception {
    try (ServerFixture fixture = new ServerFixture(tempDir, 1024, mount)) {
      for (String type : TYPES_WITH_PARAMETERS) {
        String uri = fixture.deposit(ServerFixture.workerA(), "a.txt", type, new byte[] {'x'})
            .get("artifacts_uri").asText();
        try (Response r = fixture.fetch(ServerFixture.workerA(), uri)) {
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.header("Content-Type")).as(type).isEqualTo(type);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mounts")
  void problemsCarryTheExactProblemType(String name, Mount mount) throws Exception {
    try (ServerFixture fixture = new ServerFixture(tempDir, 1024, mount);
        Response r = fixture.fetch(null, "eden://artifacts/" + "0".repeat(32))) {
      // The checked client also holds the body to problem.schema.json.
      Problems.assertProblem(r, 401, "eden://error/unauthorized");
      assertThat(r.header("Content-Type")).isEqualTo("application/problem+json; charset=utf-8");
    }
  }

  @Test
  void aRequestOutsideTheMountPathIsNotFound() throws Exception {
    // The servlet mapped to the whole context but told it lives under /eden: a fetch without uri
    // would be a 400 inside the mount path; outside it nothing is served.
    try (ServerFixture fixture = new ServerFixture(tempDir, 1024, Mounts.jettyEe10("", "/eden", "/*"))) {
      String root = "http://127.0.0.1:" + fixture.baseUri().getPort();
      try (Response r = fixture.http.newCall(new Request.Builder()
          .url(root + "/v0/experiments/" + fixture.experiment + "/artifacts")
          .header(ArtifactHandler.EXPERIMENT_HEADER, fixture.experiment.value())
          .header("Authorization", ServerFixture.workerA()).build()).execute()) {
        Problems.assertProblem(r, 404, "eden://error/not-found");
      }
      try (Response r = fixture.http.newCall(new Request.Builder().url(root + "/edenhealthz").build()).execute()) {
        Problems.assertProblem(r, 404, "eden://error/not-found");
      }
    }
  }

  @Test
  void theMountPathIsAPathPrefix() {
    ArtifactHandler handler = ArtifactHandler.builder()
        .service(ArtifactService.builder()
            .backend(new InMemoryArtifactBackend())
            .store(new InMemoryArtifactStore()).build())
        .authenticator(InMemoryAuthenticator.builder().build())
        .servedExperiments(e -> true)
        .build();
    new ArtifactServlet(handler, "");
    new ArtifactServlet(handler, "/");
    new ArtifactServlet(handler, "/eden/artifacts");
    for (String bad : new String[] {"eden", "/eden/", "/eden/*", "//eden", "/ed en", "/eden?x", "/eden;v=1"}) {
      assertThatThrownBy(() -> new ArtifactServlet(handler, bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mountPath");
    }
  }
}
