package dev.eden.artifacts;

/** The artifact URI is unknown or was not issued by this server (or by this experiment). Reported as {@link ProblemType#NOT_FOUND}. */
public class ArtifactNotFoundException extends ArtifactException {
  private static final long serialVersionUID = 1L;

  /** {@code detail}, the message, is sent to the caller as the problem detail; may be null. */
  public ArtifactNotFoundException(String detail) {
    super(ProblemType.NOT_FOUND, detail);
  }

  /**
   * Rebuilt from a server's {@link ProblemType#NOT_FOUND} answer, carrying it as
   * {@link #remoteProblem()}.
   *
   * @throws IllegalArgumentException if {@code remote} is of another type
   */
  public ArtifactNotFoundException(ProblemDetails remote) {
    super(ProblemType.NOT_FOUND, remote);
  }
}
