package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable server's first start on an empty data directory, and its second start. */
class RunnableServerTest {
  @TempDir Path tempDir;

  @Test
  void metadataCanLiveInPostgres() throws Exception {
    String url = System.getenv("EDEN_TEST_POSTGRES_URL");
    if (url == null && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true but EDEN_TEST_POSTGRES_URL is not set (run .ci/start-postgres)");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(url != null,
        "set EDEN_TEST_POSTGRES_URL=jdbc:postgresql://127.0.0.1:5432/eden_test?user=eden&password=eden to run");
    Path data = tempDir.resolve("pg");
    String experiment = dev.eden.artifacts.ExperimentId.mint().value();
    OkHttpClient http = WireBodies.checkedClient();
    String uri;
    try (ForkedServer server = ForkedServer.start(List.of(), "pg-token", "--data-dir", data.toString(),
        "--port", "0", "--experiment-id", experiment, "--db", url)) {
      assertThat(server.output()).contains("metadata: jdbc:postgresql:").doesNotContain("password=");
      String base = server.baseUri + "/v0/experiments/" + experiment + "/artifacts";
      try (Response r = http.newCall(new Request.Builder().url(base)
          .header(ArtifactHandler.EXPERIMENT_HEADER, experiment).header("Authorization", "Bearer admin:pg-token")
          .post(ServerFixture.onePart("a.txt", "text/plain", new byte[] {4, 2})).build()).execute()) {
        assertThat(r.code()).isEqualTo(201);
        uri = ServerFixture.JSON.readTree(r.body().string()).get("artifacts_uri").asText();
      }
      http.connectionPool().evictAll();
    }
    assertThat(Files.exists(data.resolve("metadata.db"))).as("no SQLite file when --db is given").isFalse();
    try (ForkedServer again = ForkedServer.start(List.of(), "pg-token", "--data-dir", data.toString(),
        "--port", "0", "--experiment-id", experiment, "--db", url)) {
      try (Response r = http.newCall(new Request.Builder()
          .url(again.baseUri + "/v0/experiments/" + experiment + "/artifacts?uri="
              + java.net.URLEncoder.encode(uri, java.nio.charset.StandardCharsets.UTF_8))
          .header(ArtifactHandler.EXPERIMENT_HEADER, experiment).header("Authorization", "Bearer admin:pg-token")
          .build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().bytes()).containsExactly(4, 2);
      }
      http.connectionPool().evictAll();
    }
  }

  @Test
  void firstStartMintsExperimentAndAdminTokenAndLaterStartsReuseThem() throws Exception {
    Path data = tempDir.resolve("fresh");
    OkHttpClient http = WireBodies.checkedClient();
    String experiment;
    String token;
    try (ForkedServer server = ForkedServer.start(List.of(), null, "--data-dir", data.toString(), "--port", "0")) {
      Matcher m = Pattern.compile("experiment: (exp_[0-9a-hjkmnp-tv-z]{26})").matcher(server.output());
      assertThat(m.find()).as(server.output()).isTrue();
      experiment = m.group(1);
      Path tokenFile = data.resolve("admin-token");
      assertThat(server.output()).contains("admin token: generated into " + tokenFile);
      assertThat(server.output()).doesNotContain(Files.readString(tokenFile).strip());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
      assertThat(Files.readString(data.resolve("experiment-id")).strip()).isEqualTo(experiment);
      token = Files.readString(tokenFile).strip();
      try (Response r = http.newCall(new Request.Builder().url(server.baseUri + "/healthz").build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      String url = server.baseUri + "/v0/experiments/" + experiment + "/artifacts";
      try (Response r = http.newCall(new Request.Builder().url(url)
          .header(ArtifactHandler.EXPERIMENT_HEADER, experiment)
          .header("Authorization", "Bearer admin:" + token)
          .post(ServerFixture.onePart("a.txt", "text/plain", new byte[] {1})).build()).execute()) {
        assertThat(r.code()).isEqualTo(201);
      }
      assertEverythingOwnerOnly(data); // metadata.db and its -wal/-shm exist while the server runs
      http.connectionPool().evictAll();
      // The principal is the literal 'admin', also after a differently cased one on the connection.
      try (RawHttp c = new RawHttp(server.baseUri, 20_000)) {
        for (String bearer : List.of("Bearer admin:", "Bearer ADMIN:" + token)) {
          c.write("GET /v0/experiments/" + experiment + "/artifacts?uri=x HTTP/1.1\r\nHost: localhost\r\n"
              + ArtifactHandler.EXPERIMENT_HEADER + ": " + experiment + "\r\nAuthorization: " + bearer + "\r\n\r\n");
          assertThat(c.readReply().status()).as(bearer.replace(token, "<token>")).isEqualTo(401);
        }
      }
      assertThat(server.terminate(30)).isIn(0, 143);
    }
    try (ForkedServer again = ForkedServer.start(List.of(), null, "--data-dir", data.toString(), "--port", "0")) {
      assertThat(again.output()).contains("experiment: " + experiment)
          .contains("admin token: read from " + data.resolve("admin-token"));
      assertThat(Files.readString(data.resolve("admin-token")).strip()).isEqualTo(token);
    }
  }

  /** Every file in the data directory is 0600 and every directory 0700, read from the mode bits. */
  private static void assertEverythingOwnerOnly(Path data) throws Exception {
    List<String> seen = new java.util.ArrayList<>();
    try (var paths = Files.walk(data)) {
      for (Path path : paths.toList()) {
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        seen.add(data.relativize(path) + " " + mode);
        assertThat(mode).as(path.toString()).isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
      }
    }
    assertThat(seen).as("the SQLite files are there to check").anyMatch(p -> p.startsWith("metadata.db-wal "))
        .anyMatch(p -> p.startsWith("metadata.db-shm ")).anyMatch(p -> p.startsWith("metadata.db "));
  }
}
