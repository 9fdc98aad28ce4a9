package dev.eden.artifacts;

/** The caller is authenticated but may not fetch this artifact. Reported as {@link ProblemType#FORBIDDEN}. */
public class ForbiddenException extends ArtifactException {
  private static final long serialVersionUID = 1L;

  /** {@code detail}, the message, is sent to the caller as the problem detail; may be null. */
  public ForbiddenException(String detail) {
    super(ProblemType.FORBIDDEN, detail);
  }

  /**
   * Rebuilt from a server's {@link ProblemType#FORBIDDEN} answer, carrying it as
   * {@link #remoteProblem()}.
   *
   * @throws IllegalArgumentException if {@code remote} is of another type
   */
  public ForbiddenException(ProblemDetails remote) {
    super(ProblemType.FORBIDDEN, remote);
  }
}
