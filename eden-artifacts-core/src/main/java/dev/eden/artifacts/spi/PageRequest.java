package dev.eden.artifacts.spi;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.Principal;
import java.util.Objects;
import java.util.Optional;

/**
 * Which page of an experiment's rows {@link ArtifactStore#page} returns: at most {@link #limit()}
 * rows after {@link #cursor()} (from the newest when absent), only those deposited by {@link
 * #createdBy()} when present. Immutable and thread-safe; the {@code with…} methods return changed
 * copies.
 *
 * <pre>{@code
 * PageRequest request = PageRequest.first(100).withCreatedBy(worker);
 * ArtifactPage page = store.page(experiment, request);
 * while (page.nextCursor().isPresent()) {
 *   page = store.page(experiment, request.withCursor(page.nextCursor().get()));
 * }
 * }</pre>
 */
public final class PageRequest {
  /** Largest page a store is asked for; bounds the memory one page takes. */
  public static final int MAX_LIMIT = 1000;

  private final int limit;
  private final ArtifactCursor cursor; // null: from the newest row
  private final Principal createdBy; // null: every depositor

  private PageRequest(int limit, ArtifactCursor cursor, Principal createdBy) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ": " + limit);
    }
    this.limit = limit;
    this.cursor = cursor;
    this.createdBy = createdBy;
  }

  /**
   * The first page: the newest {@code limit} rows.
   *
   * @throws IllegalArgumentException unless {@code 1 <= limit <= MAX_LIMIT}
   */
  public static PageRequest first(int limit) {
    return new PageRequest(limit, null, null);
  }

  /** The same request, continuing after {@code cursor} (a previous page's next cursor). */
  public PageRequest withCursor(ArtifactCursor cursor) {
    return new PageRequest(limit, requireNonNull(cursor, "cursor"), createdBy);
  }

  /** The same request, restricted to rows deposited by {@code createdBy}. */
  public PageRequest withCreatedBy(Principal createdBy) {
    return new PageRequest(limit, cursor, requireNonNull(createdBy, "createdBy"));
  }

  /** How many rows at most, {@code 1..MAX_LIMIT}. */
  public int limit() {
    return limit;
  }

  /** Where to continue; empty for the first page. */
  public Optional<ArtifactCursor> cursor() {
    return Optional.ofNullable(cursor);
  }

  /** Whose rows only; empty for every depositor's. */
  public Optional<Principal> createdBy() {
    return Optional.ofNullable(createdBy);
  }

  /**
   * Whether {@code row} belongs to this request's pages: it comes after the cursor in listing
   * order and, when a depositor is set, was created by that depositor. For stores that filter in
   * memory.
   */
  public boolean matches(ArtifactMetadata row) {
    requireNonNull(row, "row");
    return (cursor == null || cursor.precedes(row))
        && (createdBy == null || createdBy.equals(row.createdBy()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PageRequest other
        && limit == other.limit
        && Objects.equals(cursor, other.cursor)
        && Objects.equals(createdBy, other.createdBy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(limit, cursor, createdBy);
  }

  @Override
  public String toString() {
    return "PageRequest[limit=" + limit + ", cursor=" + cursor + ", createdBy=" + createdBy + "]";
  }
}
