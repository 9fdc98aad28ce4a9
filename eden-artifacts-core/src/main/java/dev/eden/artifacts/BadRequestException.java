package dev.eden.artifacts;

/** The request is malformed or breaks a rule of the deposit or fetch operation. Reported as {@link ProblemType#BAD_REQUEST}. */
public class BadRequestException extends ArtifactException {
  private static final long serialVersionUID = 1L;

  /** {@code detail}, the message, is sent to the caller as the problem detail; may be null. */
  public BadRequestException(String detail) {
    super(ProblemType.BAD_REQUEST, detail);
  }

  /**
   * Rebuilt from a server's {@link ProblemType#BAD_REQUEST} answer, carrying it as
   * {@link #remoteProblem()}.
   *
   * @throws IllegalArgumentException if {@code remote} is of another type
   */
  public BadRequestException(ProblemDetails remote) {
    super(ProblemType.BAD_REQUEST, remote);
  }
}
