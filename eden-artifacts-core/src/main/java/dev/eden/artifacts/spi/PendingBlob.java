package dev.eden.artifacts.spi;

import dev.eden.artifacts.ArtifactId;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A blob being written: bytes go to {@link #output()}, then {@link #commit()} publishes them or
 * {@link #abort()} discards them. Closing without a commit aborts. Used by one thread at a time.
 */
public interface PendingBlob extends Closeable {

  /** The id the blob will be committed under. */
  ArtifactId id();

  /**
   * Where the bytes go. Closing this stream does not commit; only {@link #commit()} does. Writing
   * after commit or abort throws {@link IOException}.
   */
  OutputStream output();

  /**
   * Makes the written bytes durable and visible under {@link #id()}. Durable means they survive a
   * crash once this returns.
   *
   * @throws ArtifactAlreadyExistsException if a blob is already committed under the id; those
   *     existing bytes are left untouched and this pending blob is discarded
   * @throws IOException if the bytes could not be made durable; nothing is visible under the id
   * @throws IllegalStateException if already committed or aborted
   */
  void commit() throws IOException;

  /** Discards the written bytes. Idempotent; does nothing after a commit. */
  void abort() throws IOException;

  /** Aborts unless committed. */
  @Override
  void close() throws IOException;
}
