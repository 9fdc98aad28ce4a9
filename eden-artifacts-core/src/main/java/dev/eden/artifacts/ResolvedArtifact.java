package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.internal.RangedStreams;
import dev.eden.artifacts.spi.ArtifactBackend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ReadableByteChannel;
import java.util.Optional;

/**
 * An artifact a principal was allowed to read: its metadata, and its bytes opened on demand, whole
 * or as a range. Returned by {@link ArtifactService#resolve}, after the existence and access checks
 * passed; nothing is read from the backend until a stream is opened, so a caller that only needs
 * the metadata (an HTTP {@code HEAD}, a conditional request answered 304) never touches the bytes.
 *
 * <p>Like Guava's {@code ByteSource}: each {@code openStream} or {@code openChannel} call opens a
 * new stream or channel that the caller owns and must close. Immutable and thread-safe.
 */
public final class ResolvedArtifact {
  private final ArtifactMetadata metadata;
  private final ArtifactBackend backend;

  ResolvedArtifact(ArtifactMetadata metadata, ArtifactBackend backend) {
    this.metadata = requireNonNull(metadata, "metadata");
    this.backend = requireNonNull(backend, "backend");
  }

  public ArtifactMetadata metadata() {
    return metadata;
  }

  /**
   * Opens all of the artifact's bytes: at most {@code metadata().sizeBytes()} of them, the recorded
   * size, even if the blob has grown behind the row's back. The backend is asked for the whole
   * blob, a read from 0 to its end, so an object store sends a plain read rather than a range; the
   * stream stops at the recorded size.
   *
   * @throws ArtifactStorageException if the backend fails or holds no blob for this artifact
   */
  public InputStream openStream() {
    return RangedStreams.limit(open(backend::open, 0, Long.MAX_VALUE), metadata.sizeBytes());
  }

  /**
   * Opens the bytes {@code [offset, offset + length)} of the artifact; the stream ends after them.
   * Only that range is asked of the backend (its ranged {@link ArtifactBackend#open(
   * dev.eden.artifacts.ArtifactId, long, long) open}), as an HTTP range request (RFC 9110 §14)
   * needs.
   *
   * @param offset the first byte, {@code 0 <= offset <= sizeBytes}
   * @param length how many bytes, {@code 0 <= length <= sizeBytes - offset}
   * @throws IndexOutOfBoundsException if the range does not lie within the artifact
   * @throws ArtifactStorageException if the backend fails or holds no blob for this artifact
   */
  public InputStream openStream(long offset, long length) {
    checkRange(offset, length);
    return open(backend::open, offset, length);
  }

  /**
   * Opens all of the artifact's bytes as a channel at its first byte: read exactly {@code
   * metadata().sizeBytes()} bytes from it, as the channel may go on past them (see {@link
   * ArtifactBackend#openChannel}). Like {@link #openStream()}, the backend is asked for the whole
   * blob. A backend whose blobs are files hands out a {@link java.nio.channels.FileChannel}, which
   * a server can send without copying the bytes through its heap. The caller closes the channel.
   *
   * @throws ArtifactStorageException if the backend fails or holds no blob for this artifact
   */
  public ReadableByteChannel openChannel() {
    return open(backend::openChannel, 0, Long.MAX_VALUE);
  }

  /**
   * Opens the bytes {@code [offset, offset + length)} of the artifact as a channel at the first of
   * them: read exactly {@code length} bytes from it, as the channel may go on past them (see {@link
   * ArtifactBackend#openChannel}). Only that range is asked of the backend. The caller closes the
   * channel.
   *
   * @param offset the first byte, {@code 0 <= offset <= sizeBytes}
   * @param length how many bytes, {@code 0 <= length <= sizeBytes - offset}
   * @throws IndexOutOfBoundsException if the range does not lie within the artifact
   * @throws ArtifactStorageException if the backend fails or holds no blob for this artifact
   */
  public ReadableByteChannel openChannel(long offset, long length) {
    checkRange(offset, length);
    return open(backend::openChannel, offset, length);
  }

  private void checkRange(long offset, long length) {
    long size = metadata.sizeBytes();
    if (offset < 0 || length < 0 || offset > size || length > size - offset) {
      throw new IndexOutOfBoundsException(
          "range [" + offset + ", +" + length + ") is outside an artifact of " + size + " bytes");
    }
  }

  /** One of the backend's ranged opens. */
  @FunctionalInterface
  private interface RangedOpen<T> {
    Optional<T> open(ArtifactId id, long offset, long length) throws IOException;
  }

  /** Opens the range with {@code opener}; the one place a backend's failure becomes ours. */
  private <T> T open(RangedOpen<T> opener, long offset, long length) {
    try {
      return opener.open(metadata.id(), offset, length)
          .orElseThrow(() -> new IOException("metadata row without blob: " + metadata.id()));
    } catch (IOException e) {
      throw new ArtifactStorageException("could not read the artifact", e);
    }
  }
}
