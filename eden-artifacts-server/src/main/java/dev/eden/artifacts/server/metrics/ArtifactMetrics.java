package dev.eden.artifacts.server.metrics;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ProblemType;
import dev.eden.artifacts.server.ExchangeEvent;
import dev.eden.artifacts.server.ExchangeListener;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.ArtifactStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import dev.eden.artifacts.maintenance.GcReport;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The artifact endpoints' numbers in a Micrometer {@link MeterRegistry}: an {@link
 * ExchangeListener} for the handlers, decorators that count blob-store and metadata-store failures,
 * and methods the maintenance tasks (orphan collection, scrub) report their runs to. Every meter's
 * name starts with {@value #PREFIX}; in Prometheus' text format (dots become underscores, counters
 * end in {@code _total}, units are appended):
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>Prometheus name</th><th>type</th><th>labels</th><th>what</th></tr>
 *   <tr><td>{@code eden_artifacts_deposits_total}</td><td>counter</td><td>{@code outcome}</td>
 *       <td>finished deposits: {@code ok}, or the problem's short name ({@link ExchangeEvent#outcome()})</td></tr>
 *   <tr><td>{@code eden_artifacts_fetches_total}</td><td>counter</td><td>{@code outcome}</td>
 *       <td>finished fetches ({@code GET} and {@code HEAD}; a 304 or 206 is {@code ok})</td></tr>
 *   <tr><td>{@code eden_artifacts_requests_seconds}</td><td>histogram</td><td>{@code operation},
 *       {@code outcome}</td><td>every exchange's duration, 1 ms to 5 min buckets</td></tr>
 *   <tr><td>{@code eden_artifacts_received_bytes_total}</td><td>counter</td><td>{@code operation}</td>
 *       <td>request body bytes read (an access line's {@code bytes_in})</td></tr>
 *   <tr><td>{@code eden_artifacts_sent_bytes_total}</td><td>counter</td><td>{@code operation}</td>
 *       <td>response body bytes written ({@code bytes_out})</td></tr>
 *   <tr><td>{@code eden_artifacts_artifact_size_bytes}</td><td>histogram</td><td>{@code operation}</td>
 *       <td>sizes of the artifacts deposited and fetched successfully, 1 KiB to 16 GiB buckets</td></tr>
 *   <tr><td>{@code eden_artifacts_deposits_in_flight}</td><td>gauge</td><td></td>
 *       <td>deposits being handled now</td></tr>
 *   <tr><td>{@code eden_artifacts_payload_too_large_total}</td><td>counter</td><td></td>
 *       <td>deposits refused with 413</td></tr>
 *   <tr><td>{@code eden_artifacts_digest_mismatches_total}</td><td>counter</td><td></td>
 *       <td>deposits whose bytes did not match their {@code Content-Digest}</td></tr>
 *   <tr><td>{@code eden_artifacts_authentication_failures_total}</td><td>counter</td><td></td>
 *       <td>401 answers, any endpoint</td></tr>
 *   <tr><td>{@code eden_artifacts_blob_store_errors_total}</td><td>counter</td><td>{@code operation}</td>
 *       <td>failed calls into the {@linkplain #instrument(ArtifactBackend) instrumented} backend</td></tr>
 *   <tr><td>{@code eden_artifacts_metadata_store_errors_total}</td><td>counter</td><td>{@code operation}</td>
 *       <td>failed calls into the {@linkplain #instrument(ArtifactStore) instrumented} store</td></tr>
 *   <tr><td>{@code eden_artifacts_gc_runs_seconds}</td><td>summary</td><td>{@code outcome}</td>
 *       <td>garbage collection runs and their durations ({@link #gcRunSucceeded}, {@link #gcRunFailed})</td></tr>
 *   <tr><td>{@code eden_artifacts_gc_reclaimed_total}, {@code eden_artifacts_gc_reclaimed_bytes_total}</td>
 *       <td>counter</td><td>{@code class}</td><td>what collection removed, by class ({@link #gcRunSucceeded})</td></tr>
 *   <tr><td>{@code eden_artifacts_gc_last_success_timestamp_seconds}</td><td>gauge</td><td></td>
 *       <td>when the last run succeeded, in seconds since the epoch (present after the first)</td></tr>
 *   <tr><td>{@code eden_artifacts_scrub_runs_seconds}</td><td>summary</td><td>{@code outcome}</td>
 *       <td>scrub runs: {@code clean}, {@code damaged} or {@code failed} ({@link #scrubRunFinished})</td></tr>
 *   <tr><td>{@code eden_artifacts_scrub_checked_total}, {@code eden_artifacts_scrub_checked_bytes_total}</td>
 *       <td>counter</td><td></td><td>artifacts and bytes re-hashed ({@link #scrubChecked})</td></tr>
 *   <tr><td>{@code eden_artifacts_scrub_damaged_total}</td><td>counter</td><td>{@code kind}</td>
 *       <td>damaged artifacts found ({@link #scrubDamaged})</td></tr>
 *   <tr><td>{@code eden_artifacts_scrub_last_damaged}, {@code eden_artifacts_scrub_last_success_timestamp_seconds}</td>
 *       <td>gauge</td><td></td><td>damage found by the last finished run, and when it finished</td></tr>
 * </table>
 *
 * <p>The deposit and fetch counters are created at once for {@code ok} and every problem type, so a
 * rate or an alert has a series from the start. Wire it up by adding it to both handlers'
 * builders and serving the registry:
 *
 * <pre>{@code
 * ArtifactMetrics metrics = new ArtifactMetrics(registry);
 * ArtifactService service = ArtifactService.builder()
 *     .backend(metrics.instrument(backend)).store(metrics.instrument(store)).build();
 * ArtifactHandler handler = ArtifactHandler.builder().service(service)...addExchangeListener(metrics).build();
 * }</pre>
 *
 * <p>Only this package (and the runnable server) needs Micrometer on the class path; the handlers
 * know only {@link ExchangeListener}. Thread-safe.
 */
public final class ArtifactMetrics implements ExchangeListener {
  /** What every meter name starts with. */
  public static final String PREFIX = "eden.artifacts";

  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(5)};
  private static final double KIB = 1024;
  private static final double[] SIZE_BUCKETS = {
      KIB, 16 * KIB, 256 * KIB, KIB * KIB, 16 * KIB * KIB, 64 * KIB * KIB, 256 * KIB * KIB,
      KIB * KIB * KIB, 4 * KIB * KIB * KIB, 16 * KIB * KIB * KIB};

  private final MeterRegistry registry;
  private final Clock clock;
  private final Meter.MeterProvider<Counter> deposits;
  private final Meter.MeterProvider<Counter> fetches;
  private final Meter.MeterProvider<Timer> requests;
  private final Meter.MeterProvider<Counter> received;
  private final Meter.MeterProvider<Counter> sent;
  private final Meter.MeterProvider<DistributionSummary> artifactSizes;
  private final AtomicLong depositsInFlight = new AtomicLong();
  private final Counter payloadTooLarge;
  private final Counter digestMismatches;
  private final Counter authenticationFailures;
  private final Meter.MeterProvider<Counter> blobStoreErrors;
  private final Meter.MeterProvider<Counter> metadataStoreErrors;
  private final Meter.MeterProvider<Timer> gcRuns;
  private final Meter.MeterProvider<Counter> gcReclaimed;
  private final Meter.MeterProvider<Counter> gcReclaimedBytes;
  private final AtomicLong gcLastSuccess = new AtomicLong();
  private final Meter.MeterProvider<Timer> scrubRuns;
  private final Counter scrubChecked;
  private final Counter scrubCheckedBytes;
  private final Meter.MeterProvider<Counter> scrubDamaged;
  private final AtomicLong scrubLastDamaged = new AtomicLong();
  private final AtomicLong scrubLastSuccess = new AtomicLong();

  /** Registers the meters in {@code registry}, which is shared, not owned. */
  public ArtifactMetrics(MeterRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  ArtifactMetrics(MeterRegistry registry, Clock clock) {
    this.registry = requireNonNull(registry, "registry");
    this.clock = requireNonNull(clock, "clock");
    deposits = Counter.builder(PREFIX + ".deposits")
        .description("Finished deposits by outcome: ok or the problem's short name").withRegistry(registry);
    fetches = Counter.builder(PREFIX + ".fetches")
        .description("Finished fetches (GET and HEAD) by outcome: ok or the problem's short name").withRegistry(registry);
    requests = Timer.builder(PREFIX + ".requests")
        .description("Duration of every exchange, from routing to the end of the response")
        .serviceLevelObjectives(LATENCY_BUCKETS).withRegistry(registry);
    received = Counter.builder(PREFIX + ".received").baseUnit("bytes")
        .description("Request body bytes read").withRegistry(registry);
    sent = Counter.builder(PREFIX + ".sent").baseUnit("bytes")
        .description("Response body bytes written").withRegistry(registry);
    artifactSizes = DistributionSummary.builder(PREFIX + ".artifact.size").baseUnit("bytes")
        .description("Sizes of the artifacts deposited and fetched successfully")
        .serviceLevelObjectives(SIZE_BUCKETS).withRegistry(registry);
    registry.gauge(PREFIX + ".deposits.in.flight", Tags.empty(), depositsInFlight, AtomicLong::get);
    payloadTooLarge = Counter.builder(PREFIX + ".payload.too.large")
        .description("Deposits refused with 413 payload-too-large").register(registry);
    digestMismatches = Counter.builder(PREFIX + ".digest.mismatches")
        .description("Deposits whose bytes did not match the SHA-256 of their Content-Digest").register(registry);
    authenticationFailures = Counter.builder(PREFIX + ".authentication.failures")
        .description("Answers 401 unauthorized, any endpoint").register(registry);
    blobStoreErrors = Counter.builder(PREFIX + ".blob.store.errors")
        .description("Failed calls into the blob store, by call").withRegistry(registry);
    metadataStoreErrors = Counter.builder(PREFIX + ".metadata.store.errors")
        .description("Failed calls into the metadata store, by call").withRegistry(registry);
    gcRuns = Timer.builder(PREFIX + ".gc.runs")
        .description("Orphan-collection runs by outcome (ok, failed) and their durations").withRegistry(registry);
    gcReclaimed = Counter.builder(PREFIX + ".gc.reclaimed")
        .description("What orphan collection removed, by class").withRegistry(registry);
    gcReclaimedBytes = Counter.builder(PREFIX + ".gc.reclaimed.bytes").baseUnit("bytes")
        .description("Bytes orphan collection removed, by class").withRegistry(registry);
    scrubRuns = Timer.builder(PREFIX + ".scrub.runs")
        .description("Scrub runs by outcome (clean, damaged, failed) and their durations").withRegistry(registry);
    scrubChecked = Counter.builder(PREFIX + ".scrub.checked")
        .description("Artifacts the scrub re-hashed").register(registry);
    scrubCheckedBytes = Counter.builder(PREFIX + ".scrub.checked.bytes").baseUnit("bytes")
        .description("Bytes the scrub re-hashed").register(registry);
    scrubDamaged = Counter.builder(PREFIX + ".scrub.damaged")
        .description("Damaged artifacts the scrub found, by kind").withRegistry(registry);
    for (String outcome : outcomes()) {
      deposits.withTag("outcome", outcome);
      fetches.withTag("outcome", outcome);
    }
  }

  /** {@code ok} and the short name of every problem type. */
  private static Set<String> outcomes() {
    Set<String> outcomes = new TreeSet<>();
    outcomes.add("ok");
    for (ProblemType type : ProblemType.values()) {
      outcomes.add(ExchangeEvent.problemName(type));
    }
    return outcomes;
  }

  /** The registry the meters are in. */
  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public void exchangeStarted(ExchangeEvent.Operation operation) {
    if (operation == ExchangeEvent.Operation.DEPOSIT) {
      depositsInFlight.incrementAndGet();
    }
  }

  @Override
  public void exchangeFinished(ExchangeEvent event) {
    String operation = event.operation().label();
    String outcome = event.outcome();
    requests.withTags("operation", operation, "outcome", outcome)
        .record(event.durationNanos(), TimeUnit.NANOSECONDS);
    received.withTag("operation", operation).increment(event.bytesIn());
    sent.withTag("operation", operation).increment(event.bytesOut());
    boolean ok = outcome.equals("ok");
    switch (event.operation()) {
      case DEPOSIT:
        depositsInFlight.decrementAndGet();
        deposits.withTag("outcome", outcome).increment();
        break;
      case FETCH:
        fetches.withTag("outcome", outcome).increment();
        break;
      default:
        break;
    }
    if (ok && event.artifactBytes() >= 0) {
      artifactSizes.withTag("operation", operation).record(event.artifactBytes());
    }
    if ("payload-too-large".equals(event.problem())) {
      payloadTooLarge.increment();
    }
    if ("unauthorized".equals(event.problem())) {
      authenticationFailures.increment();
    }
    if (event.digestMismatch()) {
      digestMismatches.increment();
    }
  }

  /**
   * {@code backend}, counting each of its failures in {@code eden_artifacts_blob_store_errors_total}
   * by call: {@code begin}, {@code write}, {@code commit}, {@code abort}, {@code open}, {@code read},
   * {@code delete}, {@code list}, {@code sweep}. Everything else is {@code backend}'s, unchanged.
   */
  public ArtifactBackend instrument(ArtifactBackend backend) {
    requireNonNull(backend, "backend");
    MeteredArtifactBackend.CALLS.forEach(call -> blobStoreErrors.withTag("operation", call));
    return new MeteredArtifactBackend(backend,
        new StorageCalls(call -> blobStoreErrors.withTag("operation", call).increment()));
  }

  /**
   * {@code store}, counting each of its failures in {@code eden_artifacts_metadata_store_errors_total}
   * by call: {@code create}, {@code find}, {@code contains}, {@code existing}, {@code list}, {@code delete}, {@code
   * page}, {@code summarize}. Everything else is {@code store}'s, unchanged.
   */
  public ArtifactStore instrument(ArtifactStore store) {
    requireNonNull(store, "store");
    MeteredArtifactStore.CALLS.forEach(call -> metadataStoreErrors.withTag("operation", call));
    return new MeteredArtifactStore(store,
        new StorageCalls(call -> metadataStoreErrors.withTag("operation", call).increment()));
  }

  // Maintenance. A garbage collection (serve --gc-interval) reports each run with gcRunSucceeded or
  // gcRunFailed; a scrub reports scrubChecked as it goes (or once), scrubDamaged per damaged
  // artifact, then scrubRunFinished. Label values come from small fixed sets (the collector's
  // classes, the kinds of damage).

  /**
   * A garbage collection run that ended: what it removed, per class ({@code class} label {@code
   * orphan-blobs}, {@code stale-pending}, {@code unreferenced-artifacts}; a class the run did not
   * check, and a dry run, count nothing), its duration, and now as the last success.
   */
  public void gcRunSucceeded(GcReport report, Duration took) {
    requireNonNull(report, "report");
    requireNonNull(took, "took");
    if (!report.dryRun()) {
      gcReclaimed("orphan-blobs", report.orphanBlobs());
      gcReclaimed("stale-pending", report.stalePending());
      gcReclaimed("unreferenced-artifacts", report.unreferencedArtifacts());
    }
    gcRuns.withTag("outcome", "ok").record(took);
    gcLastSuccess.set(clock.millis());
    registry.more().timeGauge(PREFIX + ".gc.last.success.timestamp", Tags.empty(), gcLastSuccess,
        TimeUnit.MILLISECONDS, AtomicLong::get);
  }

  /** A garbage collection run that failed after {@code took}. */
  public void gcRunFailed(Duration took) {
    requireNonNull(took, "took");
    gcRuns.withTag("outcome", "failed").record(took);
  }

  private void gcReclaimed(String reclaimClass, GcReport.Reclaimed reclaimed) {
    if (reclaimed.notChecked().isEmpty()) {
      gcReclaimed.withTag("class", reclaimClass).increment(reclaimed.count());
      gcReclaimedBytes.withTag("class", reclaimClass).increment(reclaimed.bytes());
    }
  }

  /** The scrub re-hashed {@code artifacts} more artifacts holding {@code bytes} bytes. */
  public void scrubChecked(long artifacts, long bytes) {
    scrubChecked.increment(artifacts);
    scrubCheckedBytes.increment(bytes);
  }

  /**
   * The scrub found one damaged artifact.
   *
   * @param kind a fixed, lower-case name such as {@code missing}, {@code size-mismatch}, {@code
   *     digest-mismatch}: it becomes a label value
   */
  public void scrubDamaged(String kind) {
    scrubDamaged.withTag("kind", requireNonNull(kind, "kind")).increment();
  }

  /**
   * One scrub run ended, having found {@code damaged} damaged artifacts ({@code succeeded} false if
   * it could not finish); a run that finished also sets the last-damage gauge, and the last-success
   * time to now.
   */
  public void scrubRunFinished(Duration took, long damaged, boolean succeeded) {
    requireNonNull(took, "took");
    scrubRuns.withTag("outcome", !succeeded ? "failed" : damaged > 0 ? "damaged" : "clean").record(took);
    if (succeeded) {
      scrubLastDamaged.set(damaged);
      scrubLastSuccess.set(clock.millis());
      registry.gauge(PREFIX + ".scrub.last.damaged", Tags.empty(), scrubLastDamaged, AtomicLong::get);
      registry.more().timeGauge(PREFIX + ".scrub.last.success.timestamp", Tags.empty(), scrubLastSuccess,
          TimeUnit.MILLISECONDS, AtomicLong::get);
    }
  }

  @Override
  public String toString() {
    return "ArtifactMetrics[" + registry.getClass().getSimpleName() + "]";
  }
}
