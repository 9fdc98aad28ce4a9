package dev.eden.artifacts.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ArtifactStorageException;
import dev.eden.artifacts.ArtifactUris;
import dev.eden.artifacts.DepositResult;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.maintenance.GcReport.Reclaimed;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.PendingBlob;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GarbageCollectorTest {
  private static final ExperimentId EXPERIMENT = ExperimentId.mint();
  private static final ExperimentId OTHER_EXPERIMENT = ExperimentId.mint();
  private static final Principal WORKER = Principal.worker("wkr_" + "0".repeat(26));
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void onFilesOldOrphansAndOldTempsGoWhileYoungOnesAndBlobsWithRowsStay() throws IOException {
    Path root = dir.resolve("blobs");
    FileArtifactBackend backend = new FileArtifactBackend(root);
    InMemoryArtifactStore store = new InMemoryArtifactStore();
    ArtifactService service = ArtifactService.builder().backend(backend).store(store).build();
    DepositResult kept = deposit(service, EXPERIMENT, 10);
    backdate(blobFile(root, kept.metadata().id()), Duration.ofDays(3)); // old, but it has a row
    ArtifactId oldOrphan = commit(backend, 1000);
    backdate(blobFile(root, oldOrphan), Duration.ofHours(25));
    ArtifactId youngOrphan = commit(backend, 7);
    Path oldTemp = Files.write(root.resolve(".tmp-" + ArtifactId.mint().value() + "-00000000000000aa"), new byte[300]);
    backdate(oldTemp, Duration.ofHours(25));
    Path youngTemp = Files.write(root.resolve(".tmp-" + ArtifactId.mint().value() + "-00000000000000bb"), new byte[5]);
    GarbageCollector collector = GarbageCollector.builder().backend(backend).store(store)
        .recheckDelay(Duration.ZERO).build();

    GcReport dryRun = collector.dryRun();

    assertThat(dryRun.dryRun()).isTrue();
    assertThat(dryRun.orphanBlobs()).isEqualTo(reclaimed(1, 1000));
    assertThat(dryRun.stalePending()).isEqualTo(reclaimed(1, 300));
    assertThat(dryRun.unreferencedArtifacts().notChecked()).hasValue("no reference checker configured");
    assertThat(dryRun.summary()).isEqualTo("would remove orphan blobs: 1 (1000 bytes), leftovers of crashed"
        + " deposits: 1 (300 bytes), unreferenced artifacts: not checked (no reference checker configured);"
        + " grace PT24H");
    assertThat(blobFile(root, oldOrphan)).exists();
    assertThat(oldTemp).exists();

    GcReport collected = collector.collect();

    assertThat(collected.dryRun()).isFalse();
    assertThat(collected.orphanBlobs()).isEqualTo(reclaimed(1, 1000));
    assertThat(collected.stalePending()).isEqualTo(reclaimed(1, 300));
    assertThat(collected.totalBytes()).isEqualTo(1300);
    assertThat(collected.summary()).startsWith("removed orphan blobs: 1 (1000 bytes)");
    assertThat(blobFile(root, oldOrphan)).doesNotExist();
    assertThat(oldTemp).doesNotExist();
    assertThat(blobFile(root, youngOrphan)).exists();
    assertThat(youngTemp).exists();
    assertThat(read(backend, kept.metadata().id())).hasSize(10);

    GcReport again = collector.collect();
    assertThat(again.orphanBlobs()).isEqualTo(reclaimed(0, 0));
    assertThat(again.stalePending()).isEqualTo(reclaimed(0, 0));
  }

  @Test
  void onFilesATempWhoseWriterIsGoneGoesAtOnceWhileALiveWritersStays() throws IOException {
    Path root = dir.resolve("blobs");
    FileArtifactBackend backend = new FileArtifactBackend(root);
    // A crashed writer's temp file: named as locked, and no process holds its lock any more.
    Path crashed = Files.write(root.resolve(".tmp-" + ArtifactId.mint().value() + "-00000000000000aa.locked"),
        new byte[40]);
    GarbageCollector collector = GarbageCollector.builder().backend(backend).store(new InMemoryArtifactStore())
        .recheckDelay(Duration.ZERO).build();
    ArtifactId inFlight = ArtifactId.mint();
    try (PendingBlob pending = backend.begin(inFlight)) {
      pending.output().write(new byte[9]);

      assertThat(collector.dryRun().stalePending()).isEqualTo(reclaimed(1, 40));
      assertThat(crashed).exists();
      assertThat(collector.collect().stalePending()).as("within the grace of 24 hours").isEqualTo(reclaimed(1, 40));
      assertThat(crashed).doesNotExist();

      pending.commit();
    }
    assertThat(read(backend, inFlight)).hasSize(9);
  }

  @Test
  void mostOldBlobsWithoutARowStopTheRunUnlessAllowed() throws IOException {
    Path root = dir.resolve("blobs");
    FileArtifactBackend backend = new FileArtifactBackend(root);
    InMemoryArtifactStore wrongStore = new InMemoryArtifactStore(); // say, a mistyped --db
    List<Path> blobs = new ArrayList<>();
    for (int i = 0; i < GarbageCollector.ORPHAN_BRAKE_MIN_BLOBS; i++) {
      Path blob = blobFile(root, commit(backend, 10));
      backdate(blob, Duration.ofDays(2));
      blobs.add(blob);
    }
    GarbageCollector.Builder collector =
        GarbageCollector.builder().backend(backend).store(wrongStore).recheckDelay(Duration.ZERO);

    assertThatThrownBy(() -> collector.build().dryRun()).isInstanceOf(IOException.class)
        .hasMessageStartingWith("20 of 20 blobs older than the grace have no metadata row: refusing");
    assertThatThrownBy(() -> collector.build().collect()).isInstanceOf(IOException.class);
    assertThat(blobs).allMatch(Files::exists);

    assertThat(collector.allowManyOrphans().build().collect().orphanBlobs()).isEqualTo(reclaimed(20, 200));
    assertThat(blobs).noneMatch(Files::exists);
  }

  @Test
  void aBlobIsRemovedOnlyIfItStillHasNoRowADeadlineAfterItWasFirstFoundWithout() throws IOException {
    SettableClock clock = new SettableClock(START);
    InMemoryArtifactBackend backend = new InMemoryArtifactBackend(clock);
    InMemoryArtifactStore store = new InMemoryArtifactStore();
    ArtifactId late = commit(backend, 10); // a deposit whose row is about to commit
    ArtifactId orphan = commit(backend, 20);
    clock.advance(Duration.ofDays(2)); // whatever the blobs' dates say
    List<Duration> slept = new ArrayList<>();
    GarbageCollector.Builder collector = GarbageCollector.builder().backend(backend).store(store).clock(clock)
        .sleeper(nanos -> {
          slept.add(Duration.ofNanos(nanos));
          clock.advance(Duration.ofNanos(nanos));
          try {
            store.create(new ArtifactMetadata(EXPERIMENT, late, WORKER, 10, "application/octet-stream",
                clock.instant(), "0".repeat(64), "late.bin"));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });

    assertThat(collector.build().dryRun().orphanBlobs()).as("a dry run counts at the first look-up")
        .isEqualTo(reclaimed(2, 30));
    assertThat(slept).as("and does not wait").isEmpty();

    GcReport report = collector.build().collect();

    assertThat(slept).containsExactly(GarbageCollector.DEPOSIT_ROW_DEADLINE);
    assertThat(report.orphanBlobs()).isEqualTo(reclaimed(1, 20));
    assertThat(read(backend, late)).hasSize(10);
    assertThat(backend.open(orphan, 0)).isEmpty();
  }

  @Test
  void aBackendThatOnlySweepsIsReportedNotCheckedForLeftovers() throws IOException {
    ArtifactBackend sweepOnly = new PlainBackend(new InMemoryArtifactBackend()) {
      @Override
      public java.util.Set<Capability> capabilities() {
        return java.util.Set.of(Capability.STALE_PENDING_SWEEP);
      }

      @Override
      public int sweepStalePending(Duration olderThan) {
        return 0;
      }
    };
    GcReport report = GarbageCollector.builder().backend(sweepOnly).store(new InMemoryArtifactStore()).build().collect();
    assertThat(report.stalePending().notChecked()).hasValue("the blob store cannot list what crashed writers left");
  }

  @Test
  void aTempWhoseWriterMadeProgressSinceItWasListedIsKept() throws IOException {
    Path root = dir.resolve("blobs");
    FileArtifactBackend backend = new FileArtifactBackend(root);
    Path temp = Files.write(root.resolve(".tmp-" + ArtifactId.mint().value() + "-00000000000000aa"), new byte[3]);
    backdate(temp, Duration.ofHours(2));
    var listed = backend.stalePending(Duration.ofHours(1)).toList();
    assertThat(listed).singleElement().satisfies(l -> assertThat(l.sizeBytes()).isEqualTo(3));

    Files.write(temp, new byte[4]); // the writer wrote again: its temp is alive

    assertThat(backend.removeStalePending(listed.get(0))).isFalse();
    assertThat(temp).exists();
  }

  @Test
  void onlyArtifactsOlderThanTheGraceAreOfferedAndOnlyTheUnreferencedOnesGoRowFirst() throws IOException {
    SettableClock clock = new SettableClock(START);
    InMemoryArtifactBackend backend = new InMemoryArtifactBackend(clock);
    InMemoryArtifactStore store = new InMemoryArtifactStore();
    ArtifactService service = ArtifactService.builder().backend(backend).store(store).clock(clock).build();
    DepositResult stillUsed = deposit(service, EXPERIMENT, 11);
    DepositResult released1 = deposit(service, EXPERIMENT, 22);
    clock.advance(Duration.ofMinutes(1));
    DepositResult released2 = deposit(service, EXPERIMENT, 33);
    DepositResult otherExperiment = deposit(service, OTHER_EXPERIMENT, 44);
    clock.advance(Duration.ofDays(2));
    DepositResult young = deposit(service, EXPERIMENT, 55);
    List<List<String>> asked = new ArrayList<>();
    ArtifactReferences references = (experiment, uris) -> {
      assertThat(experiment).isEqualTo(EXPERIMENT);
      asked.add(List.copyOf(uris));
      return Set.of(uri(stillUsed), "eden://artifacts/" + ArtifactId.mint().value()); // extras ignored
    };
    GarbageCollector collector = GarbageCollector.builder().backend(backend).store(store).clock(clock)
        .references(references, List.of(EXPERIMENT)).build();

    GcReport dryRun = collector.dryRun();
    assertThat(dryRun.unreferencedArtifacts()).isEqualTo(reclaimed(2, 55));
    assertThat(asked).singleElement().asList()
        .containsExactlyInAnyOrder(uri(stillUsed), uri(released1), uri(released2));
    assertThat(store.contains(released1.metadata().id())).isTrue();

    GcReport collected = collector.collect();

    assertThat(collected.unreferencedArtifacts()).isEqualTo(reclaimed(2, 55));
    assertThat(collected.orphanBlobs()).as("their blobs went with their rows, not as orphans")
        .isEqualTo(reclaimed(0, 0));
    for (DepositResult gone : List.of(released1, released2)) {
      assertThat(store.contains(gone.metadata().id())).isFalse();
      assertThat(backend.open(gone.metadata().id(), 0)).isEmpty();
    }
    for (DepositResult stays : List.of(stillUsed, otherExperiment, young)) {
      assertThat(read(backend, stays.metadata().id())).hasSize((int) stays.metadata().sizeBytes());
    }
  }

  @Test
  void aReferenceCheckerThatFailsDeletesNoArtifactButOrphansStillGo() throws IOException {
    SettableClock clock = new SettableClock(START);
    InMemoryArtifactBackend backend = new InMemoryArtifactBackend(clock);
    InMemoryArtifactStore store = new InMemoryArtifactStore();
    ArtifactService service = ArtifactService.builder().backend(backend).store(store).clock(clock).build();
    DepositResult artifact = deposit(service, EXPERIMENT, 5);
    ArtifactId orphan = commit(backend, 7);
    clock.advance(Duration.ofDays(2));
    GarbageCollector collector = GarbageCollector.builder().backend(backend).store(store).clock(clock)
        .references((e, uris) -> { throw new IOException("orchestrator unreachable"); }, List.of(EXPERIMENT))
        .recheckDelay(Duration.ZERO)
        .build();

    assertThatThrownBy(collector::collect).isInstanceOf(IOException.class).hasMessage("orchestrator unreachable");
    assertThat(read(backend, artifact.metadata().id())).hasSize(5);
    assertThat(store.contains(artifact.metadata().id())).isTrue();
    assertThat(backend.open(orphan, 0)).as("the storage's own garbage goes first, checker or not").isEmpty();
  }

  @Test
  void aBackendWithoutTheCapabilitiesIsReportedNotChecked() throws IOException {
    ArtifactBackend plain = new PlainBackend(new InMemoryArtifactBackend());
    GcReport report = GarbageCollector.builder().backend(plain).store(new InMemoryArtifactStore()).build().collect();
    assertThat(report.orphanBlobs().notChecked()).hasValue("the blob store cannot list its blobs");
    assertThat(report.stalePending().notChecked()).hasValue("the blob store cannot list what crashed writers left");
  }

  @Test
  void theGraceHasAFloorAndTheBuilderNeedsItsStores() {
    assertThatThrownBy(() -> GarbageCollector.builder().grace(Duration.ofMinutes(10).minusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least PT10M");
    assertThat(GarbageCollector.builder().grace(GarbageCollector.MINIMUM_GRACE)).isNotNull();
    assertThatThrownBy(() -> GarbageCollector.builder().store(new InMemoryArtifactStore()).build())
        .isInstanceOf(IllegalStateException.class).hasMessage("backend is required");
    assertThatThrownBy(() -> GarbageCollector.builder().backend(new InMemoryArtifactBackend()).build())
        .isInstanceOf(IllegalStateException.class).hasMessage("store is required");
    assertThatThrownBy(() -> GarbageCollector.builder().references((e, u) -> Set.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDepositWhoseRowCommitsAMinimumGraceAfterItsBlobFailsAndLeavesNothing() throws IOException {
    SettableClock clock = new SettableClock(START);
    InMemoryArtifactBackend backend = new InMemoryArtifactBackend(clock);
    StoreWithHooks store = new StoreWithHooks(new InMemoryArtifactStore());
    ArtifactService service = ArtifactService.builder().backend(backend).store(store).clock(clock).build();
    store.afterCreate(row -> clock.advance(GarbageCollector.DEPOSIT_ROW_DEADLINE));

    assertThatThrownBy(() -> deposit(service, EXPERIMENT, 9)).isInstanceOf(ArtifactStorageException.class)
        .hasMessage("could not record the artifact in time")
        .cause().hasMessageContaining("not less than PT1M");
    try (Stream<ArtifactId> ids = backend.ids()) {
      assertThat(ids).isEmpty();
    }
    assertThat(store.idsCreatedBefore(EXPERIMENT, Instant.MAX, 10)).isEmpty();

    store.afterCreate(row -> clock.advance(GarbageCollector.DEPOSIT_ROW_DEADLINE.minusMillis(1)));
    DepositResult slowButInTime = deposit(service, EXPERIMENT, 9);
    assertThat(read(backend, slowButInTime.metadata().id())).hasSize(9);
  }

  private static DepositResult deposit(ArtifactService service, ExperimentId experiment, int size) throws IOException {
    return service.deposit(experiment, WORKER, "f.bin", null, new ByteArrayInputStream(new byte[size]));
  }

  private static ArtifactId commit(ArtifactBackend backend, int size) throws IOException {
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob blob = backend.begin(id)) {
      blob.output().write(new byte[size]);
      blob.commit();
    }
    return id;
  }

  private static byte[] read(ArtifactBackend backend, ArtifactId id) throws IOException {
    Optional<InputStream> in = backend.open(id, 0);
    assertThat(in).as("blob " + id).isPresent();
    try (InputStream stream = in.get()) {
      return stream.readAllBytes();
    }
  }

  private static Path blobFile(Path root, ArtifactId id) {
    return root.resolve(id.value().substring(0, 2)).resolve(id.value());
  }

  private static void backdate(Path file, Duration by) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(by)));
  }

  private static String uri(DepositResult result) {
    return ArtifactUris.toUri(result.metadata().id());
  }

  private static Reclaimed reclaimed(long count, long bytes) {
    return new Reclaimed(count, bytes, Optional.empty());
  }

  /** A backend with only the required methods: no listing, no sweep. */
  private static class PlainBackend implements ArtifactBackend {
    private final ArtifactBackend delegate;

    PlainBackend(ArtifactBackend delegate) {
      this.delegate = delegate;
    }

    @Override
    public PendingBlob begin(ArtifactId id) throws IOException {
      return delegate.begin(id);
    }

    @Override
    public Optional<InputStream> open(ArtifactId id, long offset) throws IOException {
      return delegate.open(id, offset);
    }

    @Override
    public boolean delete(ArtifactId id) throws IOException {
      return delegate.delete(id);
    }

    @Override
    public Stream<ArtifactId> ids() throws IOException {
      return delegate.ids();
    }
  }
}
