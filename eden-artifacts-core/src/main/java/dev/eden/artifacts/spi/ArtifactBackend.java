package dev.eden.artifacts.spi;

import dev.eden.artifacts.ArtifactId;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Blob storage: bytes only, keyed by {@link ArtifactId}, written once and never overwritten. All
 * metadata lives in the {@link ArtifactStore}. Implementations must be thread-safe.
 *
 * <p>Writing is two-phase so a deposit can be abandoned after its bytes arrived: {@link #begin}
 * hands out a {@link PendingBlob}; its {@link PendingBlob#commit()} makes the bytes durable and
 * visible under the id, exclusively; {@link PendingBlob#abort()} (or closing without commit) leaves
 * nothing behind.
 *
 * <p>Every method throws {@link IOException} for storage failures. Absence is never an exception:
 * lookups answer with {@link Optional#empty()} or {@code false}, and only a genuine "no such blob"
 * may be reported that way — a missing bucket, an auth failure or an I/O error is an
 * {@code IOException}.
 */
public interface ArtifactBackend {

  /**
   * Starts writing the blob for {@code id}. Nothing is visible under {@code id} until the returned
   * blob is committed. The caller owns the pending blob and must commit, abort or close it.
   */
  PendingBlob begin(ArtifactId id) throws IOException;

  /**
   * Opens the committed blob for {@code id}, positioned at {@code offset}, or empty if no blob is
   * committed under {@code id}. The caller closes the stream.
   *
   * @param offset where to start, {@code 0 <= offset}; an offset at or past the end gives an empty
   *     stream
   * @throws IllegalArgumentException if {@code offset} is negative
   */
  Optional<InputStream> open(ArtifactId id, long offset) throws IOException;

  /** Deletes the committed blob for {@code id}; returns whether there was one. For garbage collection. */
  boolean delete(ArtifactId id) throws IOException;

  /**
   * Every committed id, in no particular order, for the orphan sweep. Pending blobs and temporary
   * files never appear. The caller closes the stream. It may be lazy (read from storage while it
   * is consumed); a storage failure met then is an {@link java.io.UncheckedIOException}.
   */
  Stream<ArtifactId> ids() throws IOException;
}
