package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eden.artifacts.server.cli.ServerMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The runnable server's admin API and console as an operator starts them: {@code serve} in its own
 * JVM on SQLite, workers enrolled with {@code add-worker}, and {@code --console} / {@code
 * --no-console}.
 */
class RunnableServerConsoleTest {
  @TempDir Path dir;
  private final OkHttpClient http = WireBodies.checkedClient();

  @Test
  void onLoopbackTheConsoleIsServedAndOnlyAdminClassBearersMayList() throws Exception {
    Path data = dir.resolve("data");
    String admins = addWorker(data, "--group", "admins");
    String plain = addWorker(data);
    try (ForkedServer server = ForkedServer.start(List.of(), "runnable-token", "--data-dir", data.toString(),
        "--port", "0")) {
      assertThat(server.output()).contains("console: " + server.baseUri + "/console/")
          .contains("admin API: " + server.baseUri + "/admin/v1/experiments ");
      try (Response r = get(server, "/console/", null)) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.header("Content-Security-Policy")).startsWith("default-src 'none';");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
      }
      String experiment = get(server, "/admin/v1/experiments", "admin:runnable-token").body().string();
      String experimentId = ServerFixture.JSON.readTree(experiment).get("experiments").get(0).asText();
      try (Response r = http.newCall(new Request.Builder()
          .url(server.baseUri + "/v0/experiments/" + experimentId + "/artifacts")
          .header(ArtifactHandler.EXPERIMENT_HEADER, experimentId)
          .header("Authorization", "Bearer " + plain)
          .post(ServerFixture.onePart("out.log", "text/plain", new byte[] {1, 2, 3})).build()).execute()) {
        assertThat(r.code()).isEqualTo(201);
      }
      String listing = "/admin/v1/experiments/" + experimentId + "/artifacts";
      for (String operator : List.of("admin:runnable-token", admins)) {
        try (Response r = get(server, listing, operator)) {
          JsonNode page = ServerFixture.JSON.readTree(r.body().string());
          assertThat(page.get("artifacts")).hasSize(1);
          assertThat(page.get("artifacts").get(0).get("filename").asText()).isEqualTo("out.log");
          assertThat(page.get("artifacts").get(0).get("created_by").asText())
              .isEqualTo(plain.substring(0, plain.indexOf(':')));
        }
      }
      try (Response r = get(server, listing, plain)) {
        assertThat(r.code()).isEqualTo(403);
      }
      http.connectionPool().evictAll();
    }
  }

  @Test
  void noConsoleLeavesTheAdminApiButServesNoPage() throws Exception {
    Path data = dir.resolve("quiet");
    try (ForkedServer server = ForkedServer.start(List.of(), "quiet-token", "--data-dir", data.toString(),
        "--port", "0", "--no-console")) {
      assertThat(server.output()).contains("console: off");
      try (Response r = get(server, "/console/", null)) {
        assertThat(r.code()).isEqualTo(404);
        assertThat(r.header("Content-Security-Policy")).isNull();
      }
      try (Response r = get(server, "/admin/v1/experiments", "admin:quiet-token")) {
        assertThat(r.code()).isEqualTo(200);
      }
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

  /** Runs {@code add-worker} as an operator would; returns the bearer it prints last. */
  private static String addWorker(Path data, String... options) throws Exception {
    Files.createDirectories(data);
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(ServerMain.class);
    cli.setOut(new PrintWriter(out, true));
    String[] args = new String[options.length + 3];
    args[0] = "add-worker";
    args[1] = "--data-dir";
    args[2] = data.toString();
    System.arraycopy(options, 0, args, 3, options.length);
    assertThat(cli.execute(args)).as(out.toString()).isZero();
    List<String> lines = out.toString().lines().toList();
    return lines.get(lines.size() - 1);
  }
}
