package dev.eden.artifacts.maintenance;

import dev.eden.artifacts.ExperimentId;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Which artifacts something still refers to: implemented by the application that embeds the store
 * (the orchestrator that hands artifact URIs to its tasks), consulted by the {@link
 * GarbageCollector} before it deletes an artifact nothing refers to any more. Without an
 * implementation the collector never deletes an artifact that has a metadata row.
 *
 * <p>Implementations must be thread-safe and answer from their own records only; an answer is
 * acted on at once, so a URI must not be left out of the answer while anything may still hand it
 * out. When in doubt, count it as referenced.
 */
@FunctionalInterface
public interface ArtifactReferences {

  /**
   * Of {@code artifactsUris} — {@code eden://artifacts/<id>} URIs of {@code experimentId}, each
   * created longer ago than the collector's grace, at most {@link GarbageCollector#BATCH_SIZE} of
   * them, no duplicates — the ones still referenced. Every URI left out is deleted, its row and its
   * bytes (unless the collection is a dry run).
   *
   * @return the referenced URIs, a subset of {@code artifactsUris}; never null. URIs that are not
   *     in {@code artifactsUris} are ignored.
   * @throws IOException if the answer cannot be given; the collector then deletes nothing of this
   *     batch and fails
   */
  Set<String> stillReferenced(ExperimentId experimentId, List<String> artifactsUris) throws IOException;
}
