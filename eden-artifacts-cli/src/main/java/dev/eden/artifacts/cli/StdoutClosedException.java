package dev.eden.artifacts.cli;

import java.io.IOException;

/**
 * Standard output refused a write: the reader went away (a pipe into {@code head}) or the file it
 * is redirected to cannot grow. Its own outcome, so that it is not mistaken for a broken transfer.
 */
final class StdoutClosedException extends IOException {
  private static final long serialVersionUID = 1L;

  /** How many bytes standard output had taken, or {@code -1} if it does not matter. */
  private final long written;

  StdoutClosedException(IOException cause, long written) {
    super(cause.getMessage(), cause);
    this.written = written;
  }

  /** {@code <reason> (after N bytes; the rest was neither fetched nor checked)}. */
  String detail() {
    String reason = getMessage() == null || getMessage().isBlank()
        ? getCause().getClass().getSimpleName() : getMessage();
    return written < 0 ? reason
        : reason + " (after " + written + " bytes; the rest was neither fetched nor checked)";
  }
}
