package dev.eden.artifacts;

/** The bearer credential is missing, malformed or wrong. Reported as {@link ProblemType#UNAUTHORIZED}. */
public class UnauthorizedException extends ArtifactException {
  private static final long serialVersionUID = 1L;

  /** {@code detail}, the message, is sent to the caller as the problem detail; may be null. */
  public UnauthorizedException(String detail) {
    super(ProblemType.UNAUTHORIZED, detail);
  }

  /**
   * Rebuilt from a server's {@link ProblemType#UNAUTHORIZED} answer, carrying it as
   * {@link #remoteProblem()}.
   *
   * @throws IllegalArgumentException if {@code remote} is of another type
   */
  public UnauthorizedException(ProblemDetails remote) {
    super(ProblemType.UNAUTHORIZED, remote);
  }
}
