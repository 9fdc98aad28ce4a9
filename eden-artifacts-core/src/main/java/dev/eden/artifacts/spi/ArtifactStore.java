package dev.eden.artifacts.spi;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Metadata rows, one per committed artifact. Ids are globally unique (they are 128 random bits),
 * but a row is only ever visible through the experiment it was created in. Implementations must be
 * thread-safe. Every method throws {@link IOException} for storage failures (a database that is
 * down is never "not found").
 */
public interface ArtifactStore {

  /**
   * Records a new row.
   *
   * @throws ArtifactAlreadyExistsException if a row with the same id exists (in any experiment);
   *     the existing row is untouched
   */
  void create(ArtifactMetadata metadata) throws IOException;

  /** The row for {@code id} in {@code experimentId}; empty if absent or created in another experiment. */
  Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id) throws IOException;

  /** Whether a row exists for {@code id} in any experiment; the orphan sweep keeps such blobs. */
  boolean contains(ArtifactId id) throws IOException;

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
}
