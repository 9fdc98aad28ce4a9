package dev.eden.artifacts.checks.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.ProblemType;
import dev.eden.artifacts.client.ArtifactInputStream;
import dev.eden.artifacts.client.DepositReceipt;
import dev.eden.artifacts.client.RetryPolicy;
import dev.eden.artifacts.client.StoreClient;
import dev.eden.artifacts.s3.testing.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 1, the crash loop: rounds of SIGKILL at a random moment while {@value #CLIENTS} clients
 * deposit artifacts of random sizes (0 B up to {@link #MAX_SIZE}, most small, some large) and
 * fetch earlier ones, then a restart on the same data. After every restart:
 *
 * <ul>
 *   <li>every artifact that got a 201 is listed with its size and digest, and so is every other
 *       listed one: a deposit whose 201 was lost may have its row, but only with all of its bytes;
 *   <li>every listed artifact new since the last restart, and {@value #OLD_FETCHES_PER_ROUND} older
 *       ones picked at random, are fetched byte-exact (streamed and hashed, never held in memory);
 *       after the last round, every one is (fetching all after every round would make a long run
 *       quadratic in its rounds);
 *   <li>no unknown id is fetchable, neither a random one nor that of a blob without a row;
 *   <li>the blob store holds exactly the blobs of the rows plus, at most, orphans: blobs without a
 *       row, each the complete bytes of a deposit that never got its 201;
 *   <li>no leftover of an unfinished write is there after the start-up sweep (temp files of the
 *       blob directory; incomplete multipart uploads in a bucket) and nothing else.
 * </ul>
 *
 * <p>On SQLite and PostgreSQL ({@code EDEN_TEST_POSTGRES_URL}, a schema of its own), each with a
 * blob directory and with a bucket of an S3-compatible server (s3proxy via {@link S3TestServer}).
 * A single server on its own bucket prefix sweeps every incomplete upload at start ({@code
 * --sweep-temps-older-than PT0S}); the blob directory needs no such setting: the file backend
 * tells a killed server's temp files by their free lock. Each configuration prints its figures.
 */
class CrashLoopIT {
  private static final String SCENARIO = "crash loop";
  private static final int CLIENTS = 8;
  /** Rounds per configuration; {@code -Deden.campaign.crash.rounds=N} overrides the profile's. */
  private static final int ROUNDS = Integer.getInteger("eden.campaign.crash.rounds", Campaign.scale(2, 100));
  /** How often a long run prints its figures so far. */
  private static final int FIGURES_EVERY = 10;
  static final long MAX_SIZE = Campaign.scale(16L << 20, 64L << 20);
  /**
   * When the kill comes: a random time up to this long after the round's first 201, so that every
   * round kills a server that is taking deposits (a fresh JVM takes a while to answer the first).
   */
  private static final long MAX_LOAD_MILLIS = Campaign.scale(1_500L, 3_000L);
  /** How long a round waits for its first 201 at most. */
  private static final Duration FIRST_ACK_TIMEOUT = Duration.ofSeconds(90);
  private static final int VERIFIERS = 4;
  /** Artifacts already fetched after an earlier restart that each restart fetches again. */
  private static final int OLD_FETCHES_PER_ROUND = 64;
  private static final int UNKNOWN_IDS_PER_CHECK = 16;
  private static final String ADMIN_TOKEN = "crash-loop-admin-token-" + HexFormat.of().formatHex(randomBytes(8));
  private static final String POSTGRES_URL_VARIABLE = "EDEN_TEST_POSTGRES_URL";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void sqliteAndFileBlobs() throws Exception {
    Path data = dir.resolve("data");
    new Loop("SQLite + file blobs", List.of("--data-dir", data.toString()), List.of("--data-dir", data.toString()),
        Map.of(), BlobStoreView.files(data.resolve("blobs"))).run();
  }

  @Test
  void postgresAndFileBlobs() throws Exception {
    Path data = dir.resolve("data");
    try (PostgresSchema schema = PostgresSchema.create()) {
      new Loop("PostgreSQL + file blobs", List.of("--data-dir", data.toString(), "--db", schema.url()),
          List.of("--db", schema.url()), Map.of(), BlobStoreView.files(data.resolve("blobs"))).run();
    }
  }

  @Test
  void sqliteAndS3() throws Exception {
    Path data = dir.resolve("data");
    S3TestServer s3 = S3TestServer.shared();
    String bucket = s3.createBucket();
    new Loop("SQLite + S3", s3Args(s3, bucket, "--data-dir", data.toString()), List.of("--data-dir", data.toString()),
        s3Credentials(), BlobStoreView.s3(s3.client(), bucket, "crashloop")).run();
  }

  @Test
  void postgresAndS3() throws Exception {
    Path data = dir.resolve("data");
    S3TestServer s3 = S3TestServer.shared();
    String bucket = s3.createBucket();
    try (PostgresSchema schema = PostgresSchema.create()) {
      new Loop("PostgreSQL + S3", s3Args(s3, bucket, "--data-dir", data.toString(), "--db", schema.url()),
          List.of("--db", schema.url()), s3Credentials(), BlobStoreView.s3(s3.client(), bucket, "crashloop")).run();
    }
  }

  private static List<String> s3Args(S3TestServer s3, String bucket, String... more) {
    List<String> args = new ArrayList<>(List.of(more));
    args.addAll(List.of("--blob-store", "s3://" + bucket + "/crashloop", "--s3-endpoint", s3.endpoint().toString(),
        "--s3-path-style", "--s3-region", S3TestServer.REGION, "--sweep-temps-older-than", "PT0S"));
    return args;
  }

  private static Map<String, String> s3Credentials() {
    return Map.of("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_ACCESS_KEY);
  }

  /** A size from 0 B to {@link #MAX_SIZE}: most small, some large, log-uniform within each class. */
  static long randomSize(ThreadLocalRandom random) {
    int kind = random.nextInt(100);
    if (kind < 5) {
      return 0;
    }
    if (kind < 70) {
      return logUniform(random, 1, 64 << 10);
    }
    if (kind < 95) {
      return logUniform(random, 64 << 10, 1 << 20);
    }
    return logUniform(random, 1 << 20, MAX_SIZE);
  }

  private static long logUniform(ThreadLocalRandom random, long from, long to) {
    double exponent = random.nextDouble(Math.log(from), Math.log(to) + Double.MIN_VALUE);
    return Math.max(from, Math.min(to, Math.round(Math.exp(exponent))));
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  /** One deposit a client tried; acknowledged once it got its 201. */
  static final class Attempt {
    final String filename;
    final Payload payload;
    volatile String uri;
    volatile boolean refused; // answered, but not with a 201
    private volatile String sha256;

    Attempt(long number, Payload payload) {
      this.filename = "a" + number + ".bin";
      this.payload = payload;
    }

    boolean acknowledged() {
      return uri != null;
    }

    void acknowledge(String uri, String sha256) {
      this.sha256 = sha256;
      this.uri = uri;
    }

    /** The digest of all of the payload's bytes (computed again when it was not all sent). */
    String sha256() {
      String known = sha256;
      if (known == null) {
        known = payload.sha256();
        sha256 = known;
      }
      return known;
    }
  }

  /** A row as the admin listing shows it. */
  record Row(String uri, String id, String filename, long size, String sha256) {}

  /** The crash loop on one configuration. */
  private static final class Loop {
    private final String name;
    private final List<String> serveArgs;
    private final List<String> workerArgs;
    private final Map<String, String> environment;
    private final BlobStoreView blobs;
    private final ExperimentId experiment = ExperimentId.mint();
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final List<Attempt> acknowledged = new CopyOnWriteArrayList<>();
    private final AtomicLong numbers = new AtomicLong();
    private final AtomicLong checked = new AtomicLong();
    /** URIs fetched byte-exact after some restart. */
    private final Set<String> fetchedAfterRestart = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();
    private int roundsSurvived;
    /** Listed artifacts fetched byte-exact after the last restart, every one of them. */
    private int fetchedAfterLastRestart;
    private int orphans;
    private int rowsWithout201;
    private int maxLeftovers;
    private long startNanos;
    private int starts;

    Loop(String name, List<String> serveArgs, List<String> workerArgs, Map<String, String> environment,
        BlobStoreView blobs) {
      this.name = name;
      this.serveArgs = serveArgs;
      this.workerArgs = workerArgs;
      this.environment = environment;
      this.blobs = blobs;
    }

    void run() throws Exception {
      long started = System.nanoTime();
      RunnableServer server = start();
      try {
        String bearer = RunnableServer.addWorker(environment, add(workerArgs));
        for (int round = 1; round <= ROUNDS; round++) {
          load(server, bearer, ThreadLocalRandom.current().nextLong(MAX_LOAD_MILLIS + 1));
          server = start();
          verify(server, bearer, round, round == ROUNDS);
          roundsSurvived = round;
          if (round % FIGURES_EVERY == 0 && round < ROUNDS) {
            figures(started, " (so far)");
          }
        }
      } finally {
        server.close();
        figures(started, "");
      }
    }

    private void figures(long started, String note) {
      Campaign.figure(SCENARIO, name + note + ": rounds survived " + roundsSurvived + "/" + ROUNDS
            + ", artifacts acknowledged " + acknowledged.size() + " (of " + attempts.size() + " deposits begun)"
            + ", artifacts checked " + checked.get() + " (byte-exact fetches"
            + (note.isEmpty() ? "; every one of the " + fetchedAfterLastRestart + " listed after the last restart)" : ")")
            + ", rows without a 201 " + rowsWithout201 + ", orphans " + orphans
            + ", " + blobs.leftoverName() + " left after start-up sweeps " + maxLeftovers + " (max)"
            + ", non-201 answers " + refused.get()
            + ", max size " + (MAX_SIZE >> 20) + " MiB, " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)
            + " s (a start took " + TimeUnit.NANOSECONDS.toMillis(startNanos / Math.max(1, starts)) + " ms on average)");
    }

    private static String[] add(List<String> args) {
      return args.toArray(String[]::new);
    }

    private RunnableServer start() throws IOException {
      List<String> args = new ArrayList<>(serveArgs);
      args.addAll(List.of("--port", "0", "--access-log", "off", "--experiment-id", experiment.value()));
      Map<String, String> env = new HashMap<>(environment);
      env.put("EDEN_ADMIN_TOKEN", ADMIN_TOKEN);
      long before = System.nanoTime();
      RunnableServer server = RunnableServer.start(List.of("-Xmx256m"), env, add(args));
      startNanos += System.nanoTime() - before;
      starts++;
      return server;
    }

    private StoreClient client(RunnableServer server, String bearer) {
      return StoreClient.builder()
          .baseUrl(server.baseUri.toString())
          .experimentId(experiment)
          .bearer(bearer)
          .fetchRetryPolicy(RetryPolicy.none())
          .verifyDigests(false) // the campaign hashes for itself
          .build();
    }

    // ---- the load, and the kill ------------------------------------------------------------------

    /**
     * {@value #CLIENTS} clients deposit and fetch; {@code millis} after the first 201 the server is
     * killed under them.
     */
    private void load(RunnableServer server, String bearer, long millis) throws Exception {
      AtomicBoolean stop = new AtomicBoolean();
      int before = acknowledged.size();
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      try (StoreClient client = client(server, bearer)) {
        List<Future<?>> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
          clients.add(pool.submit(() -> {
            while (!stop.get()) {
              step(client);
            }
            return null;
          }));
        }
        long deadline = System.nanoTime() + FIRST_ACK_TIMEOUT.toNanos();
        while (acknowledged.size() == before && System.nanoTime() < deadline && failures.isEmpty()) {
          Thread.sleep(5);
        }
        if (acknowledged.size() == before && failures.isEmpty()) {
          failures.add("no deposit got its 201 within " + FIRST_ACK_TIMEOUT);
        }
        Thread.sleep(millis);
        server.kill();
        stop.set(true);
        for (Future<?> c : clients) {
          c.get(120, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertNoFailures("during the load");
    }

    private void step(StoreClient client) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      if (acknowledged.isEmpty() || random.nextInt(10) < 6) {
        deposit(client, new Attempt(numbers.incrementAndGet(), new Payload(random.nextLong(), randomSize(random))));
      } else {
        fetchAndCheck(client, acknowledged.get(random.nextInt(acknowledged.size())), true);
      }
    }

    private void deposit(StoreClient client, Attempt attempt) {
      attempts.add(attempt);
      MessageDigest digest = Payload.newDigest();
      try (InputStream in = new DigestInputStream(attempt.payload.open(), digest)) {
        DepositReceipt receipt = client.depositArtifact(in, attempt.filename, "application/octet-stream");
        if (receipt.sizeBytes() != attempt.payload.size()) {
          failures.add(attempt.filename + ": 201 with size " + receipt.sizeBytes() + " for " + attempt.payload.size());
        }
        attempt.acknowledge(receipt.uri(), HexFormat.of().formatHex(digest.digest()));
        acknowledged.add(attempt);
      } catch (IOException e) {
        // no answer: the server died under the deposit, which may or may not have stored it
      } catch (ArtifactException e) {
        attempt.refused = true; // an answer that is not a 201: it stored nothing (checked by verify)
        refused.incrementAndGet();
        if (e.status() < 500) {
          failures.add(attempt.filename + ": a valid deposit refused with " + e.status() + " " + e.typeUri());
        }
      }
    }

    /**
     * Streams the artifact and hashes it. During the load a broken connection is the kill; after a
     * restart every fetch must succeed.
     */
    private boolean fetchAndCheck(StoreClient client, Attempt attempt, boolean serverMayDie) {
      Payload.Digested fetched;
      try (ArtifactInputStream in = client.openArtifact(attempt.uri)) {
        fetched = Payload.digest(in);
      } catch (IOException e) {
        if (!serverMayDie) {
          failures.add("fetch of " + attempt.filename + " (" + attempt.uri + "): " + e);
        }
        return false;
      } catch (ArtifactException e) {
        failures.add("fetch of " + attempt.filename + " (" + attempt.uri + "): " + e.status() + " " + e.typeUri());
        return false;
      }
      String sha256 = HexFormat.of().formatHex(fetched.sha256());
      if (fetched.size() != attempt.payload.size() || !sha256.equals(attempt.sha256())) {
        failures.add("fetch of " + attempt.filename + " (" + attempt.uri + "): " + fetched.size() + " bytes hashing to " + sha256
            + ", deposited " + attempt.payload.size() + " hashing to " + attempt.sha256());
        return false;
      }
      checked.incrementAndGet();
      return true;
    }

    // ---- after a restart -------------------------------------------------------------------------

    private void verify(RunnableServer server, String bearer, int round, boolean fetchAll) throws Exception {
      String when = "after restart " + round;
      List<String> leftovers = blobs.leftovers();
      maxLeftovers = Math.max(maxLeftovers, leftovers.size());
      assertThat(leftovers).as("%s: leftovers of unfinished writes after the start-up sweep", when).isEmpty();
      assertThat(blobs.foreign()).as("%s: anything in the blob store but blobs", when).isEmpty();

      Map<String, Attempt> byName = attempts.stream().collect(Collectors.toMap(a -> a.filename, a -> a));
      List<Row> rows = rows(server);
      Map<String, Row> rowsById = new HashMap<>();
      int without201 = 0;
      for (Row row : rows) {
        rowsById.put(row.id(), row);
        Attempt attempt = byName.get(row.filename());
        if (attempt == null) {
          failures.add(when + ": a row of no deposit: " + row);
          continue;
        }
        if (attempt.acknowledged() && !attempt.uri.equals(row.uri())) {
          failures.add(when + ": " + row + " is listed under another URI than its 201's " + attempt.uri);
        }
        if (attempt.refused) {
          failures.add(when + ": a row of a deposit answered without a 201: " + row);
        } else if (!attempt.acknowledged()) {
          without201++; // its 201 was lost: allowed, if all of its bytes are there (fetched below)
        }
        if (row.size() != attempt.payload.size() || !row.sha256().equals(attempt.sha256())) {
          failures.add(when + ": partial or wrong row " + row + " for " + attempt.payload.size() + " bytes hashing to "
              + attempt.sha256());
        }
      }
      rowsWithout201 = without201;
      Set<String> listed = rows.stream().map(Row::uri).collect(Collectors.toSet());
      for (Attempt attempt : acknowledged) {
        if (!listed.contains(attempt.uri)) {
          failures.add(when + ": acknowledged " + attempt.filename + " (" + attempt.uri + ") is not listed");
        }
      }

      Map<String, Long> committed = blobs.committed();
      for (Row row : rows) {
        Long size = committed.get(row.id());
        if (size == null || size != row.size()) {
          failures.add(when + ": the blob of " + row + " is " + (size == null ? "missing" : size + " bytes"));
        }
      }
      List<String> orphanIds = committed.keySet().stream().filter(id -> !rowsById.containsKey(id)).toList();
      checkOrphansAreWhole(orphanIds, committed, when);
      orphans = orphanIds.size();

      try (StoreClient client = client(server, bearer)) {
        fetchListedArtifacts(client, rows, byName, fetchAll);
        checkUnknownIdsAreNotFound(client, orphanIds, when);
      }
      assertNoFailures(when);
    }

    /** Every blob without a row holds the complete bytes of a deposit that never got its 201. */
    private void checkOrphansAreWhole(List<String> orphanIds, Map<String, Long> committed, String when)
        throws IOException {
      Map<Long, List<Attempt>> unacknowledgedBySize = attempts.stream().filter(a -> !a.acknowledged())
          .collect(Collectors.groupingBy(a -> a.payload.size()));
      for (String id : orphanIds) {
        long size = committed.get(id);
        String sha256;
        try (InputStream in = blobs.open(id)) {
          sha256 = Payload.sha256(in);
        }
        boolean whole = unacknowledgedBySize.getOrDefault(size, List.of()).stream()
            .anyMatch(a -> a.sha256().equals(sha256));
        if (!whole) {
          failures.add(when + ": orphan blob " + id + " (" + size + " bytes) is no whole deposit that went without a 201");
        }
      }
    }

    /**
     * Fetches every listed artifact not fetched after an earlier restart, and {@value
     * #OLD_FETCHES_PER_ROUND} of the others at random; or every one, if {@code all}.
     */
    private void fetchListedArtifacts(StoreClient client, List<Row> rows, Map<String, Attempt> byName, boolean all)
        throws Exception {
      List<Row> fresh = new ArrayList<>();
      List<Row> old = new ArrayList<>();
      for (Row row : rows) {
        (fetchedAfterRestart.contains(row.uri()) ? old : fresh).add(row);
      }
      Collections.shuffle(old);
      List<Row> toFetch = new ArrayList<>(fresh);
      toFetch.addAll(all ? old : old.subList(0, Math.min(OLD_FETCHES_PER_ROUND, old.size())));
      ExecutorService pool = Executors.newFixedThreadPool(VERIFIERS);
      try {
        List<Future<?>> fetches = new ArrayList<>();
        for (Row row : toFetch) {
          Attempt attempt = byName.get(row.filename());
          if (attempt != null) {
            Attempt target = attempt.acknowledged() ? attempt : listedOnly(attempt, row.uri());
            fetches.add(pool.submit(() -> {
              if (fetchAndCheck(client, target, false)) {
                fetchedAfterRestart.add(row.uri());
              }
            }));
          }
        }
        for (Future<?> f : fetches) {
          f.get(10, TimeUnit.MINUTES);
        }
        if (all && failures.isEmpty()) {
          fetchedAfterLastRestart = toFetch.size();
        }
      } finally {
        pool.shutdownNow();
      }
    }

    /** An attempt without a 201 whose row is listed under {@code uri}, to fetch it by. */
    private static Attempt listedOnly(Attempt attempt, String uri) {
      Attempt copy = new Attempt(0, attempt.payload);
      copy.acknowledge(uri, attempt.sha256());
      return copy;
    }

    /** Random ids, and the ids of blobs without a row: 404 {@code not-found}. */
    private void checkUnknownIdsAreNotFound(StoreClient client, List<String> orphanIds, String when) {
      List<String> ids = new ArrayList<>(orphanIds);
      for (int i = 0; i < UNKNOWN_IDS_PER_CHECK; i++) {
        ids.add(HexFormat.of().formatHex(randomBytes(16)));
      }
      for (String id : ids) {
        String uri = "eden://artifacts/" + id;
        try (ArtifactInputStream in = client.openArtifact(uri)) {
          failures.add(when + ": unknown " + uri + " is fetchable (" + in.readAllBytes().length + " bytes)");
        } catch (ArtifactException e) {
          if (e.type() != ProblemType.NOT_FOUND) {
            failures.add(when + ": unknown " + uri + " answered " + e.status() + " " + e.typeUri());
          }
        } catch (IOException e) {
          failures.add(when + ": fetch of unknown " + uri + ": " + e);
        }
      }
    }

    /** Every row of the experiment, through the admin listing. */
    private List<Row> rows(RunnableServer server) throws IOException {
      List<Row> rows = new ArrayList<>();
      String cursor = null;
      do {
        HttpUrl.Builder url = HttpUrl.get(server.baseUri.toString()).newBuilder()
            .addPathSegments("admin/v1/experiments").addPathSegment(experiment.value()).addPathSegment("artifacts")
            .addQueryParameter("limit", "1000");
        if (cursor != null) {
          url.addQueryParameter("cursor", cursor);
        }
        Request request = new Request.Builder().url(url.build()).header("Authorization", "Bearer admin:" + ADMIN_TOKEN)
            .build();
        try (Response response = http.newCall(request).execute()) {
          String body = response.body().string();
          assertThat(response.code()).as(body).isEqualTo(200);
          JsonNode page = JSON.readTree(body);
          for (JsonNode a : page.get("artifacts")) {
            String uri = a.get("artifacts_uri").asText();
            rows.add(new Row(uri, uri.substring(uri.lastIndexOf('/') + 1), a.get("filename").asText(),
                a.get("size_bytes").asLong(), a.get("sha256").asText()));
          }
          cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        }
      } while (cursor != null);
      return rows;
    }

    private void assertNoFailures(String when) {
      if (!failures.isEmpty()) {
        List<String> first = failures.stream().limit(20).toList();
        fail(name + ", " + when + ": " + failures.size() + " failure(s), the first ones:\n" + String.join("\n", first));
      }
    }
  }

  /**
   * A schema of its own on the PostgreSQL server named by {@code EDEN_TEST_POSTGRES_URL}, dropped
   * with everything in it on close. Without that server the test fails under {@code CI=true} and is
   * skipped, saying how to enable it, otherwise.
   */
  record PostgresSchema(String baseUrl, String name) implements AutoCloseable {
    static PostgresSchema create() throws SQLException {
      String url = System.getenv(POSTGRES_URL_VARIABLE);
      if (url == null || url.isBlank()) {
        Campaign.requireOrSkip("the PostgreSQL configurations need " + POSTGRES_URL_VARIABLE
            + "; start one with `export " + POSTGRES_URL_VARIABLE + "=$(bash .ci/start-postgres)`");
      }
      String name = "crash_loop_" + HexFormat.of().formatHex(randomBytes(6));
      execute(url, "CREATE SCHEMA " + name);
      return new PostgresSchema(url, name);
    }

    String url() {
      return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    @Override
    public void close() throws SQLException {
      execute(baseUrl, "DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }

    private static void execute(String url, String sql) throws SQLException {
      try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
        statement.execute(sql);
      }
    }
  }
}
