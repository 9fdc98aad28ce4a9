package dev.eden.artifacts.store;

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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Collectors;

/**
 * Metadata rows held on the heap; nothing survives the JVM. For tests and in-process use. Each
 * experiment's rows are also kept in listing order, so a {@link #page} costs the page, not the
 * experiment. Thread-safe.
 */
public final class InMemoryArtifactStore implements ArtifactStore {
  private final ConcurrentMap<ArtifactId, ArtifactMetadata> rows = new ConcurrentHashMap<>();
  private final ConcurrentMap<ExperimentId, ConcurrentNavigableMap<ArtifactCursor, ArtifactMetadata>>
      listings = new ConcurrentHashMap<>();

  @Override
  public void create(ArtifactMetadata metadata) throws ArtifactAlreadyExistsException {
    requireNonNull(metadata, "metadata");
    // The listing changes under the row's entry lock, so a racing delete of the same id cannot
    // leave it listing a row that is gone.
    boolean[] created = {false};
    rows.computeIfAbsent(metadata.id(), id -> {
      listing(metadata.experimentId()).put(ArtifactCursor.after(metadata), metadata);
      created[0] = true;
      return metadata;
    });
    if (!created[0]) {
      throw new ArtifactAlreadyExistsException(metadata.id());
    }
  }

  @Override
  public Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id) {
    requireNonNull(experimentId, "experimentId");
    requireNonNull(id, "id");
    return Optional.ofNullable(rows.get(id)).filter(m -> m.experimentId().equals(experimentId));
  }

  @Override
  public boolean contains(ArtifactId id) {
    return rows.containsKey(requireNonNull(id, "id"));
  }

  @Override
  public List<ArtifactId> idsCreatedBefore(ExperimentId experimentId, Instant cutoff, int limit) {
    requireNonNull(experimentId, "experimentId");
    requireNonNull(cutoff, "cutoff");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    return rows.values().stream()
        .filter(m -> m.experimentId().equals(experimentId) && m.createdAt().isBefore(cutoff))
        .sorted(Comparator.comparing(ArtifactMetadata::createdAt).thenComparing(ArtifactMetadata::id))
        .limit(limit)
        .map(ArtifactMetadata::id)
        .collect(Collectors.toList());
  }

  @Override
  public boolean delete(ArtifactId id) {
    boolean[] removed = {false};
    rows.computeIfPresent(requireNonNull(id, "id"), (key, row) -> {
      existingListing(row.experimentId()).remove(ArtifactCursor.after(row));
      removed[0] = true;
      return null;
    });
    return removed[0];
  }

  @Override
  public ArtifactPage page(ExperimentId experimentId, PageRequest request) {
    requireNonNull(experimentId, "experimentId");
    requireNonNull(request, "request");
    ConcurrentNavigableMap<ArtifactCursor, ArtifactMetadata> listing = existingListing(experimentId);
    Iterable<ArtifactMetadata> after = request.cursor()
        .map(cursor -> listing.tailMap(cursor, false).values())
        .orElse(listing.values());
    List<ArtifactMetadata> found = new ArrayList<>(request.limit() + 1);
    for (ArtifactMetadata row : after) {
      if (request.matches(row)) {
        found.add(row);
        if (found.size() > request.limit()) {
          break;
        }
      }
    }
    return ArtifactPage.of(found, request.limit());
  }

  @Override
  public ArtifactSummary summarize(ExperimentId experimentId) {
    requireNonNull(experimentId, "experimentId");
    ArtifactSummary.Builder summary = ArtifactSummary.builder();
    existingListing(experimentId).values().forEach(summary::add);
    return summary.build();
  }

  /** For reads: never adds an entry, so looking up unknown experiments takes no memory. */
  private ConcurrentNavigableMap<ArtifactCursor, ArtifactMetadata> existingListing(ExperimentId experimentId) {
    ConcurrentNavigableMap<ArtifactCursor, ArtifactMetadata> listing = listings.get(experimentId);
    return listing != null ? listing : new ConcurrentSkipListMap<>(ArtifactCursor.ORDER);
  }

  private ConcurrentNavigableMap<ArtifactCursor, ArtifactMetadata> listing(ExperimentId experimentId) {
    return listings.computeIfAbsent(experimentId, e -> new ConcurrentSkipListMap<>(ArtifactCursor.ORDER));
  }
}
