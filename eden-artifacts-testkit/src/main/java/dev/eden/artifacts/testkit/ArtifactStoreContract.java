package dev.eden.artifacts.testkit;

import static dev.eden.artifacts.testkit.MetadataSamples.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.ArtifactCursor;
import dev.eden.artifacts.spi.ArtifactPage;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.ArtifactSummary;
import dev.eden.artifacts.spi.PageRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link ArtifactStore} must show. Implement this interface in a JUnit 5 test
 * class and supply {@link #newStore()}; every default method below then runs against your store:
 *
 * <pre>{@code
 * class JdbiArtifactStoreTest implements ArtifactStoreContract {
 *   @Override
 *   public ArtifactStore newStore() {
 *     return JdbiArtifactStore.create(freshDatabase());
 *   }
 * }
 * }</pre>
 *
 * <p>Randomised checks live in {@link ArtifactStoreProperties}, which runs on the jqwik engine.
 */
public interface ArtifactStoreContract {

  /**
   * A fresh, empty store. Called once or more per test; every call must return a store that shares
   * no rows with any earlier one. The test class owns cleaning up afterwards.
   */
  ArtifactStore newStore() throws Exception;

  // ---- create and find -----------------------------------------------------------------------

  @Test
  default void createThenFindReturnsEveryField() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    ArtifactMetadata row = new ArtifactMetadata(experiment, ArtifactId.mint(),
        Principal.worker(Principal.mintWorkerId()), 5L * 1024 * 1024 * 1024 + 7,
        "text/plain; charset=utf-8", Instant.parse("2031-07-04T12:34:56.789Z"),
        MetadataSamples.sha256Of(42), "résumé ✓ 📦.txt");
    store.create(row);
    assertThat(store.find(experiment, row.id())).contains(row);
  }

  @Test
  default void adminDepositorAndEmptyArtifactRoundTrip() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    ArtifactMetadata row = new ArtifactMetadata(experiment, ArtifactId.mint(), Principal.admin(), 0,
        "application/octet-stream", Instant.parse("1970-01-01T00:00:00Z"),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "artifact");
    store.create(row);
    ArtifactMetadata found = store.find(experiment, row.id()).orElseThrow();
    assertThat(found).isEqualTo(row);
    assertThat(found.createdBy().isAdmin()).isTrue();
  }

  @Test
  default void longestSanitisedValuesRoundTrip() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    // The bounds ArtifactService records up to: a store must keep both whole.
    String contentType = "application/x-" + "a".repeat(ArtifactMetadata.MAX_CONTENT_TYPE_LENGTH - 14);
    String filename = "\u00e9".repeat(200) + "\ud83d\udce6".repeat(156); // 400 + 624 = 1024 UTF-8 bytes
    ArtifactMetadata row = new ArtifactMetadata(experiment, ArtifactId.mint(),
        Principal.worker(Principal.mintWorkerId()), Long.MAX_VALUE, contentType,
        Instant.parse("9999-12-31T23:59:59.999Z"), MetadataSamples.sha256Of(7), filename);
    store.create(row);
    assertThat(store.find(experiment, row.id())).contains(row);
  }

  @Test
  default void findOfAbsentIdIsEmpty() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    store.create(row(experiment));
    assertThat(store.find(experiment, ArtifactId.mint())).isEmpty();
  }

  @Test
  default void findInAnotherExperimentIsEmpty() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId owner = ExperimentId.mint();
    ArtifactMetadata row = row(owner);
    store.create(row);
    assertThat(store.find(ExperimentId.mint(), row.id())).isEmpty();
    assertThat(store.find(owner, row.id())).contains(row);
  }

  @Test
  default void nullArgumentsAreRejected() throws Exception {
    ArtifactStore store = newStore();
    assertThatThrownBy(() -> store.create(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.find(null, ArtifactId.mint())).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.find(ExperimentId.mint(), null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.contains(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.delete(null)).isInstanceOf(NullPointerException.class);
  }

  // ---- duplicates ----------------------------------------------------------------------------

  @Test
  default void duplicateIdIsRejectedAndFirstRowKept() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    ArtifactMetadata first = row(experiment);
    store.create(first);
    ArtifactMetadata second = new ArtifactMetadata(experiment, first.id(), Principal.admin(), 99,
        "text/html", Instant.parse("2030-01-01T00:00:00Z"), MetadataSamples.sha256Of(1), "other.html");
    assertThatThrownBy(() -> store.create(second))
        .isInstanceOf(ArtifactAlreadyExistsException.class)
        .satisfies(e -> assertThat(((ArtifactAlreadyExistsException) e).id()).isEqualTo(first.id()));
    assertThat(store.find(experiment, first.id())).contains(first);
  }

  @Test
  default void duplicateIdInAnotherExperimentIsRejected() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId owner = ExperimentId.mint();
    ExperimentId other = ExperimentId.mint();
    ArtifactMetadata first = row(owner);
    store.create(first);
    assertThatThrownBy(() -> store.create(row(other, first.id(), MetadataSamples.CREATED_AT)))
        .isInstanceOf(ArtifactAlreadyExistsException.class);
    assertThat(store.find(other, first.id())).isEmpty();
    assertThat(store.find(owner, first.id())).contains(first);
  }

  // ---- createdAt -----------------------------------------------------------------------------

  @Test
  default void createdAtKeepsMillisecondsInUtc() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    String[] instants = {
      "2024-01-01T00:00:00.000Z", "2024-01-01T00:00:00.001Z", "2024-06-30T23:59:59.999Z",
      "1999-12-31T23:59:59.500Z", "2038-01-19T03:14:08.010Z", "2024-03-31T01:30:00.100Z",
    };
    for (String text : instants) {
      Instant createdAt = Instant.parse(text);
      ArtifactMetadata row = row(experiment, createdAt);
      store.create(row);
      ArtifactMetadata found = store.find(experiment, row.id()).orElseThrow();
      assertThat(found.createdAt()).as(text).isEqualTo(createdAt);
      assertThat(found.createdAtText()).isEqualTo(text);
      assertThat(found.createdAt().atOffset(ZoneOffset.UTC).getOffset()).isEqualTo(ZoneOffset.UTC);
    }
  }

  @Test
  default void subMillisecondPrecisionIsTruncatedBeforeItReachesTheStore() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    ArtifactMetadata row = row(experiment, Instant.parse("2024-05-05T05:05:05.123999999Z"));
    store.create(row);
    assertThat(store.find(experiment, row.id()).orElseThrow().createdAtText())
        .isEqualTo("2024-05-05T05:05:05.123Z");
  }

  // ---- contains ------------------------------------------------------------------------------

  @Test
  default void containsSeesRowsOfEveryExperiment() throws Exception {
    ArtifactStore store = newStore();
    ArtifactMetadata a = row(ExperimentId.mint());
    ArtifactMetadata b = row(ExperimentId.mint());
    store.create(a);
    store.create(b);
    assertThat(store.contains(a.id())).isTrue();
    assertThat(store.contains(b.id())).isTrue();
    assertThat(store.contains(ArtifactId.mint())).isFalse();
  }

  @Test
  default void existingNamesTheIdsWithRowsInEveryExperiment() throws Exception {
    ArtifactStore store = newStore();
    ArtifactMetadata a = row(ExperimentId.mint());
    ArtifactMetadata b = row(ExperimentId.mint());
    store.create(a);
    store.create(b);
    ArtifactId unknown = ArtifactId.mint();
    assertThat(store.existing(List.of(a.id(), unknown, b.id()))).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(store.existing(List.of(unknown))).isEmpty();
    assertThat(store.existing(List.of())).isEmpty();
    List<ArtifactId> many = new ArrayList<>();
    for (int i = 0; i < PageRequest.MAX_LIMIT - 1; i++) {
      many.add(ArtifactId.mint());
    }
    many.add(b.id());
    assertThat(store.existing(many)).containsExactly(b.id());
    many.add(ArtifactId.mint());
    assertThatThrownBy(() -> store.existing(many)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- idsCreatedBefore ----------------------------------------------------------------------

  @Test
  default void idsCreatedBeforeListsOldestFirst() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    Instant base = Instant.parse("2024-01-01T00:00:00Z");
    ArtifactMetadata third = row(experiment, base.plusMillis(3));
    ArtifactMetadata first = row(experiment, base.plusMillis(1));
    ArtifactMetadata second = row(experiment, base.plusMillis(2));
    store.create(third);
    store.create(first);
    store.create(second);
    assertThat(store.idsCreatedBefore(experiment, base.plusSeconds(1), 10))
        .containsExactly(first.id(), second.id(), third.id());
  }

  @Test
  default void idsCreatedBeforeExcludesTheCutoffItself() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    Instant cutoff = Instant.parse("2024-01-01T12:00:00.500Z");
    ArtifactMetadata before = row(experiment, cutoff.minusMillis(1));
    ArtifactMetadata at = row(experiment, cutoff);
    ArtifactMetadata after = row(experiment, cutoff.plusMillis(1));
    store.create(at);
    store.create(after);
    store.create(before);
    assertThat(store.idsCreatedBefore(experiment, cutoff, 10)).containsExactly(before.id());
    assertThat(store.idsCreatedBefore(experiment, cutoff.plusMillis(1), 10))
        .containsExactly(before.id(), at.id());
  }

  @Test
  default void idsCreatedBeforeHonoursTheLimit() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    Instant base = Instant.parse("2024-01-01T00:00:00Z");
    List<ArtifactId> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ArtifactMetadata row = row(experiment, base.plusSeconds(i));
      store.create(row);
      ids.add(row.id());
    }
    Instant later = base.plusSeconds(100);
    assertThat(store.idsCreatedBefore(experiment, later, 3)).containsExactlyElementsOf(ids.subList(0, 3));
    assertThat(store.idsCreatedBefore(experiment, later, 7)).containsExactlyElementsOf(ids);
    assertThat(store.idsCreatedBefore(experiment, later, 100)).containsExactlyElementsOf(ids);
    assertThat(store.idsCreatedBefore(experiment, later, 0)).isEmpty();
  }

  @Test
  default void idsCreatedBeforeIsScopedToTheExperiment() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    ExperimentId other = ExperimentId.mint();
    Instant base = Instant.parse("2024-01-01T00:00:00Z");
    ArtifactMetadata mine = row(experiment, base);
    store.create(mine);
    store.create(row(other, base.minusSeconds(10)));
    store.create(row(other, base.plusSeconds(10)));
    assertThat(store.idsCreatedBefore(experiment, base.plusSeconds(60), 10)).containsExactly(mine.id());
    assertThat(store.idsCreatedBefore(ExperimentId.mint(), base.plusSeconds(60), 10)).isEmpty();
  }

  @Test
  default void negativeLimitIsRejected() throws Exception {
    ArtifactStore store = newStore();
    assertThatThrownBy(() -> store.idsCreatedBefore(ExperimentId.mint(), Instant.now(), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  default void idsCreatedBeforeOfAnEmptyStoreIsEmpty() throws Exception {
    assertThat(newStore().idsCreatedBefore(ExperimentId.mint(), Instant.now(), 10)).isEmpty();
  }

  // ---- page ----------------------------------------------------------------------------------

  @Test
  default void pageListsNewestFirstThenByIdDescending() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    Instant base = Instant.parse("2024-01-01T00:00:00Z");
    List<ArtifactMetadata> rows = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      rows.add(row(experiment, base.plusMillis(i % 4))); // three rows in each millisecond
    }
    Collections.shuffle(rows, new Random(1));
    for (ArtifactMetadata row : rows) {
      store.create(row);
    }
    List<ArtifactMetadata> expected = new ArrayList<>(rows);
    expected.sort(ArtifactPage.ROW_ORDER);
    assertThat(expected.get(0).createdAt()).isEqualTo(base.plusMillis(3));
    ArtifactPage page = store.page(experiment, PageRequest.first(100));
    assertThat(page.artifacts()).containsExactlyElementsOf(expected);
    assertThat(page.nextCursor()).isEmpty();
  }

  @Test
  default void pagingVisitsEveryRowOnceInOrderWhateverTheLimit() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    List<ArtifactMetadata> rows = createRows(store, experiment, 10, Principal.admin());
    rows.sort(ArtifactPage.ROW_ORDER);
    for (int limit : new int[] {1, 3, 9, 10, 11, PageRequest.MAX_LIMIT}) {
      List<List<ArtifactMetadata>> pages = pages(store, experiment, PageRequest.first(limit));
      assertThat(pages.stream().flatMap(List::stream).toList()).as("limit %d", limit).containsExactlyElementsOf(rows);
      assertThat(pages).as("limit %d", limit).hasSize(Math.max(1, (rows.size() + limit - 1) / limit));
      assertThat(pages).allSatisfy(page -> assertThat(page).hasSizeLessThanOrEqualTo(limit).isNotEmpty());
    }
  }

  @Test
  default void nextCursorIsPresentExactlyWhenRowsRemain() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    createRows(store, experiment, 4, Principal.admin());
    assertThat(store.page(experiment, PageRequest.first(3)).nextCursor()).isPresent();
    assertThat(store.page(experiment, PageRequest.first(4)).nextCursor()).isEmpty();
    assertThat(store.page(experiment, PageRequest.first(5)).nextCursor()).isEmpty();
    ArtifactPage first = store.page(experiment, PageRequest.first(2));
    ArtifactPage last = store.page(experiment, PageRequest.first(2).withCursor(first.nextCursor().orElseThrow()));
    assertThat(last.artifacts()).hasSize(2);
    assertThat(last.nextCursor()).isEmpty();
  }

  @Test
  default void pageOfAnEmptyExperimentIsEmptyWithoutCursor() throws Exception {
    ArtifactStore store = newStore();
    store.create(row(ExperimentId.mint()));
    ArtifactPage page = store.page(ExperimentId.mint(), PageRequest.first(10));
    assertThat(page.artifacts()).isEmpty();
    assertThat(page.nextCursor()).isEmpty();
  }

  @Test
  default void pageIsScopedToTheExperiment() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    ExperimentId other = ExperimentId.mint();
    List<ArtifactMetadata> mine = createRows(store, experiment, 3, Principal.admin());
    createRows(store, other, 3, Principal.admin());
    mine.sort(ArtifactPage.ROW_ORDER);
    assertThat(pages(store, experiment, PageRequest.first(2)).stream().flatMap(List::stream).toList())
        .containsExactlyElementsOf(mine);
  }

  @Test
  default void pageFiltersByDepositorAcrossPages() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    Principal alice = Principal.worker(Principal.mintWorkerId());
    Principal bob = Principal.worker(Principal.mintWorkerId());
    List<ArtifactMetadata> alices = new ArrayList<>();
    Instant base = Instant.parse("2024-03-01T00:00:00Z");
    for (int i = 0; i < 9; i++) {
      Principal who = i % 3 == 0 ? alice : (i % 3 == 1 ? bob : Principal.admin());
      ArtifactMetadata row = withDepositor(row(experiment, base.plusMillis(i / 2)), who);
      store.create(row);
      if (who.equals(alice)) {
        alices.add(row);
      }
    }
    alices.sort(ArtifactPage.ROW_ORDER);
    List<List<ArtifactMetadata>> pages = pages(store, experiment, PageRequest.first(2).withCreatedBy(alice));
    assertThat(pages.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(alices);
    assertThat(pages).hasSize(2);
    assertThat(store.page(experiment, PageRequest.first(10).withCreatedBy(Principal.worker(Principal.mintWorkerId())))
        .artifacts()).isEmpty();
    assertThat(store.page(experiment, PageRequest.first(10).withCreatedBy(Principal.admin())).artifacts())
        .hasSize(3).allSatisfy(row -> assertThat(row.createdBy().isAdmin()).isTrue());
  }

  @Test
  default void cursorStaysValidWhileRowsAreInsertedAroundIt() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    Instant base = Instant.parse("2024-04-01T00:00:00Z");
    List<ArtifactMetadata> original = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      ArtifactMetadata row = row(experiment, base.plusMillis(i / 3));
      store.create(row);
      original.add(row);
    }
    original.sort(ArtifactPage.ROW_ORDER);
    ArtifactPage first = store.page(experiment, PageRequest.first(4));
    assertThat(first.artifacts()).containsExactlyElementsOf(original.subList(0, 4));
    ArtifactCursor cursor = first.nextCursor().orElseThrow();
    // Newer rows, rows in the cursor's own millisecond on both sides of its id, and older rows.
    List<ArtifactMetadata> inserted = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Instant at = i < 4 ? base.plusSeconds(10 + i) : i < 10 ? cursor.createdAt() : base.minusMillis(i);
      ArtifactMetadata row = row(experiment, at);
      store.create(row);
      inserted.add(row);
    }
    List<ArtifactMetadata> rest = pages(store, experiment, PageRequest.first(3).withCursor(cursor))
        .stream().flatMap(List::stream).toList();
    List<ArtifactMetadata> expected = new ArrayList<>(original.subList(4, original.size()));
    inserted.stream().filter(cursor::precedes).forEach(expected::add);
    expected.sort(ArtifactPage.ROW_ORDER);
    assertThat(rest).containsExactlyElementsOf(expected);
    assertThat(rest).doesNotContainAnyElementsOf(first.artifacts());
  }

  @Test
  default void cursorOfADeletedRowStillContinuesAfterIt() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    List<ArtifactMetadata> rows = createRows(store, experiment, 6, Principal.admin());
    rows.sort(ArtifactPage.ROW_ORDER);
    ArtifactPage first = store.page(experiment, PageRequest.first(3));
    assertThat(store.delete(rows.get(2).id())).isTrue(); // the row the cursor was taken from
    assertThat(store.delete(rows.get(3).id())).isTrue(); // and the next one
    ArtifactPage second = store.page(experiment, PageRequest.first(3).withCursor(first.nextCursor().orElseThrow()));
    assertThat(second.artifacts()).containsExactlyElementsOf(rows.subList(4, 6));
  }

  @Test
  default void cursorTokenContinuesTheListing() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    List<ArtifactMetadata> rows = createRows(store, experiment, 5, Principal.admin());
    rows.sort(ArtifactPage.ROW_ORDER);
    String token = store.page(experiment, PageRequest.first(2)).nextCursor().orElseThrow().token();
    assertThat(store.page(experiment, PageRequest.first(10).withCursor(ArtifactCursor.parse(token))).artifacts())
        .containsExactlyElementsOf(rows.subList(2, 5));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  default void pagesNeverSkipOrRepeatARowWhileOthersAreCreated() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    List<ArtifactMetadata> original = createRows(store, experiment, 60, Principal.admin());
    original.sort(ArtifactPage.ROW_ORDER);
    Instant newest = original.get(0).createdAt();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch started = new CountDownLatch(1);
      Future<Void> writer = pool.submit(() -> {
        // Newer rows and rows in the newest millisecond: they land before or around the cursors.
        for (int i = 0; i < 200; i++) {
          store.create(row(experiment, i % 2 == 0 ? newest : newest.plusMillis(i)));
          started.countDown();
        }
        return null;
      });
      started.await();
      List<ArtifactMetadata> seen = new ArrayList<>();
      ArtifactPage page = store.page(experiment, PageRequest.first(7));
      Instant firstPageAt = page.artifacts().get(0).createdAt();
      seen.addAll(page.artifacts());
      while (page.nextCursor().isPresent()) {
        page = store.page(experiment, PageRequest.first(7).withCursor(page.nextCursor().get()));
        seen.addAll(page.artifacts());
      }
      writer.get(60, TimeUnit.SECONDS);
      assertThat(seen).doesNotHaveDuplicates();
      assertThat(seen).isSortedAccordingTo(ArtifactPage.ROW_ORDER);
      assertThat(seen).containsAll(original);
      assertThat(seen).allSatisfy(row -> assertThat(row.createdAt()).isBeforeOrEqualTo(firstPageAt));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  default void pageRejectsNullArguments() throws Exception {
    ArtifactStore store = newStore();
    assertThatThrownBy(() -> store.page(null, PageRequest.first(1))).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.page(ExperimentId.mint(), null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.summarize(null)).isInstanceOf(NullPointerException.class);
  }

  // ---- summarize -----------------------------------------------------------------------------

  @Test
  default void summarizeCountsRowsAndBytesOverallAndPerDepositor() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    Principal alice = Principal.worker(Principal.mintWorkerId());
    Principal bob = Principal.worker(Principal.mintWorkerId());
    long[] sizes = {0, 1, 1_000, 5L * 1024 * 1024 * 1024, 7};
    Principal[] by = {alice, alice, bob, bob, Principal.admin()};
    for (int i = 0; i < sizes.length; i++) {
      store.create(withSize(withDepositor(row(experiment), by[i]), sizes[i]));
    }
    store.create(withSize(row(ExperimentId.mint()), 999)); // another experiment's row
    ArtifactSummary summary = store.summarize(experiment);
    assertThat(summary.overall()).isEqualTo(new ArtifactSummary.Totals(5, 5L * 1024 * 1024 * 1024 + 1_008));
    assertThat(summary.byDepositor()).containsOnly(
        Map.entry(alice, new ArtifactSummary.Totals(2, 1)),
        Map.entry(bob, new ArtifactSummary.Totals(2, 5L * 1024 * 1024 * 1024 + 1_000)),
        Map.entry(Principal.admin(), new ArtifactSummary.Totals(1, 7)));
  }

  @Test
  default void summaryOfAnEmptyExperimentIsZero() throws Exception {
    ArtifactStore store = newStore();
    store.create(row(ExperimentId.mint()));
    ArtifactSummary summary = store.summarize(ExperimentId.mint());
    assertThat(summary.overall()).isEqualTo(ArtifactSummary.Totals.NONE);
    assertThat(summary.byDepositor()).isEmpty();
  }

  /** Creates {@code count} rows of {@code depositor}, two per millisecond, and returns them. */
  private static List<ArtifactMetadata> createRows(
      ArtifactStore store, ExperimentId experiment, int count, Principal depositor) throws Exception {
    Instant base = Instant.parse("2024-02-01T00:00:00Z");
    List<ArtifactMetadata> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ArtifactMetadata row = withDepositor(row(experiment, base.plusMillis(i / 2)), depositor);
      store.create(row);
      rows.add(row);
    }
    return rows;
  }

  /** Every page of {@code request}'s listing, following the next cursors to the end. */
  private static List<List<ArtifactMetadata>> pages(
      ArtifactStore store, ExperimentId experiment, PageRequest request) throws Exception {
    List<List<ArtifactMetadata>> pages = new ArrayList<>();
    ArtifactPage page = store.page(experiment, request);
    pages.add(page.artifacts());
    while (page.nextCursor().isPresent()) {
      assertThat(pages).as("pages of %s", request).hasSizeLessThan(10_000);
      page = store.page(experiment, request.withCursor(page.nextCursor().get()));
      pages.add(page.artifacts());
    }
    return pages;
  }

  private static ArtifactMetadata withDepositor(ArtifactMetadata m, Principal createdBy) {
    return new ArtifactMetadata(m.experimentId(), m.id(), createdBy, m.sizeBytes(), m.contentType(),
        m.createdAt(), m.sha256(), m.filename());
  }

  private static ArtifactMetadata withSize(ArtifactMetadata m, long sizeBytes) {
    return new ArtifactMetadata(m.experimentId(), m.id(), m.createdBy(), sizeBytes, m.contentType(),
        m.createdAt(), m.sha256(), m.filename());
  }

  // ---- delete --------------------------------------------------------------------------------

  @Test
  default void deleteRemovesTheRowEverywhere() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    ArtifactMetadata gone = row(experiment, Instant.parse("2024-01-01T00:00:00Z"));
    ArtifactMetadata kept = row(experiment, Instant.parse("2024-01-01T00:00:01Z"));
    store.create(gone);
    store.create(kept);
    assertThat(store.delete(gone.id())).isTrue();
    assertThat(store.find(experiment, gone.id())).isEmpty();
    assertThat(store.contains(gone.id())).isFalse();
    assertThat(store.idsCreatedBefore(experiment, Instant.parse("2025-01-01T00:00:00Z"), 10))
        .containsExactly(kept.id());
    assertThat(store.delete(gone.id())).isFalse();
    assertThat(store.find(experiment, kept.id())).contains(kept);
  }

  @Test
  default void deleteOfAbsentIdIsFalse() throws Exception {
    assertThat(newStore().delete(ArtifactId.mint())).isFalse();
  }

  @Test
  default void newStoresShareNothing() throws Exception {
    ArtifactStore first = newStore();
    ArtifactMetadata row = row(ExperimentId.mint());
    first.create(row);
    assertThat(newStore().contains(row.id())).isFalse();
  }

  // ---- concurrency ---------------------------------------------------------------------------

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  default void concurrentCreatesOfDistinctIdsAreAllFound() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    int threads = 8;
    int perThread = 25;
    List<ArtifactMetadata> rows = new ArrayList<>();
    for (int i = 0; i < threads * perThread; i++) {
      rows.add(row(experiment, MetadataSamples.CREATED_AT.plusMillis(i)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Void>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<ArtifactMetadata> mine = rows.subList(t * perThread, (t + 1) * perThread);
        futures.add(pool.submit((Callable<Void>) () -> {
          start.await();
          for (ArtifactMetadata row : mine) {
            store.create(row);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<Void> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (ArtifactMetadata row : rows) {
      assertThat(store.find(experiment, row.id())).contains(row);
    }
    assertThat(store.idsCreatedBefore(experiment, Instant.parse("2100-01-01T00:00:00Z"), rows.size() + 1))
        .containsExactlyElementsOf(rows.stream().map(ArtifactMetadata::id).toList());
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  default void threadsRacingToCreateTheSameIdExactlyOneWins() throws Exception {
    ArtifactStore store = newStore();
    ExperimentId experiment = ExperimentId.mint();
    int threads = 8;
    for (int round = 0; round < 5; round++) {
      ArtifactId id = ArtifactId.mint();
      List<ArtifactMetadata> candidates = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        candidates.add(new ArtifactMetadata(experiment, id, Principal.worker(Principal.mintWorkerId()),
            t, "application/octet-stream", MetadataSamples.CREATED_AT, MetadataSamples.sha256Of(t), "f" + t));
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<Boolean>> outcomes = new ArrayList<>();
      try {
        CountDownLatch start = new CountDownLatch(1);
        for (ArtifactMetadata candidate : candidates) {
          outcomes.add(pool.submit(() -> {
            start.await();
            try {
              store.create(candidate);
              return true;
            } catch (ArtifactAlreadyExistsException e) {
              return false;
            }
          }));
        }
        start.countDown();
        List<ArtifactMetadata> winners = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          if (outcomes.get(t).get(60, TimeUnit.SECONDS)) {
            winners.add(candidates.get(t));
          }
        }
        assertThat(winners).as("round %d winners", round).hasSize(1);
        assertThat(store.find(experiment, id)).contains(winners.get(0));
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
