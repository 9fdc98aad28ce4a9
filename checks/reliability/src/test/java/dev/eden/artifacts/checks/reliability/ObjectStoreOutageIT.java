package dev.eden.artifacts.checks.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.checks.reliability.ObjectStoreOutageRig.Outcome;
import dev.eden.artifacts.s3.testing.S3TestServer;
import dev.eden.artifacts.s3.testing.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Campaign scenario 4, the object store unavailable or slow: the runnable server on SQLite metadata
 * and S3 blobs in s3proxy (a private {@link S3TestServer}), reached through a {@link TcpProxy} (as
 * through a load balancer: when s3proxy is gone, the proxy closes the connections it had and those
 * it accepts). One server process serves both scenarios and is never restarted.
 *
 * <ul>
 *   <li>s3proxy killed while a large deposit and a large fetch stream, and for new requests while
 *       it is down, then started again on the same port with the same data: every request fails
 *       within its bound; a deposit with a 500 problem (incident id) and no row; a fetch with a 500
 *       before its answer started, else a cut connection after exact bytes, never wrong ones;
 *       {@code /healthz} and metadata-only requests keep answering; the first deposit after
 *       s3proxy is back succeeds, and the time to it is printed.
 *   <li>s3proxy silent ({@link TcpProxy#stall()}: connections open, no byte moves) for longer than
 *       the bounds: the same failures within the bounds ({@code --s3-request-timeout}, {@code
 *       --s3-read-timeout}; a deposit in parts within two request time-outs, its part upload and
 *       the abort of its upload), the server stays healthy, and serves again as soon as bytes move.
 * </ul>
 *
 * <p>After each: the metadata holds exactly the deposits answered 201, each fetchable byte-exact;
 * the access log shows every failed deposit answered 500 with an incident id. A write that the
 * object store received before the time-out may still complete after it: an orphan object without
 * a row, invisible to fetches, which {@code gc} removes (printed, not failed).
 */
class ObjectStoreOutageIT {
  static final String SCENARIO = "object-store";
  /** The server's {@code --s3-request-timeout}: short, so the stall outlasts it quickly. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(8);
  /** The server's {@code --s3-read-timeout}. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
  /** Process scheduling on a loaded two-core machine, the SDK's retry back-off, the proxy. */
  static final Duration SLACK = Duration.ofSeconds(4);
  /**
   * The documented bound of a deposit (the server's README): a request to S3 that runs out, then
   * the abort of its multipart upload, also a request.
   */
  static final Duration DEPOSIT_BOUND = REQUEST_TIMEOUT.multipliedBy(2).plus(SLACK);
  /** A fetch whose answer had not started: one request to S3. */
  static final Duration FETCH_BOUND = REQUEST_TIMEOUT.plus(SLACK);
  /** A fetch cut mid-body: one read without a byte. */
  static final Duration MID_FETCH_BOUND = READ_TIMEOUT.plus(SLACK);
  /** Three parts of 8 MiB: a multipart upload; large enough that buffers never hold it all. */
  static final int LARGE = 24 * 1024 * 1024;
  static final int SMALL = 4 * 1024;
  /**
   * The artifact the fetches mid-way read: more than the socket buffers on its way (s3proxy to
   * proxy to server to client) hold, so that a fetch paused after a few MiB cannot get the rest
   * from buffers once s3proxy is gone.
   */
  static final int HUGE = 64 * 1024 * 1024;

  /** The clients' threads: every request its own, so that none waits for another. */
  static final ExecutorService CLIENTS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "object-store-outage-client");
    t.setDaemon(true);
    return t;
  });

  @TempDir static Path dir;
  static S3TestServer s3;
  static TcpProxy proxy;
  static ObjectStoreOutageRig rig;
  static Payload huge;
  static long classStart;
  static long objectStoreStartNanos;
  static long serverStartNanos;

  /** s3proxy, the proxy in front of it, and one server for both scenarios (each start costs seconds). */
  @BeforeAll
  static void start() throws Exception {
    classStart = System.nanoTime();
    s3 = S3TestServer.startPrivate(dir.resolve("s3"));
    String bucket = s3.createBucket();
    proxy = TcpProxy.to(s3.endpoint());
    objectStoreStartNanos = System.nanoTime() - classStart;
    long serverStart = System.nanoTime();
    rig = ObjectStoreOutageRig.start(dir.resolve("data"), s3, bucket, "eden", proxy.endpoint());
    serverStartNanos = System.nanoTime() - serverStart;
    huge = rig.depositExpectingSuccess(bytes(new Random(40), HUGE));
  }

  /** Each scenario starts with the object store up and moving bytes, whatever the other left. */
  @BeforeEach
  void objectStoreUp() throws Exception {
    s3.restart();
    proxy.resume();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (rig != null) {
        try {
          rig.printSamples();
          Campaign.figure(SCENARIO, "wall time " + (System.nanoTime() - classStart) / 1_000_000 + " ms (s3proxy start "
              + objectStoreStartNanos / 1_000_000 + " ms, server start " + serverStartNanos / 1_000_000 + " ms)");
        } finally {
          rig.close();
        }
      }
    } finally {
      if (proxy != null) {
        proxy.close();
      }
      if (s3 != null) {
        s3.close();
      }
    }
  }

  @Test
  void objectStoreKilledMidTransferAndForNewRequestsThenBack() throws Exception {
    Random random = new Random(41);
    int rounds = Campaign.scale(1, 5);
    int newRequests = Campaign.scale(2, 10);
    Tally tally = new Tally();
    Payload small = rig.depositExpectingSuccess(bytes(random, SMALL));
    Payload large = rig.depositExpectingSuccess(bytes(random, LARGE));
    List<Long> recoveries = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      // a large deposit and a large fetch, each paused part-way, when s3proxy is killed
      InFlight inFlight = InFlight.start(rig, bytes(random, LARGE), huge);
      s3.stop();
      long stoppedAt = System.nanoTime();
      inFlight.release();
      tally.midDeposit(inFlight.deposit(), stoppedAt, DEPOSIT_BOUND);
      tally.midFetch(inFlight.fetch(), stoppedAt, HUGE, MID_FETCH_BOUND);

      // new requests while it is down; the server itself keeps answering
      for (int i = 0; i < newRequests; i++) {
        Payload wanted = i % 2 == 0 ? small : large;
        tally.newDeposit(rig.deposit(bytes(random, i % 2 == 0 ? SMALL : LARGE), null), DEPOSIT_BOUND);
        tally.newFetch(rig.fetch(rig.uriOf(wanted), wanted, null), FETCH_BOUND);
        tally.serverAnswers(rig);
      }

      // back on the same port with the same data: recovery without restarting the server
      s3.restart();
      long backAt = System.nanoTime();
      rig.awaitFirstDeposit(bytes(random, SMALL), DEPOSIT_BOUND.multipliedBy(2));
      recoveries.add(System.nanoTime() - backAt);
      assertThat(rig.fetch(rig.uriOf(large), large, null).exact()).isTrue();
    }
    rig.checkEveryRowAndNothingElse(tally, "s3proxy killed");
    tally.print("s3proxy killed", rounds);
    Campaign.figure(SCENARIO, "s3proxy killed: recovery (s3proxy accepting again -> first 201, same server process) "
        + Stats.millis(recoveries));
  }

  @Test
  void silentObjectStoreFailsRequestsWithinTheBoundsAndTheServerStaysHealthy() throws Exception {
    Random random = new Random(42);
    int rounds = Campaign.scale(1, 5);
    int newRequests = Campaign.scale(2, 6);
    Tally tally = new Tally();
    Payload small = rig.depositExpectingSuccess(bytes(random, SMALL));
    Payload large = rig.depositExpectingSuccess(bytes(random, LARGE));
    List<Long> recoveries = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      InFlight inFlight = InFlight.start(rig, bytes(random, LARGE), huge);
      proxy.stall();
      long stalledAt = System.nanoTime();
      inFlight.release();
      // new requests during the stall, all at once, while the server is watched
      List<CompletableFuture<Outcome>> deposits = new ArrayList<>();
      List<CompletableFuture<Outcome>> fetches = new ArrayList<>();
      for (int i = 0; i < newRequests; i++) {
        Payload payload = bytes(random, i % 2 == 0 ? SMALL : LARGE);
        Payload wanted = i % 2 == 0 ? small : large;
        deposits.add(CompletableFuture.supplyAsync(() -> rig.deposit(payload, null), CLIENTS));
        fetches.add(CompletableFuture.supplyAsync(() -> rig.fetch(rig.uriOf(wanted), wanted, null), CLIENTS));
      }
      while (!CompletableFuture.allOf(deposits.toArray(CompletableFuture[]::new)).isDone()) {
        tally.serverAnswers(rig);
        Thread.sleep(250);
      }
      tally.midDeposit(inFlight.deposit(), stalledAt, DEPOSIT_BOUND);
      tally.midFetch(inFlight.fetch(), stalledAt, HUGE, MID_FETCH_BOUND);
      for (CompletableFuture<Outcome> d : deposits) {
        tally.newDeposit(d.join(), DEPOSIT_BOUND);
      }
      for (CompletableFuture<Outcome> f : fetches) {
        tally.newFetch(f.join(), FETCH_BOUND);
      }

      proxy.resume();
      long liftedAt = System.nanoTime();
      rig.awaitFirstDeposit(bytes(random, SMALL), DEPOSIT_BOUND.multipliedBy(2));
      recoveries.add(System.nanoTime() - liftedAt);
      assertThat(rig.fetch(rig.uriOf(large), large, null).exact()).isTrue();
      assertThat(rig.fetch(rig.uriOf(small), small, null).exact()).isTrue();
    }
    rig.checkEveryRowAndNothingElse(tally, "s3proxy silent");
    tally.print("s3proxy silent", rounds);
    Campaign.figure(SCENARIO, "s3proxy silent: recovery (bytes move again -> first 201) " + Stats.millis(recoveries));
  }

  /** {@code size} bytes drawn from {@code random}, never held in memory. */
  static Payload bytes(Random random, int size) {
    return new Payload(random.nextLong(), size);
  }

  /** A large deposit and a large fetch started and paused part-way, released together. */
  record InFlight(CompletableFuture<Outcome> depositing, CompletableFuture<Outcome> fetching, CountDownLatch go) {
    static InFlight start(ObjectStoreOutageRig rig, Payload toDeposit, Payload toFetch) throws InterruptedException {
      CountDownLatch paused = new CountDownLatch(2);
      CountDownLatch go = new CountDownLatch(1);
      Pause depositPause = new Pause(toDeposit.size() / 2, paused, go);
      Pause fetchPause = new Pause(2 * 1024 * 1024, paused, go);
      String uri = rig.uriOf(toFetch);
      CompletableFuture<Outcome> depositing = CompletableFuture.supplyAsync(() -> rig.deposit(toDeposit, depositPause), CLIENTS);
      CompletableFuture<Outcome> fetching = CompletableFuture.supplyAsync(() -> rig.fetch(uri, toFetch, fetchPause), CLIENTS);
      if (!paused.await(60, TimeUnit.SECONDS)) {
        throw new AssertionError("the deposit and the fetch did not reach their pause");
      }
      return new InFlight(depositing, fetching, go);
    }

    void release() {
      go.countDown();
    }

    Outcome deposit() {
      return depositing.join();
    }

    Outcome fetch() {
      return fetching.join();
    }
  }

  /** Where a transfer stops until {@code go}: after {@code at} bytes, once it told {@code paused}. */
  record Pause(long at, CountDownLatch paused, CountDownLatch go) {
    void reached() {
      paused.countDown();
      try {
        go.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Figures of one scenario and their checks. */
  static final class Tally {
    final List<Long> depositFailures = new ArrayList<>();
    final List<Long> fetchFailures = new ArrayList<>();
    final List<Long> midDepositFailures = new ArrayList<>();
    final List<Long> midFetchFailures = new ArrayList<>();
    final List<Long> healthz = new ArrayList<>();
    final List<Long> metadata = new ArrayList<>();
    int depositsAnswered500;
    int depositsCut;
    int fetchesAnswered500;
    int fetchesCut;
    long midFetchBytesExact;

    void midDeposit(Outcome o, long storeGoneAt, Duration bound) {
      assertThat(o.status()).as("a deposit mid-way when the store went: %s", o).isNotEqualTo(201);
      long sinceGone = o.endedAt() - storeGoneAt;
      assertThat(Duration.ofNanos(sinceGone)).as("time to fail a deposit mid-way: %s", o).isLessThanOrEqualTo(bound);
      midDepositFailures.add(sinceGone);
      countDepositFailure(o);
    }

    void newDeposit(Outcome o, Duration bound) {
      assertThat(o.status()).as("a deposit while the store is gone: %s", o).isNotEqualTo(201);
      assertThat(o.took()).as("time to fail a deposit: %s", o).isLessThanOrEqualTo(bound);
      depositFailures.add(o.took().toNanos());
      countDepositFailure(o);
    }

    private void countDepositFailure(Outcome o) {
      if (o.status() == -1) {
        depositsCut++; // the server answered while the client still sent; its access line says 500
      } else {
        assertThat(o.status()).as("%s", o).isEqualTo(500);
        assertThat(o.body()).contains("\"type\":\"eden://error/internal\"").containsPattern("incident [0-9a-f-]{36}");
        depositsAnswered500++;
      }
    }

    void midFetch(Outcome o, long storeGoneAt, int length, Duration bound) {
      assertThat(o.wrongBytes()).as("wrong bytes in %s", o).isFalse();
      assertThat(o.exact()).as("a fetch mid-way must be cut: %s", o).isFalse();
      assertThat(o.status()).isIn(200, -1);
      assertThat(o.bytesRead()).isLessThan(length);
      long sinceGone = o.endedAt() - storeGoneAt;
      assertThat(Duration.ofNanos(sinceGone)).as("time to cut a fetch mid-way: %s", o).isLessThanOrEqualTo(bound);
      midFetchFailures.add(sinceGone);
      midFetchBytesExact += o.bytesRead();
      fetchesCut++;
    }

    void newFetch(Outcome o, Duration bound) {
      assertThat(o.wrongBytes()).as("wrong bytes in %s", o).isFalse();
      assertThat(o.exact()).as("a fetch while the store is gone: %s", o).isFalse();
      assertThat(o.took()).as("time to fail a fetch: %s", o).isLessThanOrEqualTo(bound);
      fetchFailures.add(o.took().toNanos());
      if (o.status() == 500) {
        assertThat(o.body()).contains("\"type\":\"eden://error/internal\"").containsPattern("incident [0-9a-f-]{36}");
        fetchesAnswered500++;
      } else {
        assertThat(o.status()).as("%s", o).isIn(200, -1);
        fetchesCut++;
      }
    }

    /** {@code /healthz} and a metadata-only request answer at once while the store is gone. */
    void serverAnswers(ObjectStoreOutageRig rig) {
      long start = System.nanoTime();
      assertThat(rig.healthz()).isEqualTo(200);
      healthz.add(System.nanoTime() - start);
      start = System.nanoTime();
      assertThat(rig.summaryCount()).isEqualTo(rig.acknowledgedCount());
      metadata.add(System.nanoTime() - start);
    }

    void print(String what, int rounds) {
      Campaign.figure(SCENARIO, what + ": " + rounds + " round(s); deposits mid-way failed "
          + midDepositFailures.size() + " (time to fail after the store went " + Stats.millis(midDepositFailures)
          + "); fetches mid-way cut " + midFetchFailures.size() + " (" + Stats.millis(midFetchFailures)
          + ", " + midFetchBytesExact + " bytes delivered before the cut, all exact)");
      Campaign.figure(SCENARIO, what + ": new deposits failed " + depositFailures.size() + " of "
          + depositFailures.size() + " (" + Stats.millis(depositFailures) + "); new fetches failed "
          + fetchFailures.size() + " of " + fetchFailures.size() + " (" + Stats.millis(fetchFailures)
          + "); deposit failures answered 500+incident " + depositsAnswered500 + ", cut while sending "
          + depositsCut + "; fetch failures answered 500+incident " + fetchesAnswered500 + ", cut " + fetchesCut);
      Campaign.figure(SCENARIO, what + ": while the store was gone /healthz " + Stats.millis(healthz)
          + ", metadata-only summary " + Stats.millis(metadata) + "; bounds: deposit " + DEPOSIT_BOUND.toSeconds()
          + " s, fetch " + FETCH_BOUND.toSeconds() + " s, fetch mid-body " + MID_FETCH_BOUND.toSeconds() + " s");
    }
  }

  /** p50 and max of durations in nanoseconds, in milliseconds. */
  static final class Stats {
    static String millis(List<Long> nanos) {
      if (nanos.isEmpty()) {
        return "none";
      }
      List<Long> sorted = nanos.stream().sorted().toList();
      return "p50 " + sorted.get((sorted.size() - 1) / 2) / 1_000_000 + " ms, max "
          + sorted.get(sorted.size() - 1) / 1_000_000 + " ms (n=" + sorted.size() + ")";
    }
  }

  static Map<String, String> awsCredentials() {
    return Map.of("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_ACCESS_KEY);
  }
}
