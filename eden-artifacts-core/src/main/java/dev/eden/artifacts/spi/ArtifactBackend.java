package dev.eden.artifacts.spi;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.internal.RangedStreams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
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
 * {@code IOException}. A {@code null} argument is a {@link NullPointerException}.
 *
 * <p><b>Stream ownership.</b> Whoever calls {@code open}, {@link #openChannel}, {@link #ids()} or
 * {@link #blobs()} owns the returned stream or channel and closes it; the backend closes nothing it
 * handed out.
 *
 * <p><b>Evolution.</b> This interface grows by default methods, so an implementation written
 * against an earlier release keeps compiling and working:
 *
 * <ul>
 *   <li>required (abstract): {@link #begin}, {@link #open(ArtifactId, long)}, {@link #delete},
 *       {@link #ids()};
 *   <li>{@link #open(ArtifactId, long, long)} (a ranged read) works for free on top of {@code
 *       open(id, offset)}, reading no further than the range; override it when the storage can ask
 *       for exactly those bytes (an object store's ranged GET);
 *   <li>{@link #openChannel} (a range as a channel) works for free on top of the ranged {@code
 *       open}; a backend whose blobs are files overrides it to hand out the file's own {@link
 *       java.nio.channels.FileChannel}, which a server can send without copying the bytes through
 *       its heap;
 *   <li>{@link #blobs()} and {@link #stalePending}, {@link #removeStalePending} (with {@link
 *       #sweepStalePending} on top of them) are optional {@linkplain Capability
 *       capabilities}: their defaults throw {@link UnsupportedOperationException}, and an
 *       implementation that overrides one declares it in {@link #capabilities()}. Callers (the
 *       orphan sweep) and the test kit's contracts consult {@code capabilities()} first, so a
 *       backend without a capability is skipped visibly rather than misread.
 * </ul>
 */
public interface ArtifactBackend {

  /** Optional abilities a backend declares in {@link #capabilities()}. */
  enum Capability {
    /** {@link #blobs()} lists committed blobs with their size and commit time. */
    BLOB_LISTING,
    /**
     * {@link #stalePending} lists and {@link #removeStalePending} removes what crashed writers left
     * behind.
     */
    STALE_PENDING_SWEEP,
  }

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

  /**
   * Opens at most {@code length} bytes of the committed blob for {@code id}, starting at {@code
   * offset}: the bytes {@code [offset, min(offset + length, size))}, or empty if no blob is
   * committed under {@code id}. The stream ends after the range; the caller closes it. This is
   * what an HTTP range request (RFC 9110 §14) reads, so an object store should ask its storage for
   * exactly these bytes.
   *
   * <p>The default opens {@link #open(ArtifactId, long)} and stops reading it at the end of the
   * range; it is correct for every backend, but may make the storage prepare more than the range.
   *
   * @param offset where to start, {@code >= 0}; at or past the end gives an empty stream
   * @param length how many bytes at most, {@code >= 0}; {@link Long#MAX_VALUE} reads to the end
   * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
   */
  default Optional<InputStream> open(ArtifactId id, long offset, long length) throws IOException {
    requireNonNull(id, "id");
    RangedStreams.checkRange(offset, length);
    return open(id, offset).map(in -> RangedStreams.limit(in, length));
  }

  /**
   * Opens the bytes {@code [offset, min(offset + length, size))} of the committed blob for {@code
   * id} as a channel positioned at the first of them, or empty if no blob is committed under
   * {@code id}. The caller reads at most {@code length} bytes from it and closes it. What a server
   * sends a fetch's body from.
   *
   * <p>The default wraps the ranged {@link #open(ArtifactId, long, long)} in {@link
   * Channels#newChannel}: the channel ends after the range. A backend whose blobs are files may
   * instead return a read-only {@link java.nio.channels.FileChannel} of the blob's file, positioned
   * at {@code offset} (or at the end of the file if {@code offset} lies past it): that channel does
   * not end after the range, so the caller must stop after {@code length} bytes, and it lets a
   * server send the bytes to a socket without copying them through the heap (a mapped file, or
   * {@code transferTo}). Such a backend must apply the same checks as its {@code open} (for
   * {@link dev.eden.artifacts.backend.FileArtifactBackend}: no symbolic link followed, a regular
   * file only, and empty when the blob is missing).
   *
   * @param id the artifact, not null
   * @param offset where to start, {@code >= 0}; at or past the end gives a channel at its end
   * @param length how many bytes at most, {@code >= 0}; {@link Long#MAX_VALUE} reads to the end
   * @return the open channel, owned by the caller, or empty if no blob is committed under {@code id}
   * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
   * @throws IOException if the storage fails
   */
  default Optional<ReadableByteChannel> openChannel(ArtifactId id, long offset, long length)
      throws IOException {
    return open(id, offset, length).map(Channels::newChannel);
  }

  /**
   * Deletes the committed blob for {@code id} in one step and reports whether there was one, so
   * garbage collection needs no second round trip to know what it removed. Pending blobs of the
   * same id are not affected.
   */
  boolean delete(ArtifactId id) throws IOException;

  /**
   * Every committed id, in no particular order, for the orphan sweep. Pending blobs and temporary
   * files never appear. The caller closes the stream. It may be lazy (read from storage while it
   * is consumed); a storage failure met then is an {@link java.io.UncheckedIOException}.
   */
  Stream<ArtifactId> ids() throws IOException;

  /**
   * The optional abilities this backend has; the default declares none. Immutable; the same on
   * every call.
   *
   */
  default Set<Capability> capabilities() {
    return Set.of();
  }

  /**
   * Every committed blob with its size and commit time, in no particular order: what the orphan
   * sweep and the scrub walk. Pending blobs and temporary files never appear. The caller closes
   * the stream. It may be lazy; a storage failure met while it is consumed is an {@link
   * java.io.UncheckedIOException}. A blob committed or deleted while the stream is consumed may or
   * may not appear.
   *
   * @throws UnsupportedOperationException unless {@link #capabilities()} contains {@link
   *     Capability#BLOB_LISTING} (the default)
   */
  default Stream<CommittedBlob> blobs() throws IOException {
    throw new UnsupportedOperationException(getClass().getName() + " does not list blobs");
  }

  /**
   * What writers that crashed left behind (temporary files, incomplete multipart uploads) and that
   * made no progress for more than {@code olderThan}: what {@link #sweepStalePending} removes and
   * garbage collection counts in a dry run. A pending blob still being written never appears while
   * it keeps making progress within {@code olderThan}. A backend that can tell for sure that a
   * leftover's writer is gone (the file backend: the writer's process no longer holds the lock of
   * its temp file) may list that leftover at any age. The caller closes the stream; it may be
   * lazy, and a storage failure met while it is consumed is an {@link
   * java.io.UncheckedIOException}.
   *
   * @throws UnsupportedOperationException unless {@link #capabilities()} contains {@link
   *     Capability#STALE_PENDING_SWEEP} (the default)
   * @throws IllegalArgumentException if {@code olderThan} is negative
   */
  default Stream<PendingLeftover> stalePending(Duration olderThan) throws IOException {
    throw new UnsupportedOperationException(getClass().getName() + " does not sweep pending blobs");
  }

  /**
   * Removes one leftover that {@link #stalePending} of this backend listed, unless its writer made
   * progress since it was listed (a backend that can tell checks this) or it is gone already.
   *
   * @return whether this call removed it
   * @throws UnsupportedOperationException unless {@link #capabilities()} contains {@link
   *     Capability#STALE_PENDING_SWEEP} (the default)
   * @throws IllegalArgumentException if {@code leftover} was not listed by a backend of this kind
   */
  default boolean removeStalePending(PendingLeftover leftover) throws IOException {
    throw new UnsupportedOperationException(getClass().getName() + " does not sweep pending blobs");
  }

  /**
   * Removes what writers that crashed left behind: every {@link #stalePending stale leftover}
   * older than {@code olderThan}, and those the backend knows to have no writer any more at any
   * age. Choose {@code olderThan} well above the longest pause of a live upload: a pending blob
   * still being written that is swept fails at commit.
   *
   * @return how many leftovers this call removed
   * @throws UnsupportedOperationException unless {@link #capabilities()} contains {@link
   *     Capability#STALE_PENDING_SWEEP} (the default)
   * @throws IllegalArgumentException if {@code olderThan} is negative
   */
  default int sweepStalePending(Duration olderThan) throws IOException {
    int removed = 0;
    try (Stream<PendingLeftover> leftovers = stalePending(olderThan)) {
      for (PendingLeftover leftover : (Iterable<PendingLeftover>) leftovers::iterator) {
        if (removeStalePending(leftover)) {
          removed++;
        }
      }
    }
    return removed;
  }
}
