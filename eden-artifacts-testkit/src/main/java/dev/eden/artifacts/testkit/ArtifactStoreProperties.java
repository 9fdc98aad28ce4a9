package dev.eden.artifacts.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.spi.ArtifactPage;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.PageRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;

/**
 * Randomised checks every {@link ArtifactStore} must pass, run by the jqwik engine. Implement this
 * interface in a test class and supply {@link #newStore()}; it is called inside every try, so
 * each try starts from an empty store.
 *
 * <p>Generated rows stay within what the service can produce: content types of printable ASCII,
 * filenames without control characters, and times from 1970 to 9999 at millisecond precision.
 */
public interface ArtifactStoreProperties {

  /** A fresh, empty store; called at the start of every try. The test class owns clean-up. */
  ArtifactStore newStore() throws Exception;

  @Property(tries = 40)
  default void anyRowRoundTrips(@ForAll("rows") ArtifactMetadata row) throws Exception {
    ArtifactStore store = newStore();
    store.create(row);
    assertThat(store.find(row.experimentId(), row.id())).contains(row);
    assertThat(store.contains(row.id())).isTrue();
  }

  @Property(tries = 30)
  default void rowsAreOnlyVisibleInTheirExperiment(
      @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 2) Integer> experimentOfRow)
      throws Exception {
    ArtifactStore store = newStore();
    List<ExperimentId> experiments = List.of(ExperimentId.mint(), ExperimentId.mint(), ExperimentId.mint());
    List<ArtifactMetadata> rows = new ArrayList<>();
    for (int e : experimentOfRow) {
      ArtifactMetadata row = MetadataSamples.row(experiments.get(e));
      store.create(row);
      rows.add(row);
    }
    for (ArtifactMetadata row : rows) {
      for (ExperimentId experiment : experiments) {
        if (experiment.equals(row.experimentId())) {
          assertThat(store.find(experiment, row.id())).contains(row);
        } else {
          assertThat(store.find(experiment, row.id())).isEmpty();
        }
      }
    }
  }

  @Property(tries = 30)
  default void idsCreatedBeforeIsTheOldestRowsBeforeTheCutoff(
      @ForAll @Size(max = 15) @UniqueElements List<@LongRange(min = 0, max = 1_000) Long> offsetsMillis,
      @ForAll @LongRange(min = 0, max = 1_001) long cutoffMillis,
      @ForAll @IntRange(min = 0, max = 16) int limit) throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    ExperimentId neighbour = ExperimentId.mint();
    Instant base = Instant.parse("2024-01-01T00:00:00Z");
    List<ArtifactMetadata> rows = new ArrayList<>();
    for (long offset : offsetsMillis) {
      ArtifactMetadata row = MetadataSamples.row(experiment, base.plusMillis(offset));
      store.create(row);
      rows.add(row);
      store.create(MetadataSamples.row(neighbour, base.plusMillis(offset)));
    }
    Instant cutoff = base.plusMillis(cutoffMillis);
    List<ArtifactId> expected = rows.stream()
        .filter(r -> r.createdAt().isBefore(cutoff))
        .sorted(Comparator.comparing(ArtifactMetadata::createdAt))
        .limit(limit)
        .map(ArtifactMetadata::id)
        .collect(Collectors.toList());
    assertThat(store.idsCreatedBefore(experiment, cutoff, limit)).containsExactlyElementsOf(expected);
  }

  @Property(tries = 30)
  default void followingNextCursorsListsTheMatchingRowsNewestFirst(
      @ForAll @Size(max = 25) List<@LongRange(min = 0, max = 6) Long> offsetsMillis,
      @ForAll @Size(max = 25) List<@IntRange(min = 0, max = 2) Integer> depositorOfRow,
      @ForAll @IntRange(min = 1, max = 8) int limit,
      @ForAll @IntRange(min = -1, max = 2) int filter) throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    List<Principal> depositors = List.of(Principal.admin(), Principal.worker(Principal.mintWorkerId()),
        Principal.worker(Principal.mintWorkerId()));
    Instant base = Instant.parse("2024-01-01T00:00:00Z");
    List<ArtifactMetadata> rows = new ArrayList<>();
    for (int i = 0; i < offsetsMillis.size(); i++) {
      ArtifactMetadata sample = MetadataSamples.row(experiment, base.plusMillis(offsetsMillis.get(i)));
      Principal by = depositors.get(i < depositorOfRow.size() ? depositorOfRow.get(i) : 0);
      ArtifactMetadata row = new ArtifactMetadata(experiment, sample.id(), by, sample.sizeBytes(),
          sample.contentType(), sample.createdAt(), sample.sha256(), sample.filename());
      store.create(row);
      rows.add(row);
      store.create(MetadataSamples.row(ExperimentId.mint(), row.createdAt())); // a neighbour's row
    }
    PageRequest request = filter < 0 ? PageRequest.first(limit) : PageRequest.first(limit).withCreatedBy(depositors.get(filter));
    List<ArtifactMetadata> expected = rows.stream().filter(request::matches).sorted(ArtifactPage.ROW_ORDER)
        .collect(Collectors.toList());
    List<ArtifactMetadata> listed = new ArrayList<>();
    ArtifactPage page = store.page(experiment, request);
    listed.addAll(page.artifacts());
    while (page.nextCursor().isPresent() && listed.size() <= expected.size()) {
      assertThat(page.artifacts()).hasSize(limit);
      page = store.page(experiment, request.withCursor(page.nextCursor().get()));
      listed.addAll(page.artifacts());
    }
    assertThat(listed).containsExactlyElementsOf(expected);
    assertThat(page.nextCursor()).isEmpty();
  }

  /** Rows with every field varied within what the service records. */
  @Provide
  default Arbitrary<ArtifactMetadata> rows() {
    Arbitrary<Principal> principals = Arbitraries.oneOf(
        Arbitraries.just(Principal.admin()),
        Arbitraries.create(() -> Principal.worker(Principal.mintWorkerId())));
    Arbitrary<String> contentTypes = Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1)
        .ofMaxLength(ArtifactMetadata.MAX_CONTENT_TYPE_LENGTH)
        .map(String::trim).filter(s -> !s.isEmpty());
    Arbitrary<String> filenames = Arbitraries.strings()
        .withCharRange(' ', '~').withCharRange('\u00a0', '\u024f').withCharRange('\u4e00', '\u4e80')
        .ofMinLength(1).ofMaxLength(120)
        .map(s -> s.replace('/', '_').replace('\\', '_').strip())
        .filter(s -> !s.isEmpty() && !s.equals(".") && !s.equals(".."))
        .flatMap(s -> Arbitraries.of("", "\ud83d\udce6").map(s::concat));
    Arbitrary<Instant> times = Arbitraries.longs()
        .between(0, Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli())
        .map(Instant::ofEpochMilli);
    return Builders.withBuilder(() -> new RowDraft())
        .use(principals).in((d, p) -> d.with(x -> x.createdBy = p))
        .use(Arbitraries.longs().between(0, Long.MAX_VALUE)).in((d, s) -> d.with(x -> x.size = s))
        .use(contentTypes).in((d, c) -> d.with(x -> x.contentType = c))
        .use(times).in((d, t) -> d.with(x -> x.createdAt = t))
        .use(Arbitraries.longs()).in((d, seed) -> d.with(x -> x.sha256 = MetadataSamples.sha256Of(seed)))
        .use(filenames).in((d, f) -> d.with(x -> x.filename = f))
        .build(RowDraft::toMetadata);
  }
}
