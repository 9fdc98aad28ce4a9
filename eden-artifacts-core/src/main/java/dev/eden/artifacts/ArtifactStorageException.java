package dev.eden.artifacts;

/**
 * An infrastructure failure: disk full, I/O error, database down, a blob missing behind a metadata
 * row. It is never the caller's fault and never reported as "not found". Reported as
 * {@link ProblemType#INTERNAL}; the detail given to callers is generic, the cause keeps the facts
 * for the operator's log.
 */
public class ArtifactStorageException extends ArtifactException {
  private static final long serialVersionUID = 1L;

  /** {@code message} and {@code cause} are for the operator's log; callers see a generic detail. */
  public ArtifactStorageException(String message, Throwable cause) {
    super(ProblemType.INTERNAL, message, cause);
  }

  /**
   * Rebuilt from a server's {@link ProblemType#INTERNAL} answer: the server failed, which is not
   * the caller's fault; the message is the server's detail (this project's server names an incident
   * id there, the key to its operator's log).
   *
   * @throws IllegalArgumentException if {@code remote} is of another type
   */
  public ArtifactStorageException(ProblemDetails remote) {
    super(ProblemType.INTERNAL, remote);
  }
}
