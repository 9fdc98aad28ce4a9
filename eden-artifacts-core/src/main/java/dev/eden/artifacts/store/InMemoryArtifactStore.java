package dev.eden.artifacts.store;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.ArtifactStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

/** Metadata rows held on the heap; nothing survives the JVM. For tests and in-process use. Thread-safe. */
public final class InMemoryArtifactStore implements ArtifactStore {
  private final ConcurrentMap<ArtifactId, ArtifactMetadata> rows = new ConcurrentHashMap<>();

  @Override
  public void create(ArtifactMetadata metadata) throws ArtifactAlreadyExistsException {
    requireNonNull(metadata, "metadata");
    if (rows.putIfAbsent(metadata.id(), metadata) != null) {
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
    return rows.remove(requireNonNull(id, "id")) != null;
  }
}
