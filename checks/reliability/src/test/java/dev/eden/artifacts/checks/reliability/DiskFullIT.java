package dev.eden.artifacts.checks.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 2, disk full: the runnable server with its blob directory — and then its whole data
 * directory, SQLite metadata included — on a small tmpfs the test fills with filler files. A
 * deposit that does not fit is a 500 {@code eden://error/internal} problem whose incident id is
 * logged with the cause, and leaves nothing behind: no temp file, no blob, no row. Fetches of
 * earlier artifacts, {@code /healthz} and deposits that still fit keep working; once a filler is
 * deleted, the next deposit succeeds without a restart. Needs root (it mounts the tmpfs): skipped
 * elsewhere, failed in CI. The long form runs more fill-and-free rounds on a larger tmpfs.
 */
class DiskFullIT {
  private static final String SCENARIO = "disk full";
  private static final int ROUNDS = Campaign.scale(1, 10);
  private static final long FILESYSTEM_BYTES = Campaign.scale(8L, 32L) << 20;
  private static final int EARLIER_ARTIFACTS = 4;
  private static final long EARLIER_BYTES = 64 << 10;
  private static final long LARGE_BYTES = 2 << 20;
  private static final long SMALL_BYTES = 64 << 10;
  private static final long LEFT_FREE_BYTES = 1 << 20;
  private static final String ADMIN_TOKEN = "disk-full-admin-token";
  private static final Pattern INCIDENT = Pattern.compile("incident ([0-9a-f-]{36})");

  @TempDir Path dir;

  @Test
  void blobDirectoryOnAFullFilesystem() throws Exception {
    try (SmallFilesystem small = SmallFilesystem.mount(dir.resolve("small"), FILESYSTEM_BYTES)) {
      Path data = dir.resolve("data");
      Path blobs = small.root.resolve("blobs");
      run("blob directory on tmpfs", small, blobs, "--data-dir", data.toString(), "--blob-store", blobs.toString());
    }
  }

  @Test
  void wholeDataDirectoryOnAFullFilesystem() throws Exception {
    try (SmallFilesystem small = SmallFilesystem.mount(dir.resolve("small"), FILESYSTEM_BYTES)) {
      Path data = small.root.resolve("data");
      run("data directory (SQLite too) on tmpfs", small, data.resolve("blobs"), "--data-dir", data.toString());
    }
  }

  private void run(String label, SmallFilesystem small, Path blobs, String... storage) throws Exception {
    List<String> args = new ArrayList<>(List.of(storage));
    args.addAll(List.of("--port", "0", "--access-log", "off"));
    long started = System.nanoTime();
    try (RunnableServer server = RunnableServer.start(List.of("-Xmx64m"), Map.of("EDEN_ADMIN_TOKEN", ADMIN_TOKEN),
            args.toArray(String[]::new));
        ArtifactHttp http = new ArtifactHttp(server.baseUri, server.experimentId(), "admin:" + ADMIN_TOKEN)) {
      double startup = (System.nanoTime() - started) / 1e9;
      Ledger ledger = new Ledger(http, new BlobDirectory(blobs));
      for (int i = 0; i < EARLIER_ARTIFACTS; i++) {
        ledger.expectStored(EARLIER_BYTES);
      }
      Campaign.figure(SCENARIO, label + ": " + mib(FILESYSTEM_BYTES) + " tmpfs, " + EARLIER_ARTIFACTS + " artifacts of "
          + kib(EARLIER_BYTES) + " stored first, " + ROUNDS + (ROUNDS == 1 ? " round" : " rounds")
          + " of fill, refuse, free (server started in "
          + String.format("%.1f s)", startup));
      for (int round = 1; round <= ROUNDS; round++) {
        long firstFiller = small.fill(LEFT_FREE_BYTES);
        long free = small.usableBytes();
        assertThat(free).as("free after the first filler").isLessThan(LARGE_BYTES);
        Refusal large = refused(server, ledger, LARGE_BYTES);
        ledger.expectStored(SMALL_BYTES);

        long secondFiller = small.fill(0);
        long freeWhenFull = small.usableBytes();
        Refusal whenFull = refused(server, ledger, SMALL_BYTES);
        ArtifactHttp.Answer empty = ledger.depositEither(0);
        String emptyOutcome = empty.status() == 201 ? "201" : "500 (" + fullDiskProblem(server, empty) + ")";
        int fetched = ledger.fetchAllByteExact();
        assertThat(http.health()).as("/healthz on a full disk").isEqualTo(200);

        long freed = small.freeFillers();
        long freedAt = System.nanoTime();
        ledger.expectStored(LARGE_BYTES);
        Duration recovery = Duration.ofNanos(System.nanoTime() - freedAt);
        ledger.fetchAllByteExact();

        Campaign.figure(SCENARIO, String.format(
            "%s, round %d: filler %s left %s free -> %s deposit 500 in %d ms (incident logged: %s), %s deposit 201;"
                + " filler %s left %s -> %s deposit 500 (%s), 0 B deposit %s; %d artifacts fetched byte-exact,"
                + " /healthz 200; freed %s -> %s deposit 201 in %d ms, no restart",
            label, round, mib(firstFiller), kib(free), mib(LARGE_BYTES), large.took.toMillis(), large.cause,
            kib(SMALL_BYTES), mib(secondFiller), kib(freeWhenFull), kib(SMALL_BYTES),
            whenFull.cause, emptyOutcome, fetched, mib(freed), mib(LARGE_BYTES), recovery.toMillis()));
      }
      ledger.assertNothingPartial();
      Campaign.figure(SCENARIO, String.format("%s: %d deposits refused with 500, %d stored, all byte-exact, nothing"
              + " partial (0 temp files, blobs = rows = acknowledged); %.1f s",
          label, ledger.refusals, ledger.acknowledged.size(), (System.nanoTime() - started) / 1e9));
    }
  }

  /** A deposit of {@code size} that must be refused with an internal-error problem, logged with its cause. */
  private static Refusal refused(RunnableServer server, Ledger ledger, long size) throws Exception {
    long start = System.nanoTime();
    ArtifactHttp.Answer answer = ledger.depositRefused(size);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return new Refusal(took, fullDiskProblem(server, answer));
  }

  /**
   * Checks that {@code answer} is an internal-error problem whose incident the server logged as a
   * full disk; returns the cause as logged.
   */
  private static String fullDiskProblem(RunnableServer server, ArtifactHttp.Answer answer) throws Exception {
    assertThat(answer.contentType()).startsWith("application/problem+json");
    assertThat(answer.body().path("type").asText()).isEqualTo("eden://error/internal");
    assertThat(answer.body().path("status").asInt()).isEqualTo(500);
    Matcher incident = INCIDENT.matcher(answer.body().path("detail").asText());
    assertThat(incident.find()).as("an incident id in %s", answer.body()).isTrue();
    return loggedCause(server, incident.group(1));
  }

  /**
   * The storage failure the server logged under {@code incident}: its ERROR line must be there,
   * and its stack trace must show that the disk was full (the file system's or SQLite's words).
   */
  private static String loggedCause(RunnableServer server, String incident) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      String output = server.output();
      int at = output.indexOf("(incident " + incident + ")");
      if (at >= 0) {
        String line = output.substring(output.lastIndexOf('\n', at) + 1, at);
        assertThat(line).contains(" ERROR dev.eden.artifacts.server.ArtifactHandler - ");
        int next = output.indexOf("\n20", at); // the next log line starts with its date
        String trace = output.substring(at, next < 0 ? output.length() : next);
        for (String cause : List.of("No space left on device", "SQLITE_FULL")) {
          if (trace.contains(cause)) {
            return cause;
          }
        }
        if (next >= 0 || System.nanoTime() > deadline) {
          throw new AssertionError("incident " + incident + " was not a full disk:\n" + trace);
        }
      } else if (System.nanoTime() > deadline) {
        throw new AssertionError("incident " + incident + " is not in the server's log:\n" + output);
      }
      Thread.sleep(20);
    }
  }

  private record Refusal(Duration took, String cause) {}

  /**
   * What the server acknowledged, and the checks that it holds exactly that: every 201 fetchable
   * byte-exact, and blobs, rows and acknowledged deposits the same set, with no temp file left.
   */
  private static final class Ledger {
    private final ArtifactHttp http;
    private final BlobDirectory blobs;
    private final Map<String, long[]> acknowledged = new LinkedHashMap<>();
    private long nextSeed = 1;
    private int refusals;

    Ledger(ArtifactHttp http, BlobDirectory blobs) {
      this.http = http;
      this.blobs = blobs;
    }

    void expectStored(long size) throws IOException {
      long seed = nextSeed++;
      ArtifactHttp.Answer answer = http.deposit(seed, size);
      assertThat(answer.status()).as("deposit of %d bytes: %s", size, answer.body()).isEqualTo(201);
      acknowledge(answer, seed, size);
      assertNothingPartial();
    }

    ArtifactHttp.Answer depositRefused(long size) throws IOException {
      ArtifactHttp.Answer answer = http.deposit(nextSeed++, size);
      assertThat(answer.status()).as("deposit of %d bytes: %s", size, answer.body()).isEqualTo(500);
      refusals++;
      assertNothingPartial();
      return answer;
    }

    /** A deposit that may go either way (a 0 B blob needs no data block; its row may): but all or nothing. */
    ArtifactHttp.Answer depositEither(long size) throws IOException {
      long seed = nextSeed++;
      ArtifactHttp.Answer answer = http.deposit(seed, size);
      assertThat(answer.status()).as("deposit of %d bytes: %s", size, answer.body()).isIn(201, 500);
      if (answer.status() == 201) {
        acknowledge(answer, seed, size);
      } else {
        refusals++;
      }
      assertNothingPartial();
      return answer;
    }

    private void acknowledge(ArtifactHttp.Answer answer, long seed, long size) throws IOException {
      assertThat(answer.body().path("size_bytes").asLong()).isEqualTo(size);
      acknowledged.put(answer.uri(), new long[] {seed, size});
      Payload.Digested fetched = http.fetch(answer.uri());
      assertThat(fetched.sha256()).as("bytes of %s", answer.uri()).isEqualTo(Payload.sha256(seed, size));
    }

    int fetchAllByteExact() throws IOException {
      for (Map.Entry<String, long[]> artifact : acknowledged.entrySet()) {
        long seed = artifact.getValue()[0];
        long size = artifact.getValue()[1];
        Payload.Digested fetched = http.fetch(artifact.getKey());
        assertThat(fetched.size()).as("size of %s", artifact.getKey()).isEqualTo(size);
        assertThat(fetched.sha256()).as("bytes of %s", artifact.getKey()).isEqualTo(Payload.sha256(seed, size));
      }
      return acknowledged.size();
    }

    /** No temp file; blob files, listed rows and the summary count are exactly the acknowledged artifacts. */
    void assertNothingPartial() throws IOException {
      assertThat(blobs.tempFiles()).as("temp files in the blob directory").isEmpty();
      assertThat(blobs.artifactUris()).as("blob files").containsExactlyInAnyOrderElementsOf(acknowledged.keySet());
      assertThat(http.listedUris()).as("rows").containsExactlyInAnyOrderElementsOf(acknowledged.keySet());
      assertThat(http.summarizedCount()).as("rows counted").isEqualTo(acknowledged.size());
    }
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / 1048576.0);
  }

  private static String kib(long bytes) {
    return String.format("%.0f KiB", bytes / 1024.0);
  }
}
