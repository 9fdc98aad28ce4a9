package dev.eden.artifacts.testkit;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.ArtifactCursor;
import dev.eden.artifacts.spi.ArtifactPage;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.ArtifactSummary;
import dev.eden.artifacts.spi.PageRequest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** An in-memory store with one deliberate flaw, to show that the contract catches it. */
final class FlawedStore implements ArtifactStore {
  enum Flaw {
    /** {@code find} ignores the experiment. */
    UNSCOPED,
    /** A duplicate id replaces the first row. */
    OVERWRITES,
    /** The cutoff is inclusive. */
    INCLUSIVE_CUTOFF,
    /** {@code createdAt} is stored with second precision. */
    SECOND_PRECISION,
    /** {@code idsCreatedBefore} lists newest first. */
    NEWEST_FIRST,
    /** Content type and filename are cut to 255 characters, as a VARCHAR(255) column would. */
    CUTS_AT_255,
    /** {@code page} counts rows to skip instead of remembering a position. */
    OFFSET_PAGING,
    /** {@code page} starts at the cursor's own row, repeating it. */
    INCLUSIVE_CURSOR,
    /** {@code page} ignores the depositor filter. */
    IGNORES_CREATED_BY,
    /** Every full page carries a next cursor, even when no rows remain. */
    CURSOR_ON_LAST_PAGE,
    /** {@code summarize} counts every experiment. */
    UNSCOPED_SUMMARY,
  }

  private final Flaw flaw;
  private final Map<ArtifactId, ArtifactMetadata> rows = new ConcurrentHashMap<>();

  FlawedStore(Flaw flaw) {
    this.flaw = flaw;
  }

  @Override
  public void create(ArtifactMetadata m) throws ArtifactAlreadyExistsException {
    requireNonNull(m, "metadata");
    if (flaw == Flaw.SECOND_PRECISION) {
      m = new ArtifactMetadata(m.experimentId(), m.id(), m.createdBy(), m.sizeBytes(), m.contentType(),
          m.createdAt().truncatedTo(ChronoUnit.SECONDS), m.sha256(), m.filename());
    }
    if (flaw == Flaw.CUTS_AT_255) {
      m = new ArtifactMetadata(m.experimentId(), m.id(), m.createdBy(), m.sizeBytes(), cut(m.contentType()),
          m.createdAt(), m.sha256(), cut(m.filename()));
    }
    if (flaw == Flaw.OVERWRITES) {
      rows.put(m.id(), m);
    } else if (rows.putIfAbsent(m.id(), m) != null) {
      throw new ArtifactAlreadyExistsException(m.id());
    }
  }

  private static String cut(String value) {
    return value.length() > 255 ? value.substring(0, 255) : value;
  }

  @Override
  public Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id) {
    requireNonNull(experimentId, "experimentId");
    return Optional.ofNullable(rows.get(requireNonNull(id, "id")))
        .filter(m -> flaw == Flaw.UNSCOPED || m.experimentId().equals(experimentId));
  }

  @Override
  public boolean contains(ArtifactId id) {
    return rows.containsKey(requireNonNull(id, "id"));
  }

  @Override
  public List<ArtifactId> idsCreatedBefore(ExperimentId experimentId, Instant cutoff, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("negative limit");
    }
    Comparator<ArtifactMetadata> order = Comparator.comparing(ArtifactMetadata::createdAt);
    return rows.values().stream()
        .filter(m -> m.experimentId().equals(experimentId))
        .filter(m -> flaw == Flaw.INCLUSIVE_CUTOFF ? !m.createdAt().isAfter(cutoff) : m.createdAt().isBefore(cutoff))
        .sorted(flaw == Flaw.NEWEST_FIRST ? order.reversed() : order)
        .limit(limit)
        .map(ArtifactMetadata::id)
        .collect(Collectors.toList());
  }

  @Override
  public ArtifactPage page(ExperimentId experimentId, PageRequest request) {
    requireNonNull(experimentId, "experimentId");
    requireNonNull(request, "request");
    List<ArtifactMetadata> listing = rows.values().stream()
        .filter(m -> m.experimentId().equals(experimentId))
        .filter(m -> flaw == Flaw.IGNORES_CREATED_BY || request.createdBy().map(m.createdBy()::equals).orElse(true))
        .sorted(ArtifactPage.ROW_ORDER)
        .collect(Collectors.toList());
    int from;
    if (flaw == Flaw.OFFSET_PAGING) {
      from = request.cursor().map(c -> (int) c.createdAt().toEpochMilli()).orElse(0);
    } else {
      from = request.cursor().map(c -> (int) listing.stream().filter(m -> !c.precedes(m)).count()).orElse(0);
      if (flaw == Flaw.INCLUSIVE_CURSOR && from > 0) {
        from--;
      }
    }
    List<ArtifactMetadata> page = listing.subList(Math.min(from, listing.size()), Math.min(from + request.limit(), listing.size()));
    boolean more = flaw == Flaw.CURSOR_ON_LAST_PAGE ? page.size() == request.limit() : from + page.size() < listing.size();
    Optional<ArtifactCursor> next = !more || page.isEmpty() ? Optional.empty()
        : Optional.of(flaw == Flaw.OFFSET_PAGING
            ? new ArtifactCursor(Instant.ofEpochMilli(from + page.size()), page.get(page.size() - 1).id())
            : ArtifactCursor.after(page.get(page.size() - 1)));
    return new ArtifactPage(page, next);
  }

  @Override
  public ArtifactSummary summarize(ExperimentId experimentId) {
    requireNonNull(experimentId, "experimentId");
    ArtifactSummary.Builder summary = ArtifactSummary.builder();
    rows.values().stream()
        .filter(m -> flaw == Flaw.UNSCOPED_SUMMARY || m.experimentId().equals(experimentId))
        .forEach(summary::add);
    return summary.build();
  }

  @Override
  public boolean delete(ArtifactId id) {
    return rows.remove(requireNonNull(id, "id")) != null;
  }
}
