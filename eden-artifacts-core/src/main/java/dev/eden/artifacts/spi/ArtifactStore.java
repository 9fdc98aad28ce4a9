package dev.eden.artifacts.spi;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Metadata rows, one per committed artifact. Ids are globally unique (they are 128 random bits),
 * but a row is only ever visible through the experiment it was created in. Implementations must be
 * thread-safe. Every method throws {@link IOException} for storage failures (a database that is
 * down is never "not found"), and {@link NullPointerException} for a {@code null} argument.
 *
 * <p><b>Evolution.</b> This interface grows by default methods, so an implementation written
 * against an earlier release keeps compiling and working:
 *
 * <ul>
 *   <li>required (abstract): {@link #create}, {@link #find}, {@link #contains}, {@link
 *       #idsCreatedBefore}, {@link #delete};
 *   <li>{@link #page} and {@link #summarize} work for free on top of {@code idsCreatedBefore} and
 *       {@code find}, with the same results as a native implementation but reading every row of
 *       the experiment for each call; a store that can ask its storage for one page (an index on
 *       {@code (experiment, created_at, id)}) or for totals (a {@code GROUP BY}) should override
 *       them;
 *   <li>{@link #existing} works for free on top of {@code contains}, one call per id.
 * </ul>
 */
public interface ArtifactStore {
  /**
   * The cutoff the default {@link #page} passes to {@link #idsCreatedBefore} for "no cutoff": far
   * in the future yet representable as epoch milliseconds, a {@code java.sql.Timestamp} or a SQL
   * timestamp, so a store written against 0.1 that converts it does not fail.
   */
  Instant NO_CUTOFF = Instant.parse("9999-12-31T23:59:59.999Z");


  /**
   * Records a new row.
   *
   * @throws ArtifactAlreadyExistsException if a row with the same id exists (in any experiment);
   *     the existing row is untouched
   * @throws RowNotWrittenException if the store knows that nothing was recorded (it gave up waiting
   *     for a lock, a connection or the database, or failed before committing); a caller has no row
   *     to undo. Any other {@code IOException} leaves open whether the row was written.
   */
  void create(ArtifactMetadata metadata) throws IOException;

  /** The row for {@code id} in {@code experimentId}; empty if absent or created in another experiment. */
  Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id) throws IOException;

  /** Whether a row exists for {@code id} in any experiment; the orphan sweep keeps such blobs. */
  boolean contains(ArtifactId id) throws IOException;

  /**
   * Which of {@code ids} have a row, in any experiment: {@link #contains} for many ids at once, for
   * garbage collection. The default asks {@code contains} for each; a store that can answer in one
   * round trip ({@code WHERE id IN (…)}) should override it.
   *
   * @param ids at most {@link PageRequest#MAX_LIMIT} ids
   * @return the ids among {@code ids} that have a row; a new, modifiable set
   * @throws IllegalArgumentException if {@code ids} holds more than {@link PageRequest#MAX_LIMIT}
   */
  default Set<ArtifactId> existing(Collection<ArtifactId> ids) throws IOException {
    requireNonNull(ids, "ids");
    if (ids.size() > PageRequest.MAX_LIMIT) {
      throw new IllegalArgumentException("at most " + PageRequest.MAX_LIMIT + " ids at once: " + ids.size());
    }
    Set<ArtifactId> existing = new HashSet<>();
    for (ArtifactId id : ids) {
      if (contains(id)) {
        existing.add(id);
      }
    }
    return existing;
  }

  /**
   * Up to {@code limit} ids of {@code experimentId} created strictly before {@code cutoff}, oldest
   * first; for retention and garbage collection. The order of rows created in the same
   * millisecond is unspecified.
   *
   * @throws IllegalArgumentException if {@code limit} is negative
   */
  List<ArtifactId> idsCreatedBefore(ExperimentId experimentId, Instant cutoff, int limit)
      throws IOException;

  /** Deletes the row for {@code id}; returns whether there was one. */
  boolean delete(ArtifactId id) throws IOException;

  /**
   * One page of {@code experimentId}'s rows in {@linkplain ArtifactPage#ROW_ORDER listing order} (newest first,
   * then by id descending): the first
   * {@code request.limit()} rows after {@code request.cursor()} (from the newest row when absent),
   * of {@code request.createdBy()} only when present. What an operator listing, garbage collection
   * and the scrub page through.
   *
   * <p>Paging is by position ({@link ArtifactCursor}), never by row count, so following the next
   * cursors visits every row that existed when the first page was read exactly once, in order,
   * however many rows are created or deleted meanwhile; rows created meanwhile with a later {@code
   * createdAt} are not visited. The next cursor is present exactly when more matching rows exist.
   *
   * <p>The default reads every row of the experiment created up to the cursor through {@link
   * #idsCreatedBefore} and {@link #find}; see the evolution note above.
   */
  default ArtifactPage page(ExperimentId experimentId, PageRequest request) throws IOException {
    requireNonNull(experimentId, "experimentId");
    requireNonNull(request, "request");
    Instant until = request.cursor().map(c -> c.createdAt().plusMillis(1)).orElse(NO_CUTOFF);
    List<ArtifactMetadata> rows = new ArrayList<>();
    for (ArtifactId id : idsCreatedBefore(experimentId, until, Integer.MAX_VALUE)) {
      Optional<ArtifactMetadata> row = find(experimentId, id); // empty if deleted meanwhile
      if (row.isPresent() && request.matches(row.get())) {
        rows.add(row.get());
      }
    }
    rows.sort(ArtifactPage.ROW_ORDER);
    return ArtifactPage.of(rows.subList(0, Math.min(rows.size(), request.limit() + 1)), request.limit());
  }

  /**
   * How many rows {@code experimentId} holds and the sum of their sizes, overall and per
   * depositor; for an operator's summary. A snapshot of one moment when the store can take one
   * (one SQL statement); the default adds up {@link #page pages}, so rows created or deleted while
   * it runs may or may not be counted.
   */
  default ArtifactSummary summarize(ExperimentId experimentId) throws IOException {
    requireNonNull(experimentId, "experimentId");
    ArtifactSummary.Builder summary = ArtifactSummary.builder();
    PageRequest request = PageRequest.first(PageRequest.MAX_LIMIT);
    while (true) {
      ArtifactPage page = page(experimentId, request);
      page.artifacts().forEach(summary::add);
      if (page.nextCursor().isEmpty()) {
        return summary.build();
      }
      request = request.withCursor(page.nextCursor().get());
    }
  }
}
