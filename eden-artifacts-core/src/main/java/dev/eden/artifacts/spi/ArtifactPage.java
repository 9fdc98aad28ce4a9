package dev.eden.artifacts.spi;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactMetadata;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One page of an experiment's rows from {@link ArtifactStore#page}. Immutable and thread-safe.
 *
 * @param artifacts the rows in {@link #ROW_ORDER}; at most the requested limit
 * @param nextCursor where the next page starts; present exactly when more rows matched the request
 *     when this page was read, so the last page carries none
 */
public record ArtifactPage(List<ArtifactMetadata> artifacts, Optional<ArtifactCursor> nextCursor) {
  /** Rows in listing order: newest first, then by id descending ({@link ArtifactCursor#ORDER}). */
  public static final Comparator<ArtifactMetadata> ROW_ORDER =
      Comparator.comparing(ArtifactCursor::after, ArtifactCursor.ORDER);

  /** Copies {@code artifacts}. @throws NullPointerException if an argument or a row is null */
  public ArtifactPage {
    artifacts = List.copyOf(artifacts);
    requireNonNull(nextCursor, "nextCursor");
  }

  /**
   * The page made of the first {@code limit} of {@code rows}, which hold up to one row more than
   * the page, in listing order: the extra row only tells that there is a next page. A helper for
   * stores, which read {@code limit + 1} rows.
   */
  public static ArtifactPage of(List<ArtifactMetadata> rows, int limit) {
    requireNonNull(rows, "rows");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    if (rows.size() <= limit) {
      return new ArtifactPage(rows, Optional.empty());
    }
    List<ArtifactMetadata> page = rows.subList(0, limit);
    return new ArtifactPage(page, Optional.of(ArtifactCursor.after(page.get(limit - 1))));
  }
}
