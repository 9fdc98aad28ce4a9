package dev.eden.artifacts.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.PageRequest;
import dev.eden.artifacts.spi.PendingBlob;
import dev.eden.artifacts.spi.PendingLeftover;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import dev.eden.artifacts.testkit.FaultyArtifactBackend;
import dev.eden.artifacts.testkit.FaultyArtifactStore;
import dev.eden.artifacts.testkit.MetadataSamples;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.time.Clock;
import dev.eden.artifacts.maintenance.GcReport;
import dev.eden.artifacts.maintenance.GcReport.Reclaimed;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Micrometer binding apart from HTTP: storage failures counted by call, maintenance runs, and
 * the Prometheus names the README promises (the exchange counters on a running server are in {@code
 * MetricsOnTheServerTest}).
 */
class ArtifactMetricsTest {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ArtifactMetrics metrics = new ArtifactMetrics(registry,
      Clock.fixed(Instant.parse("2025-06-01T10:00:00Z"), ZoneOffset.UTC));
  @TempDir Path dir;

  private double blobErrors(String call) {
    return registry.get("eden.artifacts.blob.store.errors").tag("operation", call).counter().count();
  }

  private double storeErrors(String call) {
    return registry.get("eden.artifacts.metadata.store.errors").tag("operation", call).counter().count();
  }

  /** A default method left to its default in a decorator would answer instead of the delegate. */
  @Test
  void theDecoratorsForwardEveryMethodOfTheSpi() {
    assertThat(undeclared(ArtifactBackend.class, MeteredArtifactBackend.class)).isEmpty();
    assertThat(undeclared(PendingBlob.class, MeteredArtifactBackend.class.getDeclaredClasses()[0])).isEmpty();
    assertThat(undeclared(ArtifactStore.class, MeteredArtifactStore.class)).isEmpty();
  }

  private static List<String> undeclared(Class<?> spi, Class<?> implementation) {
    List<String> missing = new ArrayList<>();
    for (Method method : spi.getMethods()) {
      if (Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      try {
        implementation.getDeclaredMethod(method.getName(), method.getParameterTypes());
      } catch (NoSuchMethodException e) {
        missing.add(method.toString());
      }
    }
    return missing;
  }

  @Test
  void blobStoreFailuresAreCountedByCall() throws Exception {
    FaultyArtifactBackend faulty = new FaultyArtifactBackend(new FileArtifactBackend(dir));
    ArtifactBackend backend = metrics.instrument(faulty);
    for (String call : MeteredArtifactBackend.CALLS) {
      assertThat(blobErrors(call)).as("registered at once: %s", call).isZero();
    }
    ArtifactId stored = ArtifactId.mint();
    try (PendingBlob blob = backend.begin(stored)) {
      blob.output().write(new byte[] {1, 2, 3});
      blob.commit();
    }

    faulty.failOn(FaultyArtifactBackend.Operation.BEGIN);
    assertThatThrownBy(() -> backend.begin(ArtifactId.mint())).isInstanceOf(IOException.class);
    faulty.heal().failOn(FaultyArtifactBackend.Operation.WRITE);
    try (PendingBlob blob = backend.begin(ArtifactId.mint())) {
      assertThatThrownBy(() -> blob.output().write(new byte[] {1})).isInstanceOf(IOException.class);
    }
    faulty.heal().failOn(FaultyArtifactBackend.Operation.COMMIT);
    try (PendingBlob blob = backend.begin(ArtifactId.mint())) {
      assertThatThrownBy(blob::commit).isInstanceOf(IOException.class);
    }
    faulty.heal().failOn(FaultyArtifactBackend.Operation.ABORT);
    PendingBlob aborted = backend.begin(ArtifactId.mint());
    assertThatThrownBy(aborted::abort).isInstanceOf(IOException.class);
    faulty.heal().failOn(FaultyArtifactBackend.Operation.OPEN);
    assertThatThrownBy(() -> backend.open(stored, 0)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> backend.open(stored, 0, 2)).isInstanceOf(IOException.class);
    faulty.heal().failOn(FaultyArtifactBackend.Operation.READ);
    try (InputStream in = backend.open(stored, 0).orElseThrow()) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
    }
    faulty.heal().failOn(FaultyArtifactBackend.Operation.DELETE);
    assertThatThrownBy(() -> backend.delete(stored)).isInstanceOf(IOException.class);
    faulty.heal().failOn(FaultyArtifactBackend.Operation.IDS, FaultyArtifactBackend.Operation.BLOBS);
    assertThatThrownBy(backend::ids).isInstanceOf(IOException.class);
    assertThatThrownBy(backend::blobs).isInstanceOf(IOException.class);
    faulty.heal().failOn(FaultyArtifactBackend.Operation.SWEEP);
    assertThatThrownBy(() -> backend.sweepStalePending(Duration.ZERO)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> backend.stalePending(Duration.ZERO)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> backend.removeStalePending(new PendingLeftover("tmp", 1, Instant.EPOCH)))
        .isInstanceOf(IOException.class);
    faulty.heal();

    assertThat(blobErrors("begin")).isEqualTo(1);
    assertThat(blobErrors("write")).isEqualTo(1);
    assertThat(blobErrors("commit")).isEqualTo(1);
    assertThat(blobErrors("abort")).isEqualTo(1);
    assertThat(blobErrors("open")).isEqualTo(2);
    assertThat(blobErrors("read")).isEqualTo(1);
    assertThat(blobErrors("delete")).isEqualTo(1);
    assertThat(blobErrors("list")).isEqualTo(2);
    assertThat(blobErrors("sweep")).isEqualTo(3);
    // and what works counts nothing
    try (InputStream in = backend.open(stored, 0).orElseThrow()) {
      assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
    }
    assertThat(backend.delete(stored)).isTrue();
    assertThat(registry.get("eden.artifacts.blob.store.errors").counters().stream()
        .mapToDouble(c -> c.count()).sum()).isEqualTo(13);
  }

