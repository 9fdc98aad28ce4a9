package dev.eden.artifacts;

/**
 * The {@code X-Eden-Experiment-Id} header is missing or differs from the path, or the experiment
 * is not served here. Reported as {@link ProblemType#EXPERIMENT_ID_MISMATCH}.
 */
public class ExperimentIdMismatchException extends ArtifactException {
  private static final long serialVersionUID = 1L;

  /** {@code detail}, the message, is sent to the caller as the problem detail; may be null. */
  public ExperimentIdMismatchException(String detail) {
    super(ProblemType.EXPERIMENT_ID_MISMATCH, detail);
  }

  /**
   * Rebuilt from a server's {@link ProblemType#EXPERIMENT_ID_MISMATCH} answer, carrying it as
   * {@link #remoteProblem()}.
   *
   * @throws IllegalArgumentException if {@code remote} is of another type
   */
  public ExperimentIdMismatchException(ProblemDetails remote) {
    super(ProblemType.EXPERIMENT_ID_MISMATCH, remote);
  }
}
