package dev.eden.artifacts.spi;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import java.time.Instant;

/**
 * One committed blob as a backend lists it for the orphan sweep and the scrub: its id, its size and
 * when it was committed. Immutable and thread-safe; every component is non-null.
 *
 * @param id the blob's id
 * @param sizeBytes the stored size in bytes, {@code >= 0}
 * @param committedAt when the blob became visible, or a little later — never earlier than the
 *     moment its {@link PendingBlob#commit()} started. An orphan sweep deletes a blob without a
 *     metadata row only when this is older than its grace, so a deposit whose row is about to be
 *     written is never raced. For a file this is its modification time (set at commit); for an
 *     object store the object's {@code Last-Modified}.
 */
public record CommittedBlob(ArtifactId id, long sizeBytes, Instant committedAt) {

  /**
   * @throws NullPointerException if {@code id} or {@code committedAt} is null
   * @throws IllegalArgumentException if {@code sizeBytes} is negative
   */
  public CommittedBlob {
    requireNonNull(id, "id");
    requireNonNull(committedAt, "committedAt");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must not be negative: " + sizeBytes);
    }
  }
}
