package dev.eden.artifacts.client;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.ProblemDetails;
import dev.eden.artifacts.ProblemType;

/**
 * The server (or a proxy in front of it) answered with something the wire contract does not allow
 * here: an error without a problem+json body (a proxy's HTML 502, an empty 500), or a success whose
 * body is not the documented JSON.
 *
 * <p>An {@link ArtifactException}, unchecked: an answer arrived, so this is not a transport
 * failure. An error answer without a problem body means no more than its HTTP status (RFC 9457
 * §4.2.1), so {@link #typeUri()} is {@code about:blank}, {@link #status()} the answer's status, and
 * {@link #remoteProblem()} holds just those two; {@link #type()} is {@link ProblemType#INTERNAL}.
 * The snippet is bounded (a few hundred characters, control characters replaced) and never carries
 * the bearer.
 */
public class UnexpectedResponseException extends ArtifactException {
  private static final long serialVersionUID = 2L;

  private final String contentType;
  private final String snippet;

  /**
   * @param status the answer's HTTP status
   * @param contentType the answer's {@code Content-Type}, or {@code null}
   * @param snippet the start of the body, already bounded and cleaned; may be empty, not null
   * @param reason what is wrong with the answer, for the message
   */
  public UnexpectedResponseException(int status, String contentType, String snippet, String reason) {
    super(reason + " (HTTP " + status
            + (contentType == null ? ", no content type" : ", " + contentType) + ")"
            + (requireNonNull(snippet, "snippet").isEmpty() ? ", empty body" : ": " + snippet),
        new ProblemDetails(ProblemDetails.ABOUT_BLANK, status, null, null, null));
    this.contentType = contentType;
    this.snippet = snippet;
  }

  /** The answer's {@code Content-Type}, or {@code null} if it had none. */
  public String contentType() {
    return contentType;
  }

  /** The start of the answer's body, bounded and with control characters replaced; may be empty. */
  public String snippet() {
    return snippet;
  }
}
