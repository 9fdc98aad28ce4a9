package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.server.Mounts.Mount;
import java.nio.file.Path;
import java.util.stream.Stream;
import okhttp3.Request;
import okhttp3.Response;
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
}
