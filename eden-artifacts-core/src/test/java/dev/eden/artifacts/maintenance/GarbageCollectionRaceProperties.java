package dev.eden.artifacts.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ArtifactStorageException;
import dev.eden.artifacts.ArtifactUris;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.FetchedArtifact;
import dev.eden.artifacts.PendingDeposit;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

/**
 * Garbage collection never takes the bytes of a deposit that succeeded, however sweeps and the
 * passing of time interleave with deposits: before a deposit's blob commit, between its blob
 * commit and its row, and after its row. Collections run with the shortest grace allowed, on the
 * same clock as the deposits, and time jumps by up to fifteen minutes at a step, so deposits that take longer than the grace between blob
 * and row occur — and must fail instead of
 * answering.
 */
class GarbageCollectionRaceProperties {
  private static final ExperimentId EXPERIMENT = ExperimentId.mint();
  private static final Principal WORKER = Principal.worker("wkr_" + "1".repeat(26));

  /** Something that happens while deposits are under way. */
  sealed interface Step permits Sweep, DryRun, Advance {}

  record Sweep() implements Step {}

  record DryRun() implements Step {}

  record Advance(Duration by) implements Step {}

  /** One deposit and what happens around it. */
  record Plan(int size, List<Step> beforeBlobCommit, List<Step> betweenBlobAndRow, List<Step> afterRow) {}

  @Property(tries = 400)
  void everyAcknowledgedDepositStaysFetchableAndNothingElseRemains(
      @ForAll @Size(min = 1, max = 8) List<@From("plans") Plan> plans) throws IOException {
    SettableClock clock = new SettableClock(Instant.parse("2026-03-01T00:00:00Z"));
    InMemoryArtifactBackend backend = new InMemoryArtifactBackend(clock);
    StoreWithHooks store = new StoreWithHooks(new InMemoryArtifactStore());
    ArtifactService service = ArtifactService.builder().backend(backend).store(store).clock(clock).build();
    GarbageCollector collector = GarbageCollector.builder().backend(backend).store(store).clock(clock)
        .grace(GarbageCollector.MINIMUM_GRACE)
        .sleeper(nanos -> clock.advance(Duration.ofNanos(nanos))) // time passes for the deposits too
        .build();
    Map<ArtifactId, byte[]> acknowledged = new HashMap<>();

    int n = 0;
    for (Plan plan : plans) {
      byte[] bytes = content(n++, plan.size());
      store.beforeCreate(row -> run(plan.betweenBlobAndRow(), collector, clock));
      store.afterCreate(row -> run(plan.afterRow(), collector, clock));
      try (PendingDeposit deposit = service.beginDeposit(EXPERIMENT, WORKER, "f.bin", null, Long.MAX_VALUE)) {
        deposit.transferFrom(new ByteArrayInputStream(bytes));
        run(plan.beforeBlobCommit(), collector, clock);
        try {
          acknowledged.put(deposit.complete().metadata().id(), bytes);
        } catch (ArtifactStorageException e) {
          // refused: it must leave nothing a fetch could see (checked below)
        }
      }
    }
    store.beforeCreate(row -> {});
    store.afterCreate(row -> {});
    clock.advance(Duration.ofDays(1));
    collector.collect();

    for (Map.Entry<ArtifactId, byte[]> entry : acknowledged.entrySet()) {
      try (FetchedArtifact fetched = service.open(EXPERIMENT, WORKER, ArtifactUris.toUri(entry.getKey()));
          InputStream in = fetched.content()) {
        assertThat(in.readAllBytes()).as("bytes of acknowledged " + entry.getKey()).isEqualTo(entry.getValue());
      }
    }
    try (Stream<ArtifactId> ids = backend.ids()) {
      assertThat(ids.collect(Collectors.toSet())).as("blobs left once every collection is done")
          .isEqualTo(acknowledged.keySet());
    }
    assertThat(Set.copyOf(store.idsCreatedBefore(EXPERIMENT, Instant.MAX, Integer.MAX_VALUE)))
        .as("rows").isEqualTo(acknowledged.keySet());
  }

  @Provide
  Arbitrary<Plan> plans() {
    Arbitrary<List<Step>> steps = step().list().ofMaxSize(4);
    return Combinators.combine(Arbitraries.integers().between(0, 300), steps, steps, steps).as(Plan::new);
  }

  private static Arbitrary<Step> step() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(new Sweep())),
        Tuple.of(1, Arbitraries.just(new DryRun())),
        Tuple.of(4, Arbitraries.longs().between(0, 900).map(s -> new Advance(Duration.ofSeconds(s)))));
  }

  private static void run(List<Step> steps, GarbageCollector collector, SettableClock clock) throws IOException {
    for (Step step : steps) {
      if (step instanceof Sweep) {
        collector.collect();
      } else if (step instanceof DryRun) {
        collector.dryRun();
      } else if (step instanceof Advance advance) {
        clock.advance(advance.by());
      }
    }
  }

  private static byte[] content(int seed, int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (seed * 31 + i);
    }
    return bytes;
  }
}
