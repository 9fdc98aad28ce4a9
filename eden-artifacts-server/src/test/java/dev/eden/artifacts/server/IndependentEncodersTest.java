package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.entity.mime.HttpMultipartMode;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Multipart bodies built by encoders other than OkHttp's reach the same result. */
class IndependentEncodersTest extends ServerTest {
  byte[] payload;

  @Override
  long maxArtifactBytes() {
    return 4 * 1024 * 1024;
  }

  @BeforeEach
  void makePayload() {
    payload = new byte[300_000];
    new Random(42).nextBytes(payload);
  }

  private void assertFetchesBack(String uri, String contentType, byte[] bytes) throws Exception {
    try (Response r = fixture.fetch(ServerFixture.workerA(), uri)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo(contentType);
      assertThat(r.body().bytes()).isEqualTo(bytes);
    }
  }

  @Test
  void apacheHttpClientMultipartEntityDeposits() throws Exception {
    for (boolean streamed : new boolean[] {false, true}) {
      try (CloseableHttpClient client = HttpClients.createDefault()) {
        HttpPost post = new HttpPost(fixture.artifactsUrl());
        post.setHeader(ArtifactHandler.EXPERIMENT_HEADER, fixture.experiment.value());
        post.setHeader("Authorization", ServerFixture.workerA());
        MultipartEntityBuilder entity = MultipartEntityBuilder.create()
            .setMode(HttpMultipartMode.STRICT);
        if (streamed) {
          // an InputStream body has no known length: sent chunked
          entity.addBinaryBody("file", new ByteArrayInputStream(payload),
              ContentType.create("application/x-tar"), "bundle.tar");
        } else {
          entity.addBinaryBody("file", payload, ContentType.create("application/x-tar"), "bundle.tar");
        }
        post.setEntity(entity.build());
        JsonNode created = client.execute(post, response -> {
          String body = EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
          assertThat(response.getCode()).as(body).isEqualTo(201);
          WireBodies.assertDepositAnswer(response.getFirstHeader("Content-Type").getValue(), body);
          return ServerFixture.JSON.readTree(body);
        });
        assertThat(created.get("size_bytes").asLong()).isEqualTo(payload.length);
        assertThat(created.get("content_type").asText()).isEqualTo("application/x-tar");
        assertFetchesBack(created.get("artifacts_uri").asText(), "application/x-tar", payload);
      }
    }
  }

  @Test
  void curlFormUploadDeposits() throws Exception {
    Path file = tempDir.resolve("évaluation report.txt");
    Files.write(file, payload);
    // The answer's content type follows the body on a line of its own.
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30",
        "-w", "\n%{content_type}",
        "-H", ArtifactHandler.EXPERIMENT_HEADER + ": " + fixture.experiment,
        "-H", "Authorization: " + ServerFixture.workerA(),
        "-F", "file=@" + file + ";type=text/plain",
        fixture.artifactsUrl()));
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(curl.exitValue()).as(output).isZero();
    int typeLine = output.lastIndexOf('\n');
    String body = output.substring(0, typeLine);
    WireBodies.assertDepositAnswer(output.substring(typeLine + 1), body);
    JsonNode created = ServerFixture.JSON.readTree(body);
    assertThat(created.get("size_bytes").asLong()).isEqualTo(payload.length);
    assertThat(created.get("content_type").asText()).isEqualTo("text/plain");
    assertFetchesBack(created.get("artifacts_uri").asText(), "text/plain", payload);
    try (Response r = fixture.fetch(ServerFixture.workerA(), created.get("artifacts_uri").asText())) {
      assertThat(r.header("Content-Disposition")).isEqualTo(
          "attachment; filename=\"_valuation report.txt\"; filename*=UTF-8''%C3%A9valuation%20report.txt");
    }
  }

  @Test
  void curlFetchWritesExactBytes() throws Exception {
    String uri = fixture.deposit(ServerFixture.workerA(), "p.bin", "application/octet-stream", payload)
        .get("artifacts_uri").asText();
    Path out = tempDir.resolve("fetched.bin");
    Process curl = new ProcessBuilder("curl", "-sS", "--fail", "--max-time", "30", "-G",
        "-H", ArtifactHandler.EXPERIMENT_HEADER + ": " + fixture.experiment,
        "-H", "Authorization: " + ServerFixture.workerA(),
        "--data-urlencode", "uri=" + uri, "-o", out.toString(), fixture.artifactsUrl())
        .redirectErrorStream(true).start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(curl.exitValue()).as(output).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(payload);
  }
}
