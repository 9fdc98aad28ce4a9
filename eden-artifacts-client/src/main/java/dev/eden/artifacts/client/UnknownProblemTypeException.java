package dev.eden.artifacts.client;

import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.ProblemDetails;
import dev.eden.artifacts.ProblemType;

/**
 * The server answered with a problem+json whose {@code type} is outside this library's vocabulary
 * (a newer server, another EDEN endpoint's vocabulary, a gateway's own problem types). Known types
 * become their own classes instead ({@code ArtifactNotFoundException}, {@code ForbiddenException},
 * …). Everything the server sent is in {@link #remoteProblem()}, which is always present;
 * {@link #typeUri()} and {@link #status()} are its type and status, and {@link #type()} is
 * {@link ProblemType#INTERNAL} (how this library would report it).
 *
 * <p>Unchecked, like every {@link ArtifactException}: the server did answer, so this is not a
 * transport failure. The message is {@code HTTP <status> <type>: <detail or title>}. Never carries
 * the bearer.
 */
public class UnknownProblemTypeException extends ArtifactException {
  private static final long serialVersionUID = 2L;

  /**
   * @throws IllegalArgumentException if {@code problem.type()} is one of {@link ProblemType}: those
   *     have their own class
   */
  public UnknownProblemTypeException(ProblemDetails problem) {
    super(message(problem), problem);
  }

  private static String message(ProblemDetails problem) {
    String text = problem.detail() != null ? problem.detail() : problem.title();
    return "HTTP " + problem.status() + " " + problem.type() + (text == null ? "" : ": " + text);
  }
}
