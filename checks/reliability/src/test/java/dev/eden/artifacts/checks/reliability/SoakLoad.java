package dev.eden.artifacts.checks.reliability;

import dev.eden.artifacts.client.ArtifactInputStream;
import dev.eden.artifacts.client.DepositReceipt;
import dev.eden.artifacts.client.RetryPolicy;
import dev.eden.artifacts.client.StoreClient;
import java.io.InputStream;
import java.net.URI;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/**
 * The soak's mixed load: {@code clients} threads, each with its own {@link StoreClient} on its own
 * connection and one of the fleet's bearers in turn, deposit and fetch artifacts of mixed sizes (0 B to 4 MiB, mostly small) until told to
 * stop. Every deposit streams {@link Payload} bytes and every fetch hashes the bytes as they arrive
 * and compares them with what was sent, so neither side ever holds a large artifact. Nothing is
 * retried: every failure counts as an error.
 */
final class SoakLoad {
  private static final double DEPOSIT_SHARE = 0.25;
  private static final int RECENT = 256;
  private static final int ERRORS_KEPT = 10;

  private final List<StoreClient> clients = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final List<Stored> stored = Collections.synchronizedList(new ArrayList<>());
  private final Latencies deposits = new Latencies();
  private final Latencies fetches = new Latencies();
  private final AtomicLong depositedBytes = new AtomicLong();
  private final AtomicLong fetchedBytes = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
  private final AtomicLong seeds = new AtomicLong();
  private volatile boolean stopping;

  SoakLoad(URI baseUri, String experiment, List<String> bearers, int clientCount) {
    OkHttpClient shared = new OkHttpClient.Builder()
        .retryOnConnectionFailure(false)
        .readTimeout(Duration.ofSeconds(60))
        .writeTimeout(Duration.ofSeconds(60))
        .build();
    for (int i = 0; i < clientCount; i++) {
      clients.add(StoreClient.builder()
          .baseUrl(baseUri.toString())
          .experimentId(experiment)
          .bearer(bearers.get(i % bearers.size()))
          // One connection per client, kept: 32 clients are 32 steady connections.
          .okHttpClient(shared.newBuilder().connectionPool(new ConnectionPool(1, 5, TimeUnit.MINUTES)).build())
          .fetchRetryPolicy(RetryPolicy.none())
          .depositRetryPolicy(RetryPolicy.none())
          .build());
    }
  }

  /** An artifact the server acknowledged: where, and the bytes it must give back. */
  private record Stored(String uri, long size, byte[] sha256) {}

  void start() {
    for (int i = 0; i < clients.size(); i++) {
      StoreClient client = clients.get(i);
      Thread thread = new Thread(() -> work(client), "soak-client-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /** Stops the clients, waits for their operations in flight, and closes them. */
  void stop() throws InterruptedException {
    stopping = true;
    for (Thread thread : threads) {
      thread.join(Duration.ofMinutes(2).toMillis());
    }
    clients.forEach(StoreClient::close);
  }

  private void work(StoreClient client) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (!stopping) {
      boolean deposit = stored.isEmpty() || random.nextDouble() < DEPOSIT_SHARE;
      long start = System.nanoTime();
      try {
        if (deposit) {
          deposit(client, random);
          deposits.record(System.nanoTime() - start);
        } else {
          fetch(client, random);
          fetches.record(System.nanoTime() - start);
        }
      } catch (Exception | AssertionError e) {
        errors.incrementAndGet();
        if (firstErrors.size() < ERRORS_KEPT) {
          firstErrors.add((deposit ? "deposit" : "fetch") + " at " + Math.round((System.nanoTime() - start) / 1e6) + " ms: " + e);
        }
      }
    }
  }

  private void deposit(StoreClient client, ThreadLocalRandom random) throws Exception {
    long seed = seeds.incrementAndGet();
    long size = size(random);
    MessageDigest digest = Payload.newDigest();
    DepositReceipt receipt;
    try (InputStream in = new DigestInputStream(Payload.stream(seed, size), digest)) {
      receipt = client.depositArtifact(in, "soak-" + seed + ".bin", "application/octet-stream");
    }
    if (receipt.sizeBytes() != size) {
      throw new AssertionError("deposit of " + size + " bytes recorded " + receipt.sizeBytes());
    }
    stored.add(new Stored(receipt.uri(), size, digest.digest()));
    depositedBytes.addAndGet(size);
  }

  private void fetch(StoreClient client, ThreadLocalRandom random) throws Exception {
    Stored artifact;
    synchronized (stored) {
      int n = stored.size();
      // Half of the fetches ask for something recent, half for anything stored so far.
      int index = random.nextBoolean() ? n - 1 - random.nextInt(Math.min(n, RECENT)) : random.nextInt(n);
      artifact = stored.get(index);
    }
    Payload.Digested got;
    try (ArtifactInputStream in = client.openArtifact(artifact.uri())) {
      got = Payload.digest(in);
    }
    if (got.size() != artifact.size() || !Arrays.equals(got.sha256(), artifact.sha256())) {
      throw new AssertionError("fetch of " + artifact.uri() + " gave " + got.size() + " bytes, not the "
          + artifact.size() + " deposited (or other bytes)");
    }
    fetchedBytes.addAndGet(got.size());
  }

  /**
   * 0 B – 4 MiB, mostly small (about 75 KiB on average, so that the long form stays within a few
   * GiB of disk): 50 % up to 4 KiB, 35 % up to 64 KiB, 14 % up to 512 KiB, 1 % up to 4 MiB.
   */
  private static long size(ThreadLocalRandom random) {
    double p = random.nextDouble();
    if (p < 0.50) {
      return random.nextLong(0, (4 << 10) + 1);
    }
    if (p < 0.85) {
      return random.nextLong(4 << 10, (64 << 10) + 1);
    }
    if (p < 0.99) {
      return random.nextLong(64 << 10, (512 << 10) + 1);
    }
    return random.nextLong(512 << 10, (4 << 20) + 1);
  }

  long operations() {
    return deposits.count() + fetches.count();
  }

  Latencies deposits() {
    return deposits;
  }

  Latencies fetches() {
    return fetches;
  }

  long depositedBytes() {
    return depositedBytes.get();
  }

  long fetchedBytes() {
    return fetchedBytes.get();
  }

  long errors() {
    return errors.get();
  }

  List<String> firstErrors() {
    return List.copyOf(firstErrors);
  }

  /** Durations of one kind of operation, in nanoseconds; thread-safe. */
  static final class Latencies {
    private long[] nanos = new long[1 << 16];
    private int count;

    synchronized void record(long duration) {
      if (count == nanos.length) {
        nanos = Arrays.copyOf(nanos, count * 2);
      }
      nanos[count++] = duration;
    }

    synchronized long count() {
      return count;
    }

    /** The {@code q} quantile (0–1) in milliseconds; 0 if nothing was recorded. */
    synchronized double quantileMillis(double q) {
      if (count == 0) {
        return 0;
      }
      long[] sorted = Arrays.copyOf(nanos, count);
      Arrays.sort(sorted);
      return sorted[(int) Math.max(0, Math.min(count - 1, Math.ceil(q * count) - 1))] / 1e6;
    }
  }
}
