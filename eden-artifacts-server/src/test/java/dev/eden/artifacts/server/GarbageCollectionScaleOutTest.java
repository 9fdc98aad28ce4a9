package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.DepositResult;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.maintenance.ArtifactReferences;
import dev.eden.artifacts.maintenance.GarbageCollector;
import dev.eden.artifacts.maintenance.GcReport;
import dev.eden.artifacts.maintenance.GcReport.Reclaimed;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.PendingBlob;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage collection is safe beside live traffic in the scale-out shape: two reference servers in
 * this JVM, each with its own {@link ArtifactService}, metadata connections and collector, share
 * one PostgreSQL schema (fresh, from {@code EDEN_TEST_POSTGRES_URL}; fails without one under {@code
 * CI=true}) and one blob directory. Garbage older than the grace is seeded first — orphan blobs,
 * temp files of crashed writers, and artifacts with rows that the application's {@link
 * ArtifactReferences} no longer refers to — beside old artifacts it still refers to. Then clients
 * deposit (0 B to 2 MiB, some streamed chunked) and fetch over HTTP through both servers while both
 * collectors run again and again with the shortest grace and the real clock. The servers record
 * each row {@value #ROW_DELAY_MILLIS} ms after its blob, as a busy database might, so that deposits
 * spend a while with bytes but no row: a collector that ignored the grace would take such bytes.
 *
 * <p>Afterwards every deposit that was answered 201 is byte-exact through both servers, no request
 * was answered 5xx, every seeded item is gone and nothing else is (one blob file per row, no temp
 * file), and the collectors' reports add up to exactly the seeded items and bytes: each counted
 * once between the two.
 */
class GarbageCollectionScaleOutTest {
  private static final Duration LOAD = Duration.ofSeconds(5);
  private static final Duration LONG_AGO = Duration.ofHours(3);
  private static final long ROW_DELAY_MILLIS = 40;
  private static final int DEPOSITORS = 8;
  private static final int FETCHERS = 2;
  private static final int MAX_SIZE = 2 * 1024 * 1024;
  /**
   * Enough seeded items that the two collectors, started together, meet on the same ones (each
   * deletion of a blob syncs its directory, so a sweep over them takes a while).
   */
  private static final int ORPHANS = 60;
  private static final int TEMPS = 20;
  private static final int UNREFERENCED = 20;
  private static final int OLD_REFERENCED = 6;
  private static final String WORKER = Principal.mintWorkerId();
  private static final String SECRET = "gc-scale-out-secret";
  private static final String BEARER = "Bearer " + WORKER + ":" + SECRET;

  @TempDir Path dir;

  private final ExperimentId experiment = ExperimentId.mint();
  private final OkHttpClient http = WireBodies.checkedClientBuilder()
      .readTimeout(Duration.ofSeconds(30)).writeTimeout(Duration.ofSeconds(30)).build();
  private final List<Instance> instances = new ArrayList<>();
  private final List<PendingBlob> crashedWriters = new ArrayList<>();
  /** Every deposit answered 201, and the old artifacts still referenced; guarded by itself. */
  private final List<Deposited> deposited = Collections.synchronizedList(new ArrayList<>());
  private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> depositMillis = new ConcurrentLinkedQueue<>();
  private final AtomicLong depositedBytes = new AtomicLong();
  private TestDatabases.Schema schema;
  private Path blobs;

  /** One server with everything of its own but the shared schema and blob directory. */
  private record Instance(String name, JdbiArtifactStore store, FileArtifactBackend backend,
      JettyArtifactServer server, GarbageCollector collector) {
    String artifactsUrl(ExperimentId experiment) {
      return server.baseUri() + "/v0/experiments/" + experiment + "/artifacts";
    }
  }

  /** A deposit that was answered 201: its URI and what its bytes must hash to. */
  private record Deposited(String uri, long size, String sha256) {}

  /** A seeded item of garbage: an orphan blob, a temp file, or an unreferenced artifact. */
  private record Seeded(ArtifactId id, Path file, long size) {}

  @AfterEach
  void stop() throws Exception {
    http.connectionPool().evictAll();
    for (PendingBlob writer : crashedWriters) {
      writer.close();
    }
    for (Instance instance : instances) {
      instance.server().close();
      instance.store().close();
    }
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  void twoServersDepositAndFetchWhileTwoCollectorsReclaimExactlyTheSeededGarbageOnce() throws Exception {
    schema = TestDatabases.postgresSchema();
    blobs = dir.resolve("blobs");
    Set<String> unreferencedUris = ConcurrentHashMap.newKeySet();
    Set<String> offeredToReferences = ConcurrentHashMap.newKeySet();
    ArtifactReferences references = (experimentId, uris) -> {
      offeredToReferences.addAll(uris);
      return uris.stream().filter(uri -> !unreferencedUris.contains(uri)).collect(Collectors.toSet());
    };
    instances.add(start("a", references));
    instances.add(start("b", references));
    Instance a = instances.get(0);

    // ---- garbage older than the grace, and old artifacts still referenced -----------------------
    Random random = new Random(20240613);
    List<Seeded> orphans = new ArrayList<>();
    for (int i = 0; i < ORPHANS; i++) {
      ArtifactId id = ArtifactId.mint();
      int size = seededSize(i, random);
      try (PendingBlob blob = a.backend().begin(id)) {
        blob.output().write(bytes(size, random.nextLong()));
        blob.commit();
      }
      orphans.add(new Seeded(id, backdate(blobFile(id)), size));
    }
    List<Seeded> temps = new ArrayList<>();
    for (int i = 0; i < TEMPS; i++) {
      PendingBlob writer = a.backend().begin(ArtifactId.mint()); // its writer "crashes": never finished
      crashedWriters.add(writer);
      int size = seededSize(i, random);
      writer.output().write(bytes(size, random.nextLong()));
      temps.add(new Seeded(writer.id(), backdate(tempFile(writer.id())), size));
    }
    ArtifactService longAgo = ArtifactService.builder().backend(a.backend()).store(a.store())
        .clock(Clock.offset(Clock.systemUTC(), LONG_AGO.negated())).build();
    List<Seeded> unreferenced = new ArrayList<>();
    List<Deposited> oldReferenced = new ArrayList<>();
    for (int i = 0; i < UNREFERENCED + OLD_REFERENCED; i++) {
      byte[] content = bytes(seededSize(i, random), random.nextLong());
      DepositResult old = longAgo.deposit(experiment, Principal.worker(WORKER), "old-" + i + ".bin", null,
          new ByteArrayInputStream(content));
      Path file = backdate(blobFile(old.metadata().id())); // bytes as old as the row
      if (i < UNREFERENCED) {
        unreferencedUris.add(old.artifactsUri());
        unreferenced.add(new Seeded(old.metadata().id(), file, content.length));
      } else {
        oldReferenced.add(new Deposited(old.artifactsUri(), content.length, old.sha256()));
      }
    }

    // ---- the load ------------------------------------------------------------------------------
    deposited.addAll(oldReferenced);
    for (Instance via : instances) { // the first requests load classes (the answer checks' schemas) slowly
      deposit(via, random.nextLong(), false);
      assertThat(failures).as("warm-up deposit").isEmpty();
      assertThat(checkFetch(via, deposited.get(deposited.size() - 1))).as("warm-up fetch").isNull();
    }
    depositMillis.clear();
    List<ConcurrentLinkedQueue<GcReport>> reports =
        List.of(new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>());
    AtomicInteger fetches = new AtomicInteger();
    AtomicInteger requestNumber = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1); // every worker, both collectors above all, starts at once
    AtomicLong deadlineNanos = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(DEPOSITORS + FETCHERS + instances.size());
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < DEPOSITORS; t++) {
      workers.add(pool.submit(() -> {
        go.await();
        long deadline = deadlineNanos.get();
        while (System.nanoTime() < deadline) {
          int n = requestNumber.getAndIncrement();
          deposit(instances.get(n % 2), ThreadLocalRandom.current().nextLong(), n % 3 == 0);
        }
        return null;
      }));
    }
    for (int t = 0; t < FETCHERS; t++) {
      workers.add(pool.submit(() -> {
        go.await();
        long deadline = deadlineNanos.get();
        while (System.nanoTime() < deadline) {
          Deposited earlier;
          synchronized (deposited) {
            earlier = deposited.get(ThreadLocalRandom.current().nextInt(deposited.size()));
          }
          Instance via = instances.get(ThreadLocalRandom.current().nextInt(2));
          String problem = checkFetch(via, earlier);
          if (problem != null) {
            failures.add(problem);
          }
          fetches.incrementAndGet();
        }
        return null;
      }));
    }
    for (int c = 0; c < instances.size(); c++) {
      GarbageCollector collector = instances.get(c).collector();
      ConcurrentLinkedQueue<GcReport> mine = reports.get(c);
      String name = instances.get(c).name();
      workers.add(pool.submit(() -> {
        go.await();
        long deadline = deadlineNanos.get();
        while (System.nanoTime() < deadline) {
          try {
            mine.add(collector.collect());
          } catch (IOException | RuntimeException e) {
            failures.add("collection on " + name + ": " + e);
          }
          Thread.sleep(5);
        }
        return null;
      }));
    }
    deadlineNanos.set(System.nanoTime() + LOAD.toNanos());
    go.countDown();
    for (Future<?> worker : workers) {
      worker.get();
    }
    pool.shutdown();

    List<GcReport> all = reports.stream().flatMap(ConcurrentLinkedQueue::stream).toList();
    List<Long> latencies = depositMillis.stream().sorted().toList();
    System.out.printf("gc scale-out: %d deposits answered 201 (%d bytes; 2 before the load; median %d ms, "
            + "slowest %d ms) and %d fetches during the load of %d s, statuses %s; sweeps: a %d, b %d; "
            + "reclaimed %d orphan blobs, %d temp files, %d unreferenced artifacts (%d bytes in all), "
            + "a took %d of these items and b %d%n",
        deposited.size() - oldReferenced.size(), depositedBytes.get(),
        latencies.isEmpty() ? 0 : latencies.get(latencies.size() / 2),
        latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1),
        fetches.get(), LOAD.toSeconds(), new TreeMap<>(statuses), reports.get(0).size(), reports.get(1).size(),
        sum(all, GcReport::orphanBlobs)[0], sum(all, GcReport::stalePending)[0],
        sum(all, GcReport::unreferencedArtifacts)[0], all.stream().mapToLong(GcReport::totalBytes).sum(),
        items(reports.get(0)), items(reports.get(1)));

    // ---- what is left --------------------------------------------------------------------------
    assertThat(failures).as("failed requests and collections").isEmpty();
    assertThat(statuses.keySet()).as("statuses answered").allMatch(status -> status < 500);
    for (Deposited d : deposited) {
      for (Instance via : instances) {
        assertThat(checkFetch(via, d)).as("fetch of %s through %s", d.uri(), via.name()).isNull();
      }
    }
    for (Seeded item : concat(orphans, temps, unreferenced)) {
      assertThat(item.file()).as("seeded garbage").doesNotExist();
    }
    for (Seeded item : unreferenced) {
      assertThat(a.store().contains(item.id())).as("row of unreferenced %s", item.id()).isFalse();
    }
    for (String uri : unreferencedUris) {
      for (Instance via : instances) {
        assertThat(fetchStatus(via, uri)).as("fetch of unreferenced %s through %s", uri, via.name())
            .isEqualTo(404);
      }
    }
    long rows = a.store().summarize(experiment).overall().artifacts();
    assertThat(rows).isEqualTo(deposited.size());
    assertThat(blobFiles()).as("one blob file per row").hasSize(deposited.size());
    try (Stream<Path> top = Files.list(blobs)) {
      assertThat(top.filter(Files::isRegularFile).toList()).as("temp files").isEmpty();
    }
    assertThat(offeredToReferences).as("URIs offered to ArtifactReferences: only the old ones")
        .allMatch(uri -> unreferencedUris.contains(uri)
            || oldReferenced.stream().anyMatch(old -> old.uri().equals(uri)));

    assertThat(all).allMatch(r -> r.orphanBlobs().notChecked().isEmpty() && r.stalePending().notChecked().isEmpty()
        && r.unreferencedArtifacts().notChecked().isEmpty());
    assertThat(sum(all, GcReport::orphanBlobs)).as("orphan blobs reclaimed (count, bytes)")
        .containsExactly(orphans.size(), total(orphans));
    assertThat(sum(all, GcReport::stalePending)).as("temp files reclaimed (count, bytes)")
        .containsExactly(temps.size(), total(temps));
    assertThat(sum(all, GcReport::unreferencedArtifacts)).as("unreferenced artifacts reclaimed (count, bytes)")
        .containsExactly(unreferenced.size(), total(unreferenced));
    for (ConcurrentLinkedQueue<GcReport> mine : reports) {
      assertThat(mine).as("sweeps of each collector").isNotEmpty();
    }

  }

  private Instance start(String name, ArtifactReferences references) throws IOException {
    JdbiArtifactStore store = JdbiArtifactStore.postgres(schema.url());
    FileArtifactBackend backend = new FileArtifactBackend(blobs);
    ArtifactService service = ArtifactService.builder().backend(backend).store(new SlowRows(store)).build();
    JettyArtifactServer server = JettyArtifactServer.builder()
        .service(service)
        .authenticator(InMemoryAuthenticator.builder().worker(WORKER, SECRET).build())
        .servedExperiments(experiment)
        .port(0)
        .build()
        .start();
    GarbageCollector collector = GarbageCollector.builder()
        .backend(backend)
        .store(store)
        .references(references, List.of(experiment))
        .grace(GarbageCollector.MINIMUM_GRACE)
        .allowManyOrphans() // the seeded orphans outnumber the old artifacts with rows
        // rows here commit 40 ms after their blobs: a second look-up a second later is enough, and
        // keeps the sweeps coming during the few seconds of load (the default is a minute)
        .recheckDelay(Duration.ofSeconds(1))
        .build();
    return new Instance(name, store, backend, server, collector);
  }

  /**
   * Records rows {@value #ROW_DELAY_MILLIS} ms late, as a busy database would: each deposit spends
   * that long between its committed blob and its row, where a collector that ignored the grace
   * would take its bytes for an orphan's.
   */
  private static final class SlowRows extends DelegatingArtifactStore {
    SlowRows(ArtifactStore delegate) {
      super(delegate);
    }

    @Override
    public void create(ArtifactMetadata metadata) throws IOException {
      try {
        Thread.sleep(ROW_DELAY_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted before recording the row");
      }
      super.create(metadata);
    }
  }

  /** Every tenth 0 B, every tenth up to 1.5 MB, the others up to 64 KiB. */
  private static int seededSize(int i, Random random) {
    return i % 10 == 0 ? 0 : i % 10 == 9 ? random.nextInt(1_500_000) : random.nextInt(64 * 1024);
  }

  /** 0 B, up to 16 KiB, up to 256 KiB or up to {@link #MAX_SIZE}. */
  private static int randomSize(Random random) {
    int kind = random.nextInt(10);
    if (kind == 0) {
      return 0;
    }
    return random.nextInt(kind < 5 ? 16 * 1024 : kind < 8 ? 256 * 1024 : MAX_SIZE + 1);
  }

  /**
   * Deposits random bytes through {@code via} and records the answer: a 201 in {@link #deposited},
   * anything else in {@link #failures}.
   */
  private void deposit(Instance via, long seed, boolean chunked) {
    int size = randomSize(new Random(seed));
    byte[] content = bytes(size, seed);
    long started = System.nanoTime();
    try (Response r = http.newCall(depositRequest(via, content, chunked)).execute()) {
      String body = r.body().string();
      statuses.computeIfAbsent(r.code(), c -> new AtomicInteger()).incrementAndGet();
      depositMillis.add(Duration.ofNanos(System.nanoTime() - started).toMillis());
      if (r.code() == 201) {
        deposited.add(new Deposited(ServerFixture.JSON.readTree(body).get("artifacts_uri").asText(),
            size, sha256(content)));
        depositedBytes.addAndGet(size);
      } else {
        failures.add("deposit of " + size + " bytes through " + via.name() + ": " + r.code() + " " + body);
      }
    } catch (IOException | RuntimeException e) {
      failures.add("deposit of " + size + " bytes through " + via.name() + ": " + e);
    }
  }

  /** A deposit of {@code content}; {@code chunked} streams it without a length, 64 KiB a write. */
  private Request depositRequest(Instance via, byte[] content, boolean chunked) {
    MediaType octets = MediaType.get("application/octet-stream");
    RequestBody part = !chunked ? RequestBody.create(content, octets) : new RequestBody() {
      @Override
      public MediaType contentType() {
        return octets;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        for (int at = 0; at < content.length; at += 64 * 1024) {
          sink.write(content, at, Math.min(64 * 1024, content.length - at));
          sink.flush();
        }
      }
    };
    return new Request.Builder().url(via.artifactsUrl(experiment))
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", BEARER)
        .post(new MultipartBody.Builder().setType(MultipartBody.FORM)
            .addFormDataPart("file", "load.bin", part).build())
        .build();
  }

  private int fetchStatus(Instance via, String uri) throws IOException {
    try (Response r = http.newCall(fetchRequest(via, uri)).execute()) {
      return r.code();
    }
  }

  private Request fetchRequest(Instance via, String uri) {
    return new Request.Builder()
        .url(via.artifactsUrl(experiment) + "?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8))
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", BEARER)
        .build();
  }

  /** Fetches {@code d} through {@code via}; null when it is byte-exact, else what went wrong. */
  private String checkFetch(Instance via, Deposited d) {
    try (Response r = http.newCall(fetchRequest(via, d.uri())).execute()) {
      statuses.computeIfAbsent(r.code(), c -> new AtomicInteger()).incrementAndGet();
      if (r.code() != 200) {
        return "fetch of " + d.uri() + " through " + via.name() + ": " + r.code() + " " + r.body().string();
      }
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      long size = 0;
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = r.body().byteStream()) {
        for (int n; (n = in.read(buffer)) != -1; ) {
          digest.update(buffer, 0, n);
          size += n;
        }
      }
      String sha256 = HexFormat.of().formatHex(digest.digest());
      if (size != d.size() || !sha256.equals(d.sha256())) {
        return "fetch of " + d.uri() + " through " + via.name() + ": " + size + " bytes hashing to " + sha256
            + ", deposited " + d.size() + " hashing to " + d.sha256();
      }
      return null;
    } catch (Exception e) {
      return "fetch of " + d.uri() + " through " + via.name() + ": " + e;
    }
  }

  private Path blobFile(ArtifactId id) {
    return blobs.resolve(id.value().substring(0, 2)).resolve(id.value());
  }

  /** The temp file the file backend writes a pending blob of {@code id} to. */
  private Path tempFile(ArtifactId id) throws IOException {
    try (Stream<Path> files = Files.list(blobs)) {
      List<Path> temps = files.filter(f -> f.getFileName().toString().startsWith(".tmp-" + id.value())).toList();
      assertThat(temps).as("temp file of %s", id).hasSize(1);
      return temps.get(0);
    }
  }

  private static Path backdate(Path file) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(LONG_AGO)));
    return file;
  }

  /** Every committed blob file: the regular files in the shard directories. */
  private List<Path> blobFiles() {
    try (Stream<Path> files = Files.walk(blobs)) {
      return files.filter(f -> Files.isRegularFile(f) && !f.getParent().equals(blobs)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @SafeVarargs
  private static List<Seeded> concat(List<Seeded>... lists) {
    return Stream.of(lists).flatMap(List::stream).toList();
  }

  private static long total(List<Seeded> items) {
    return items.stream().mapToLong(Seeded::size).sum();
  }

  /** Items of every class that {@code reports} removed. */
  private static long items(Collection<GcReport> reports) {
    return reports.stream().mapToLong(r -> r.orphanBlobs().count() + r.stalePending().count()
        + r.unreferencedArtifacts().count()).sum();
  }

  /** Count and bytes of one class over every report. */
  private static long[] sum(List<GcReport> reports, Function<GcReport, Reclaimed> kind) {
    return new long[] {
        reports.stream().map(kind).mapToLong(Reclaimed::count).sum(),
        reports.stream().map(kind).mapToLong(Reclaimed::bytes).sum()};
  }
}
