package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.FetchedArtifact;
import dev.eden.artifacts.Principal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.entity.mime.HttpMultipartMode;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.Test;

/**
 * Filenames with quotes, line breaks and non-ASCII characters, deposited by real encoders, are
 * recorded as the sender meant them and offered back on fetch: {@code curl -F} and Apache
 * HttpClient 5 here; the project's own {@code StoreClient} (OkHttp) in the client module's
 * {@code StoreClientFilenamesTest}; Go's writer with raw bytes in {@link PartHeadersTest}.
 */
class FilenameEncodersTest extends ServerTest {
  static final byte[] BYTES = "content".getBytes(StandardCharsets.US_ASCII);
  static final String QUOTED = "say \"hi\".txt";

  private ArtifactMetadata recorded(String uri) throws Exception {
    try (FetchedArtifact a = fixture.service.open(fixture.experiment, Principal.admin(), uri)) {
      assertThat(a.content().readAllBytes()).isEqualTo(BYTES);
      return a.metadata();
    }
  }

  /** Fetches and checks that {@code filename*} of the answer's Content-Disposition decodes to {@code filename}. */
  private void assertOfferedBack(String uri, String filename) throws Exception {
    try (Response r = fixture.fetch(ServerFixture.workerA(), uri)) {
      assertThat(r.code()).isEqualTo(200);
      String disposition = r.header("Content-Disposition");
      String extended = disposition.substring(disposition.indexOf("filename*=UTF-8''") + 17);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (int i = 0; i < extended.length(); i++) {
        char c = extended.charAt(i);
        if (c == '%') {
          bytes.write(Integer.parseInt(extended.substring(i + 1, i + 3), 16));
          i += 2;
        } else {
          bytes.write(c);
        }
      }
      assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(filename);
    }
  }

  @Test
  void curlFormFilenameRoundTrips() throws Exception {
    Path file = tempDir.resolve("upload.bin");
    Files.write(file, BYTES);
    Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "30",
        "-H", ArtifactHandler.EXPERIMENT_HEADER + ": " + fixture.experiment,
        "-H", "Authorization: " + ServerFixture.workerA(),
        "-F", "file=@" + file + ";filename=\"say \\\"hi\\\".txt\";type=text/plain",
        fixture.artifactsUrl()).redirectErrorStream(true).start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(curl.exitValue()).as(output).isZero();
    JsonNode created = ServerFixture.JSON.readTree(output);
    String uri = created.get("artifacts_uri").asText();
    assertThat(recorded(uri).filename()).isEqualTo(QUOTED);
    assertOfferedBack(uri, QUOTED);
  }

  @Test
  void apacheHttpClientFilenamesRoundTrip() throws Exception {
    // STRICT and LEGACY escape the quote as an RFC 9110 quoted-pair. EXTENDED is left out on
    // purpose: it percent-encodes the whole name (RFC 7578 §4.2 allows that) into filename=, which
    // a receiver cannot tell from a name that holds "%20" itself; only %22, %0D and %0A are decoded.
    // LEGACY also sends non-ASCII as UTF-8; STRICT keeps to ASCII.
    Map<HttpMultipartMode, List<String>> names = Map.of(
        HttpMultipartMode.STRICT, List.of(QUOTED, "semi;colon=x.txt"),
        HttpMultipartMode.LEGACY, List.of(QUOTED, "pl\u00e4n \"v2\" \u8a08\u753b.txt"));
    for (Map.Entry<HttpMultipartMode, List<String>> entry : names.entrySet()) {
      for (String name : entry.getValue()) {
        assertApacheHttpClientRoundTrip(entry.getKey(), name);
      }
    }
  }

  private void assertApacheHttpClientRoundTrip(HttpMultipartMode mode, String name) throws Exception {
    try (CloseableHttpClient client = HttpClients.createDefault()) {
      HttpPost post = new HttpPost(fixture.artifactsUrl());
      post.setHeader(ArtifactHandler.EXPERIMENT_HEADER, fixture.experiment.value());
      post.setHeader("Authorization", ServerFixture.workerA());
      post.setEntity(MultipartEntityBuilder.create().setMode(mode)
          .setCharset(StandardCharsets.UTF_8)
          .addBinaryBody("file", BYTES, ContentType.TEXT_PLAIN, name)
          .build());
      String uri = client.execute(post, response -> {
        String body = EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
        assertThat(response.getCode()).as("%s: %s", mode, body).isEqualTo(201);
        return ServerFixture.JSON.readTree(body).get("artifacts_uri").asText();
      });
      assertThat(recorded(uri).filename()).as("mode %s", mode).isEqualTo(name);
      assertOfferedBack(uri, name);
    }
  }
}
