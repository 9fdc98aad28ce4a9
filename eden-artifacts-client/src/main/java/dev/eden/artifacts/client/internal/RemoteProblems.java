package dev.eden.artifacts.client.internal;

import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.ArtifactNotFoundException;
import dev.eden.artifacts.ArtifactStorageException;
import dev.eden.artifacts.BadRequestException;
import dev.eden.artifacts.ExperimentIdMismatchException;
import dev.eden.artifacts.ForbiddenException;
import dev.eden.artifacts.PayloadTooLargeException;
import dev.eden.artifacts.UnauthorizedException;
import dev.eden.artifacts.client.ProblemDetails;

/**
 * The core exceptions as rebuilt from a server's answer: each is an instance of the core type a
 * caller catches, and carries the {@link ProblemDetails} the server sent. Their message is the
 * problem's detail (or its title when the detail is absent).
 */
final class RemoteProblems {
  private RemoteProblems() {
  }

  static String message(ProblemDetails problem) {
    if (problem.detail() != null) {
      return problem.detail();
    }
    return problem.title() != null ? problem.title() : problem.type();
  }

  /** Names the public type, not this internal class, in logs. */
  static String describe(ArtifactException e) {
    return e.getClass().getSuperclass().getName() + ": " + e.getMessage();
  }

  static final class NotFound extends ArtifactNotFoundException implements ProblemCarrier {
    private static final long serialVersionUID = 1L;
    private final ProblemDetails problem;

    NotFound(ProblemDetails problem) {
      super(message(problem));
      this.problem = problem;
    }

    @Override
    public ProblemDetails problem() {
      return problem;
    }

    @Override
    public String toString() {
      return describe(this);
    }
  }

  static final class Forbidden extends ForbiddenException implements ProblemCarrier {
    private static final long serialVersionUID = 1L;
    private final ProblemDetails problem;

    Forbidden(ProblemDetails problem) {
      super(message(problem));
      this.problem = problem;
    }

    @Override
    public ProblemDetails problem() {
      return problem;
    }

    @Override
    public String toString() {
      return describe(this);
    }
  }

  static final class Unauthorized extends UnauthorizedException implements ProblemCarrier {
    private static final long serialVersionUID = 1L;
    private final ProblemDetails problem;

    Unauthorized(ProblemDetails problem) {
      super(message(problem));
      this.problem = problem;
    }

    @Override
    public ProblemDetails problem() {
      return problem;
    }

    @Override
    public String toString() {
      return describe(this);
    }
  }

  static final class BadRequest extends BadRequestException implements ProblemCarrier {
    private static final long serialVersionUID = 1L;
    private final ProblemDetails problem;

    BadRequest(ProblemDetails problem) {
      super(message(problem));
      this.problem = problem;
    }

    @Override
    public ProblemDetails problem() {
      return problem;
    }

    @Override
    public String toString() {
      return describe(this);
    }
  }

  static final class ExperimentIdMismatch extends ExperimentIdMismatchException
      implements ProblemCarrier {
    private static final long serialVersionUID = 1L;
    private final ProblemDetails problem;

    ExperimentIdMismatch(ProblemDetails problem) {
      super(message(problem));
      this.problem = problem;
    }

    @Override
    public ProblemDetails problem() {
      return problem;
    }

    @Override
    public String toString() {
      return describe(this);
    }
  }

  static final class PayloadTooLarge extends PayloadTooLargeException implements ProblemCarrier {
    private static final long serialVersionUID = 1L;
    private final ProblemDetails problem;

    PayloadTooLarge(ProblemDetails problem) {
      super(message(problem));
      this.problem = problem;
    }

    @Override
    public ProblemDetails problem() {
      return problem;
    }

    @Override
    public String toString() {
      return describe(this);
    }
  }

  /** {@code eden://error/internal}: the server failed; not the caller's fault. */
  static final class ServerFailure extends ArtifactStorageException implements ProblemCarrier {
    private static final long serialVersionUID = 1L;
    private final ProblemDetails problem;

    ServerFailure(ProblemDetails problem) {
      super(message(problem), null);
      this.problem = problem;
    }

    @Override
    public ProblemDetails problem() {
      return problem;
    }

    @Override
    public String toString() {
      return describe(this);
    }
  }
}
