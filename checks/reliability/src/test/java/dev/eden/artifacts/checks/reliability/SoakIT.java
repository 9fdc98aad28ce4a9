package dev.eden.artifacts.checks.reliability;

import dev.eden.artifacts.client.StoreClient;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 7, soak: the runnable server at {@code -Xmx64m} (SQLite, file blobs) under a bounded mixed
 * load of 32 clients ({@link SoakLoad}) for 3 minutes, 30 in the long form. Every ~10 s it samples
 * the server's heap after a full GC, open file descriptors, threads and the blob directory's temp
 * files, and prints them. Passes when no operation failed, every fetch gave the deposited bytes, and
 * every series is flat: the peak of the last third of the samples is at most the peak of the first
 * third plus a stated slack, the temp files never outnumber the clients, and none is left once the
 * load stopped.
 */
class SoakIT {
  private static final String SCENARIO = "soak";
  private static final Duration LOAD = Duration.ofMinutes(Campaign.scale(3, 30));
  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);
  private static final int CLIENTS = 32;
  private static final int WORKERS = 4;
  private static final String ADMIN_TOKEN = "soak-admin-token";
  /** Slack of "flat": what a steady server may still add between the first third and the last. */
  private static final long HEAP_SLACK_BYTES = 8L << 20;
  /** Each client may hold one more blob file open (a fetch, a deposit's temp) at any instant. */
  private static final long FD_SLACK = CLIENTS;
  private static final long THREAD_SLACK = 8;

  @TempDir Path dir;

  /** One look at the server. */
  private record Sample(double seconds, long heapAfterGcBytes, long fds, long threads, long temps, long operations) {}

  @Test
  void mixedLoadKeepsHeapFdsThreadsAndTempsFlat() throws Exception {
    Path data = dir.resolve("data");
    BlobDirectory blobs = new BlobDirectory(data.resolve("blobs"));
    try (RunnableServer server = RunnableServer.start(List.of("-Xmx64m"), Map.of("EDEN_ADMIN_TOKEN", ADMIN_TOKEN),
        "--data-dir", data.toString(), "--port", "0", "--access-log", "off")) {
      // A fleet of workers, 8 connections each (within the server's default cap of deposits in
      // flight per worker), all in 'admins' so that any of them may fetch what another deposited.
      List<String> bearers = new ArrayList<>();
      for (int i = 0; i < WORKERS; i++) {
        bearers.add(RunnableServer.addWorker(Map.of(), "--data-dir", data.toString(), "--group", "admins"));
      }
      // The soak measures a steady load, not a cold start: each bearer pays its slow hash once here,
      // one at a time, so that no client's first request is shed by the bound on those checks.
      for (String bearer : bearers) {
        try (StoreClient warm = StoreClient.builder().baseUrl(server.baseUri.toString())
            .experimentId(server.experimentId()).bearer(bearer).build()) {
          warm.depositArtifact(new byte[] {1}, "warm-up.bin", "application/octet-stream");
        }
      }
      SoakLoad load = new SoakLoad(server.baseUri, server.experimentId(), bearers, CLIENTS);
      Campaign.figure(SCENARIO, String.format("%d clients of %d workers, %d min of deposits (25 %%) and fetches (75 %%), 0 B - 4 MiB,"
          + " server -Xmx64m (SQLite, file blobs), sampled every %d s", CLIENTS, WORKERS, LOAD.toMinutes(), SAMPLE_EVERY.toSeconds()));
      List<Sample> samples = new ArrayList<>();
      long start = System.nanoTime();
      load.start();
      try {
        for (int i = 1; i * SAMPLE_EVERY.toNanos() <= LOAD.toNanos(); i++) {
          sleepUntil(start + i * SAMPLE_EVERY.toNanos());
          Sample sample = sample(server, blobs, load, start);
          samples.add(sample);
          print("t=" + Math.round(sample.seconds) + " s", sample);
        }
      } finally {
        load.stop();
      }
      double loadSeconds = (System.nanoTime() - start) / 1e9;
      Sample after = settled(server, blobs, load, start);
      print("after the load", after);
      summarize(load, loadSeconds, samples, after, data);

      assertThat(load.firstErrors()).as("errors of %d", load.errors()).isEmpty();
      assertThat(load.errors()).isZero();
      assertThat(load.deposits().count()).isPositive();
      assertThat(load.fetches().count()).isPositive();
      assertFlat(samples, "heap after GC", Sample::heapAfterGcBytes, HEAP_SLACK_BYTES);
      assertFlat(samples, "open file descriptors", Sample::fds, FD_SLACK);
      assertFlat(samples, "threads", Sample::threads, THREAD_SLACK);
      assertThat(samples).as("temp files during the load").allSatisfy(s -> assertThat(s.temps).isLessThanOrEqualTo(CLIENTS));
      assertThat(after.temps).as("temp files after the load").isZero();
    }
  }

  private static Sample sample(RunnableServer server, BlobDirectory blobs, SoakLoad load, long start) throws Exception {
    long heap = server.heapAfterGcBytes();
    return new Sample((System.nanoTime() - start) / 1e9, heap, server.openFileDescriptors(), server.threads(),
        blobs.tempFiles().size(), load.operations());
  }

  /** A sample once the load stopped, after its last temp file went (or 10 s, whichever is first). */
  private static Sample settled(RunnableServer server, BlobDirectory blobs, SoakLoad load, long start) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!blobs.tempFiles().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    return sample(server, blobs, load, start);
  }

  private static void print(String when, Sample s) {
    Campaign.figure(SCENARIO, String.format("%s: heap after GC %.1f MiB, %d fds, %d threads, %d temp files, %,d operations",
        when, s.heapAfterGcBytes / 1048576.0, s.fds, s.threads, s.temps, s.operations));
  }

  private static void summarize(SoakLoad load, double seconds, List<Sample> samples, Sample after, Path data)
      throws Exception {
    SoakLoad.Latencies deposits = load.deposits();
    SoakLoad.Latencies fetches = load.fetches();
    Campaign.figure(SCENARIO, String.format("%,d operations in %.0f s = %.0f/s: %,d deposits (%.1f MiB, p50 %.1f ms,"
            + " p99 %.1f ms), %,d fetches byte-exact (%.1f MiB, p50 %.1f ms, p99 %.1f ms), %d errors",
        load.operations(), seconds, load.operations() / seconds,
        deposits.count(), load.depositedBytes() / 1048576.0, deposits.quantileMillis(0.5), deposits.quantileMillis(0.99),
        fetches.count(), load.fetchedBytes() / 1048576.0, fetches.quantileMillis(0.5), fetches.quantileMillis(0.99),
        load.errors()));
    Campaign.figure(SCENARIO, String.format("first third -> last third, peaks: heap after GC %.1f -> %.1f MiB,"
            + " fds %d -> %d, threads %d -> %d, temp files %d -> %d (%d after); data directory %.1f MiB",
        firstThird(samples, Sample::heapAfterGcBytes) / 1048576.0, lastThird(samples, Sample::heapAfterGcBytes) / 1048576.0,
        firstThird(samples, Sample::fds), lastThird(samples, Sample::fds),
        firstThird(samples, Sample::threads), lastThird(samples, Sample::threads),
        firstThird(samples, Sample::temps), lastThird(samples, Sample::temps), after.temps,
        sizeOf(data) / 1048576.0));
    load.firstErrors().forEach(e -> Campaign.figure(SCENARIO, "error: " + e));
  }

  private static void assertFlat(List<Sample> samples, String series, ToLongFunction<Sample> value, long slack) {
    assertThat(samples.size()).as("samples").isGreaterThanOrEqualTo(3);
    assertThat(lastThird(samples, value))
        .as("%s: the last third's peak against the first third's (%d) plus %d", series, firstThird(samples, value), slack)
        .isLessThanOrEqualTo(firstThird(samples, value) + slack);
  }

  private static long firstThird(List<Sample> samples, ToLongFunction<Sample> value) {
    return samples.subList(0, samples.size() / 3).stream().mapToLong(value).max().orElse(0);
  }

  private static long lastThird(List<Sample> samples, ToLongFunction<Sample> value) {
    return samples.subList(samples.size() - samples.size() / 3, samples.size()).stream().mapToLong(value).max().orElse(0);
  }

  private static long sizeOf(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }
}
