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
 * @param committedAt when the blob was committed, as the storage dates it: for a file its
 *     modification time (set at commit); for an object store the object's {@code Last-Modified}
 *     (which Amazon S3 may set to the start of a multipart upload). Garbage collection considers
 *     only blobs older than its grace; its safety against racing deposits does not rest on this
 *     time (see {@link dev.eden.artifacts.maintenance.GarbageCollector}).
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
