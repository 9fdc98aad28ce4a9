package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

/**
 * Root of every failure this library reports to its callers. Each subclass maps to exactly one
 * {@link ProblemType}, so an HTTP binding renders it and a client rebuilds it without guessing.
 *
 * <p>The message is the problem's {@code detail}: it is written for the caller and never carries
 * secrets or internals.
 */
public abstract class ArtifactException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ProblemType type;

  protected ArtifactException(ProblemType type, String detail) {
    this(type, detail, null);
  }

  protected ArtifactException(ProblemType type, String detail, Throwable cause) {
    super(detail, cause);
    this.type = requireNonNull(type, "type");
  }

  /** The problem type this failure is reported as. */
  public ProblemType type() {
    return type;
  }

  /** The problem detail: same as {@link #getMessage()}. */
  public String detail() {
    return getMessage();
  }
}
