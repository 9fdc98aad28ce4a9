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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * One large artifact deposited into and fetched back from a runnable server in its own JVM with a
 * GC log, byte-exact (SHA-256 of what was sent, of what came back, and the server's): how long each
 * way took and the heap the GC log shows.
 */
final class LargeRoundTrip {
  static final int BLOCK = 1 << 20;
  static final String ADMIN_TOKEN = "memory-test-token";

  /**
   * What one round trip measured.
   *
   * @param peakBeforeGcMiB the largest heap in use when a young collection started
   * @param peakAfterGcMiB the largest heap still in use after a young collection: what the server
   *     kept, plus whatever garbage had reached the old generation by then
   * @param peakLiveMiB the largest heap still in use after one of the full collections forced about
   *     once a second during the transfer: the live heap, buffers in flight included
   * @param liveSamples how many full collections were forced during the transfer
   */
  record Result(long size, long depositNanos, long fetchNanos, long peakBeforeGcMiB, long peakAfterGcMiB,
      long peakLiveMiB, int liveSamples) {
    String describe(String server) {
      double mib = size / (1024.0 * 1024);
      return String.format("%.0f MiB through %s: deposit %.1f s (%.0f MiB/s), fetch %.1f s (%.0f MiB/s);"
              + " peak heap before young GCs %d MiB, after young GCs %d MiB, live (%d full GCs) %d MiB",
          mib, server, depositNanos / 1e9, mib / (depositNanos / 1e9), fetchNanos / 1e9,
          mib / (fetchNanos / 1e9), peakBeforeGcMiB, peakAfterGcMiB, liveSamples, peakLiveMiB);
    }
  }

  private LargeRoundTrip() {}

  /** Starts {@code serve} with {@code jvmOptions} plus a GC log in {@code dir}, and round-trips {@code size} bytes. */
  static Result run(Path dir, long size, List<String> jvmOptions, Map<String, String> environment,
      String... serveArgs) throws Exception {
    return runEach(dir, List.of(size), jvmOptions, environment, serveArgs).get(0);
  }

  /**
   * Starts one {@code serve} with {@code jvmOptions} plus a GC log in {@code dir}, and round-trips
   * each of {@code sizes} in turn; each result's heap peaks are those of the collections during
   * its own transfer, so one server's heap can be compared across sizes. While each transfer runs,
   * {@code jcmd GC.run} forces a full collection about once a second, so that the live heap is
   * sampled: a young collection's "after" also counts garbage already in the old generation (the
   * 8 MiB buffers of S3 parts are allocated there directly), and varies with where it falls.
   */
  static List<Result> runEach(Path dir, List<Long> sizes, List<String> jvmOptions, Map<String, String> environment,
      String... serveArgs) throws Exception {
    Path gcLog = dir.resolve("gc.log");
    ExperimentId experiment = ExperimentId.mint();
    OkHttpClient http = WireBodies.checkedClientBuilder().readTimeout(Duration.ofMinutes(2))
        .writeTimeout(Duration.ofMinutes(2)).build();
    List<String> jvm = new ArrayList<>(jvmOptions);
    jvm.add("-Xlog:gc:file=" + gcLog);
    long largest = sizes.stream().mapToLong(Long::longValue).max().orElseThrow();
    List<String> args = new ArrayList<>(List.of("--data-dir", dir.resolve("data").toString(), "--port", "0",
        "--experiment-id", experiment.value(), "--max-artifact-bytes", String.valueOf(2 * largest)));
    args.addAll(List.of(serveArgs));
    List<Result> results = new ArrayList<>();
    try (ForkedServer server = ForkedServer.startWithEnvironment(jvm, environment, ADMIN_TOKEN,
        args.toArray(String[]::new))) {
      String url = server.baseUri + "/v0/experiments/" + experiment + "/artifacts";
      for (long size : sizes) {
        int logged = Files.readString(gcLog).length();
        LiveHeapSampler sampler = new LiveHeapSampler(server.process.pid());
        long depositNanos;
        long fetchNanos;
        try {
          GeneratedPart part = new GeneratedPart(size);
          long t0 = System.nanoTime();
          String uri;
          try (Response r = http.newCall(new Request.Builder().url(url)
              .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value()).header("Authorization", "Bearer admin:" + ADMIN_TOKEN)
              .post(new MultipartBody.Builder().setType(MultipartBody.FORM)
                  .addFormDataPart("file", "big.tar", part).build())
              .build()).execute()) {
            String body = r.body().string();
            assertThat(r.code()).as(body).isEqualTo(201);
            assertThat(ServerFixture.JSON.readTree(body).get("size_bytes").asLong()).isEqualTo(size);
            uri = ServerFixture.JSON.readTree(body).get("artifacts_uri").asText();
            assertThat(r.header(ArtifactHandler.SHA256_HEADER)).isEqualTo(HexFormat.of().formatHex(part.sha256.digest()));
          }
          depositNanos = System.nanoTime() - t0;
          long t1 = System.nanoTime();
          try (Response r = http.newCall(new Request.Builder()
              .url(url + "?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8))
              .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value()).header("Authorization", "Bearer admin:" + ADMIN_TOKEN)
              .build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Length")).isEqualTo(String.valueOf(size));
            String expectedSha = r.header(ArtifactHandler.SHA256_HEADER);
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
            assertThat(total).isEqualTo(size);
            assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(expectedSha);
          }
          fetchNanos = System.nanoTime() - t1;
        } finally {
          sampler.stop();
        }
        String log = Files.readString(gcLog).substring(logged);
        results.add(new Result(size, depositNanos, fetchNanos, peakMiB(log, YOUNG, 1), peakMiB(log, YOUNG, 2),
            peakMiB(log, FULL, 2), count(log, FULL)));
      }
      http.connectionPool().evictAll();
    }
    return results;
  }

  private static final Pattern YOUNG = Pattern.compile("Pause Young .* (\\d+)M->(\\d+)M\\((\\d+)M\\)");
  private static final Pattern FULL = Pattern.compile("Pause Full .* (\\d+)M->(\\d+)M\\((\\d+)M\\)");

  /**
   * The largest value of group {@code group} (1: heap used before, 2: after) over the collections
   * of a {@code -Xlog:gc} log that {@code kind} matches.
   */
  private static long peakMiB(String gcLog, Pattern kind, int group) {
    Matcher m = kind.matcher(gcLog);
    long peak = 0;
    while (m.find()) {
      peak = Math.max(peak, Long.parseLong(m.group(group)));
    }
    return peak;
  }

  private static int count(String gcLog, Pattern kind) {
    return (int) kind.matcher(gcLog).results().count();
  }

  /** Forces a full collection in process {@code pid} about once a second until stopped. */
  private static final class LiveHeapSampler {
    private final Thread thread;
    private volatile boolean running = true;

    LiveHeapSampler(long pid) {
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      thread = new Thread(() -> {
        while (running) {
          try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(30, TimeUnit.SECONDS);
            Thread.sleep(1000);
          } catch (IOException | InterruptedException e) {
            return;
          }
        }
      }, "live-heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join(60_000);
    }
  }

  /** {@code size} reproducible, non-repeating-looking bytes, generated on the fly (a multiple of {@link #BLOCK}). */
  static final class GeneratedPart extends RequestBody {
    final byte[] block = new byte[BLOCK];
    final MessageDigest sha256;
    final long size;

    GeneratedPart(long size) throws Exception {
      if (size % BLOCK != 0) {
        throw new IllegalArgumentException("size must be a multiple of " + BLOCK);
      }
      this.size = size;
      new Random(1).nextBytes(block);
      sha256 = MessageDigest.getInstance("SHA-256");
    }

    @Override
    public MediaType contentType() {
      return MediaType.get("application/x-tar");
    }

    @Override
    public long contentLength() {
      return size;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      byte[] chunk = new byte[BLOCK];
      for (long i = 0; i < size / BLOCK; i++) {
        for (int j = 0; j < BLOCK; j += 8) {
          chunk[j] = (byte) (block[j] ^ i);
          System.arraycopy(block, j + 1, chunk, j + 1, 7);
        }
        sha256.update(chunk);
        sink.write(chunk);
      }
    }
  }
}