  /**
   * A file backend's channel stays its {@link FileChannel}, which the server sends without reading
   * (so nothing can count its reads); any other channel counts its failed opens and reads.
   */
  @Test
  void channelFailuresAreCountedAndAFilesChannelStaysOne() throws Exception {
    ArtifactId stored = ArtifactId.mint();
    FileArtifactBackend files = new FileArtifactBackend(dir);
    try (PendingBlob blob = files.begin(stored)) {
      blob.output().write(new byte[] {1, 2, 3});
      blob.commit();
    }
    try (ReadableByteChannel channel = metrics.instrument(files).openChannel(stored, 1, 2).orElseThrow()) {
      assertThat(channel).isInstanceOf(FileChannel.class);
    }
    FaultyArtifactBackend faulty = new FaultyArtifactBackend(files);
    ArtifactBackend backend = metrics.instrument(faulty);
    faulty.failOn(FaultyArtifactBackend.Operation.OPEN);
    assertThatThrownBy(() -> backend.openChannel(stored, 0, 3)).isInstanceOf(IOException.class);
    faulty.heal().failOn(FaultyArtifactBackend.Operation.READ);
    try (ReadableByteChannel channel = backend.openChannel(stored, 0, 3).orElseThrow()) {
      assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(3))).isInstanceOf(IOException.class);
    }
    faulty.heal();
    assertThat(blobErrors("open")).isEqualTo(1);
    assertThat(blobErrors("read")).isEqualTo(1);
  }

  @Test
  void aCapabilityTheBackendLacksIsNoStorageFailure() {
    ArtifactBackend backend = metrics.instrument(new dev.eden.artifacts.backend.InMemoryArtifactBackend());
    if (!backend.capabilities().contains(ArtifactBackend.Capability.BLOB_LISTING)) {
      assertThatThrownBy(backend::blobs).isInstanceOf(UnsupportedOperationException.class);
      assertThat(blobErrors("list")).isZero();
    }
    if (!backend.capabilities().contains(ArtifactBackend.Capability.STALE_PENDING_SWEEP)) {
      assertThatThrownBy(() -> backend.sweepStalePending(Duration.ZERO)).isInstanceOf(UnsupportedOperationException.class);
      assertThat(blobErrors("sweep")).isZero();
    }
  }

  @Test
  void metadataStoreFailuresAreCountedByCall() {
    FaultyArtifactStore faulty = new FaultyArtifactStore(new InMemoryArtifactStore())
        .failOn(FaultyArtifactStore.Operation.values());
    ArtifactStore store = metrics.instrument(faulty);
    ExperimentId experiment = ExperimentId.mint();
    ArtifactId id = ArtifactId.mint();
    assertThatThrownBy(() -> store.create(MetadataSamples.row(experiment))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.find(experiment, id)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.contains(id)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.existing(List.of(id))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.idsCreatedBefore(experiment, Instant.now(), 10)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.delete(id)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.page(experiment, PageRequest.first(10))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.summarize(experiment)).isInstanceOf(IOException.class);
    for (String call : MeteredArtifactStore.CALLS) {
      assertThat(storeErrors(call)).as(call).isEqualTo(1);
    }
  }

  @Test
  void maintenanceRunsAreRecorded() {
    metrics.gcRunSucceeded(new GcReport(false, Duration.ofHours(24), new Reclaimed(3, 3000, Optional.empty()),
        new Reclaimed(1, 10, Optional.empty()), Reclaimed.notChecked("no reference checker configured")),
        Duration.ofSeconds(2));
    metrics.gcRunSucceeded(new GcReport(true, Duration.ofHours(24), new Reclaimed(7, 7, Optional.empty()),
        new Reclaimed(7, 7, Optional.empty()), new Reclaimed(7, 7, Optional.empty())), Duration.ofSeconds(1));
    metrics.gcRunFailed(Duration.ofSeconds(1));
    assertThat(registry.get("eden.artifacts.gc.reclaimed").tag("class", "orphan-blobs").counter().count()).isEqualTo(3);
    assertThat(registry.get("eden.artifacts.gc.reclaimed.bytes").tag("class", "orphan-blobs").counter().count()).isEqualTo(3000);
    assertThat(registry.get("eden.artifacts.gc.reclaimed").tag("class", "stale-pending").counter().count()).isEqualTo(1);
    assertThat(registry.find("eden.artifacts.gc.reclaimed").tag("class", "unreferenced-artifacts").counter())
        .as("a class not checked counts nothing").isNull();
    assertThat(registry.get("eden.artifacts.gc.runs").tag("outcome", "ok").timer().count()).isEqualTo(2);
    assertThat(registry.get("eden.artifacts.gc.runs").tag("outcome", "failed").timer().count()).isEqualTo(1);
    assertThat(registry.get("eden.artifacts.gc.last.success.timestamp").timeGauge().value(java.util.concurrent.TimeUnit.SECONDS))
        .isEqualTo(Instant.parse("2025-06-01T10:00:00Z").getEpochSecond());

    metrics.scrubChecked(10, 1_000_000);
    metrics.scrubDamaged("digest-mismatch");
    metrics.scrubDamaged("missing");
    metrics.scrubRunFinished(Duration.ofSeconds(5), 2, true);
    assertThat(registry.get("eden.artifacts.scrub.checked").counter().count()).isEqualTo(10);
    assertThat(registry.get("eden.artifacts.scrub.checked.bytes").counter().count()).isEqualTo(1_000_000);
    assertThat(registry.get("eden.artifacts.scrub.damaged").tag("kind", "missing").counter().count()).isEqualTo(1);
    assertThat(registry.get("eden.artifacts.scrub.runs").tag("outcome", "damaged").timer().count()).isEqualTo(1);
    assertThat(registry.get("eden.artifacts.scrub.last.damaged").gauge().value()).isEqualTo(2);
    metrics.scrubRunFinished(Duration.ofSeconds(5), 0, true);
    assertThat(registry.get("eden.artifacts.scrub.last.damaged").gauge().value()).isZero();
    assertThat(registry.get("eden.artifacts.scrub.runs").tag("outcome", "clean").timer().count()).isEqualTo(1);
  }

  /** The names in the README's table and in ArtifactMetrics' javadoc, as Prometheus shows them. */
  @Test
  void prometheusShowsTheDocumentedNames() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ArtifactMetrics onPrometheus = new ArtifactMetrics(prometheus);
    onPrometheus.instrument(new InMemoryArtifactStore());
    onPrometheus.instrument(new FileArtifactBackend(dir));
    onPrometheus.exchangeStarted(dev.eden.artifacts.server.ExchangeEvent.Operation.DEPOSIT);
    onPrometheus.gcRunSucceeded(new GcReport(false, Duration.ofHours(24), new Reclaimed(1, 1, Optional.empty()),
        new Reclaimed(0, 0, Optional.empty()), new Reclaimed(0, 0, Optional.empty())), Duration.ofSeconds(1));
    onPrometheus.scrubChecked(1, 1);
    onPrometheus.scrubDamaged("missing");
    onPrometheus.scrubRunFinished(Duration.ofSeconds(1), 1, true);
    String scrape = prometheus.scrape();
    Set<String> families = new TreeSet<>();
    Matcher type = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$").matcher(scrape);
    while (type.find()) {
      families.add(type.group(1) + " " + type.group(2));
    }
    assertThat(families).containsExactlyInAnyOrder(
        "eden_artifacts_deposits_total counter",
        "eden_artifacts_fetches_total counter",
        "eden_artifacts_deposits_in_flight gauge",
        "eden_artifacts_payload_too_large_total counter",
        "eden_artifacts_digest_mismatches_total counter",
        "eden_artifacts_authentication_failures_total counter",
        "eden_artifacts_blob_store_errors_total counter",
        "eden_artifacts_metadata_store_errors_total counter",
        "eden_artifacts_gc_runs_seconds summary",
        "eden_artifacts_gc_runs_seconds_max gauge",
        "eden_artifacts_gc_reclaimed_total counter",
        "eden_artifacts_gc_reclaimed_bytes_total counter",
        "eden_artifacts_gc_last_success_timestamp_seconds gauge",
        "eden_artifacts_scrub_runs_seconds summary",
        "eden_artifacts_scrub_runs_seconds_max gauge",
        "eden_artifacts_scrub_checked_total counter",
        "eden_artifacts_scrub_checked_bytes_total counter",
        "eden_artifacts_scrub_damaged_total counter",
        "eden_artifacts_scrub_last_damaged gauge",
        "eden_artifacts_scrub_last_success_timestamp_seconds gauge");
    assertThat(scrape).contains("eden_artifacts_deposits_total{outcome=\"ok\"} 0.0")
        .contains("eden_artifacts_deposits_total{outcome=\"payload-too-large\"} 0.0")
        .contains("eden_artifacts_fetches_total{outcome=\"forbidden\"} 0.0")
        .contains("eden_artifacts_deposits_in_flight 1.0")
        .contains("eden_artifacts_blob_store_errors_total{operation=\"commit\"} 0.0")
        .contains("eden_artifacts_metadata_store_errors_total{operation=\"create\"} 0.0");
  }
}
