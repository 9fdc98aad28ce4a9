package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ExperimentId;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heap stays flat in artifact size: a server JVM capped at 64 MiB of heap accepts and serves a
 * 1 GiB artifact byte-exact. Prints the deposit and fetch times and the peak heap seen by the GC.
 */
class LargeArtifactMemoryTest {
  static final long SIZE = 1L << 30;
  static final int BLOCK = 1 << 20;
  static final String ADMIN = "Bearer admin:memory-test-token";

  @TempDir Path tempDir;

  /** 1 GiB of reproducible, non-repeating-looking bytes, generated on the fly. */
  static final class GeneratedPart extends RequestBody {
    final byte[] block = new byte[BLOCK];
    final MessageDigest sha256;

    GeneratedPart() throws Exception {
      new Random(1).nextBytes(block);
      sha256 = MessageDigest.getInstance("SHA-256");
    }

    @Override
    public MediaType contentType() {
      return MediaType.get("application/x-tar");
    }

    @Override
    public long contentLength() {
      return SIZE;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      byte[] chunk = new byte[BLOCK];
      for (long i = 0; i < SIZE / BLOCK; i++) {
        for (int j = 0; j < BLOCK; j += 8) {
          chunk[j] = (byte) (block[j] ^ i);
          System.arraycopy(block, j + 1, chunk, j + 1, 7);
        }
        sha256.update(chunk);
        sink.write(chunk);
      }
    }
  }

  @Test
  void oneGibibyteRoundTripsThroughA64MibHeap() throws Exception {
    Path data = tempDir.resolve("data");
    Path gcLog = tempDir.resolve("gc.log");
    ExperimentId experiment = ExperimentId.mint();
    OkHttpClient http = WireBodies.checkedClientBuilder().readTimeout(Duration.ofMinutes(2))
        .writeTimeout(Duration.ofMinutes(2)).build();
    try (ForkedServer server = ForkedServer.start(
        List.of("-Xmx64m", "-Xms64m", "-Xlog:gc:file=" + gcLog), "memory-test-token",
        "--data-dir", data.toString(), "--port", "0", "--experiment-id", experiment.value(),
        "--max-artifact-bytes", String.valueOf(2 * SIZE))) {
      String url = server.baseUri + "/v0/experiments/" + experiment + "/artifacts";
      GeneratedPart part = new GeneratedPart();
      long t0 = System.nanoTime();
      String uri;
      try (Response r = http.newCall(new Request.Builder().url(url)
          .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value()).header("Authorization", ADMIN)
          .post(new MultipartBody.Builder().setType(MultipartBody.FORM)
              .addFormDataPart("file", "big.tar", part).build())
          .build()).execute()) {
        String body = r.body().string();
        assertThat(r.code()).as(body).isEqualTo(201);
        assertThat(ServerFixture.JSON.readTree(body).get("size_bytes").asLong()).isEqualTo(SIZE);
        uri = ServerFixture.JSON.readTree(body).get("artifacts_uri").asText();
        assertThat(r.header(ArtifactHandler.SHA256_HEADER))
            .isEqualTo(HexFormat.of().formatHex(part.sha256.digest()));
      }
      long depositNanos = System.nanoTime() - t0;
      String expectedSha = null;
      long t1 = System.nanoTime();
      try (Response r = http.newCall(new Request.Builder()
          .url(url + "?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8))
          .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value()).header("Authorization", ADMIN)
          .build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.header("Content-Length")).isEqualTo(String.valueOf(SIZE));
        expectedSha = r.header(ArtifactHandler.SHA256_HEADER);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long total = 0;
        byte[] buffer = new byte[BLOCK];
        try (InputStream in = r.body().byteStream()) {
          int n;
          while ((n = in.read(buffer)) > 0) {
            sha.update(buffer, 0, n);
            total += n;
          }
        }
        assertThat(total).isEqualTo(SIZE);
        assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(expectedSha);
      }
      long fetchNanos = System.nanoTime() - t1;
      System.out.printf("1 GiB deposit through a -Xmx64m server: %.1f s (%.0f MiB/s, fsync'd); fetch: %.1f s (%.0f MiB/s); peak heap before GC: %d MiB%n",
          depositNanos / 1e9, 1024 / (depositNanos / 1e9), fetchNanos / 1e9, 1024 / (fetchNanos / 1e9),
          peakHeapMiB(gcLog));
      http.connectionPool().evictAll();
    }
  }

  /** The largest "before" heap size of any GC in a {@code -Xlog:gc} file, in MiB. */
  static long peakHeapMiB(Path gcLog) throws IOException {
    Matcher m = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)").matcher(Files.readString(gcLog));
    long peak = 0;
    while (m.find()) {
      peak = Math.max(peak, Long.parseLong(m.group(1)));
    }
    return peak;
  }
}
