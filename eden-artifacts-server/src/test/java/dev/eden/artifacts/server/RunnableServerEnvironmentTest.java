package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.server.cli.ServerMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The runnable server configured as in a container: {@code serve} with no option on its command
 * line, everything from {@code EDEN_*} variables.
 */
class RunnableServerEnvironmentTest {
  @TempDir Path dir;
  private final OkHttpClient http = WireBodies.checkedClient();

  @Test
  void serveTakesPortDataDirectoryExperimentsDatabaseAndConsoleFromTheEnvironmentAlone() throws Exception {
    Path data = dir.resolve("data");
    Path metadata = dir.resolve("elsewhere.db");
    ExperimentId first = ExperimentId.mint();
    ExperimentId second = ExperimentId.mint();
    Map<String, String> environment = Map.of(
        "EDEN_PORT", "0",
        "EDEN_DATA_DIR", data.toString(),
        "EDEN_EXPERIMENT_ID", first + "," + second,
        "EDEN_DB", "jdbc:sqlite:" + metadata,
        "EDEN_CONSOLE", "false");
    String bearer = addWorker(environment.get("EDEN_DB")); // serve --db reads its workers there
    try (ForkedServer server = ForkedServer.startWithEnvironment(List.of(), environment, "env-admin-token")) {
      assertThat(server.baseUri.getPort()).isNotEqualTo(8080);
      assertThat(server.output())
          .contains("metadata: jdbc:sqlite:" + metadata)
          .contains("blobs: " + data.toAbsolutePath().normalize().resolve("blobs"))
          .contains("console: off");
      try (Response r = get(server, "/admin/v1/experiments", "admin:env-admin-token")) {
        JsonNode served = ServerFixture.JSON.readTree(r.body().string()).get("experiments");
        assertThat(served).extracting(JsonNode::asText).containsExactlyInAnyOrder(first.value(), second.value());
      }
      for (ExperimentId experiment : List.of(first, second)) {
        String artifacts = server.baseUri + "/v0/experiments/" + experiment + "/artifacts";
        String uri;
        try (Response r = http.newCall(new Request.Builder().url(artifacts)
            .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
            .header("Authorization", "Bearer " + bearer)
            .post(ServerFixture.onePart("plan.md", "text/markdown", "# plan\n".getBytes(StandardCharsets.UTF_8)))
            .build()).execute()) {
          String body = r.body().string();
          assertThat(r.code()).as(body).isEqualTo(201);
          uri = ServerFixture.JSON.readTree(body).get("artifacts_uri").asText();
        }
        try (Response r = http.newCall(new Request.Builder()
            .url(artifacts + "?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8))
            .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
            .header("Authorization", "Bearer " + bearer).build()).execute()) {
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.body().string()).isEqualTo("# plan\n");
        }
      }
      try (Response r = get(server, "/console/", null)) {
        assertThat(r.code()).isEqualTo(404);
      }
      assertThat(Files.exists(metadata)).isTrue();
      assertThat(Files.exists(data.resolve("metadata.db"))).isFalse();
      assertThat(Files.exists(data.resolve("experiment-id"))).isFalse();
      http.connectionPool().evictAll();
    }
  }

  private Response get(ForkedServer server, String path, String bearer) throws java.io.IOException {
    Request.Builder request = new Request.Builder().url(server.baseUri + path);
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.newCall(request.build()).execute();
  }

  private static String addWorker(String db) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(ServerMain.class);
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute("add-worker", "--db", db)).as(out.toString()).isZero();
    List<String> lines = out.toString().lines().toList();
    return lines.get(lines.size() - 1);
  }
}
