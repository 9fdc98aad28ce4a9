package dev.eden.artifacts.client;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.client.internal.ProblemCarrier;

/**
 * The server answered with a problem+json whose {@code type} this client does not know (a newer
 * server, another EDEN endpoint's vocabulary, a gateway's own problem types). Known types become the
 * core exceptions instead ({@code ArtifactNotFoundException}, {@code ForbiddenException}, …).
 *
 * <p>Unchecked: the server did answer, so this is not a transport failure. Never carries the bearer.
 */
public class UnknownProblemTypeException extends RuntimeException implements ProblemCarrier {
  private static final long serialVersionUID = 1L;

  private final ProblemDetails problem;

  public UnknownProblemTypeException(ProblemDetails problem) {
    super(message(requireNonNull(problem, "problem")));
    this.problem = problem;
  }

  private static String message(ProblemDetails problem) {
    String text = problem.detail() != null ? problem.detail() : problem.title();
    return "HTTP " + problem.status() + " " + problem.type() + (text == null ? "" : ": " + text);
  }

  /** The whole problem as the server sent it. */
  @Override
  public ProblemDetails problem() {
    return problem;
  }

  public String type() {
    return problem.type();
  }

  public int status() {
    return problem.status();
  }

  /** The title, or {@code null}. */
  public String title() {
    return problem.title();
  }

  /** The detail, or {@code null}. */
  public String detail() {
    return problem.detail();
  }

  /** The instance, or {@code null}. */
  public String instance() {
    return problem.instance();
  }
}
