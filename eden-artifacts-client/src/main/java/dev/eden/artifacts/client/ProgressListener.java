package dev.eden.artifacts.client;

/**
 * Receives the progress of a transfer so a command line or a UI can draw a bar.
 *
 * <p>Called on the thread that runs the transfer, after every chunk (up to 64 KiB), so it must be cheap
 * and thread-safe if the same listener serves several threads. An exception it throws aborts the
 * transfer. When a fetch is retried, the count starts again from zero, except for a download to a
 * file that resumes: its count goes on from the bytes already in the file.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores every event. */
  ProgressListener NONE = (direction, bytesSoFar, totalBytes) -> { };

  /**
   * Reports progress.
   *
   * @param direction whether artifact bytes are being sent (deposit) or received (fetch)
   * @param bytesSoFar artifact bytes transferred so far, without HTTP or multipart framing
   * @param totalBytes the artifact's size, or {@code -1} when it is not known in advance (a deposit
   *     from an {@code InputStream}, a fetch answered without {@code Content-Length})
   */
  void onProgress(Direction direction, long bytesSoFar, long totalBytes);

  /** Which way the bytes flow. */
  enum Direction {
    /** Artifact bytes going to the server (deposit). */
    SENT,
    /** Artifact bytes coming from the server (fetch). */
    RECEIVED
  }
}
