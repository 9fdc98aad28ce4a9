package dev.eden.artifacts.client;

import static java.util.Objects.requireNonNull;

/**
 * The server (or a proxy in front of it) answered with something the wire contract does not allow
 * here: an error without a problem+json body (a proxy's HTML 502, an empty 500), or a success whose
 * body is not the documented JSON.
 *
 * <p>Unchecked: an answer arrived, so this is not a transport failure. The snippet is bounded (a few
 * hundred characters, control characters replaced) and never carries the bearer.
 */
public class UnexpectedResponseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String contentType;
  private final String snippet;

  public UnexpectedResponseException(int status, String contentType, String snippet, String reason) {
    super(reason + " (HTTP " + status
        + (contentType == null ? ", no content type" : ", " + contentType) + ")"
        + (requireNonNull(snippet, "snippet").isEmpty() ? ", empty body" : ": " + snippet));
    this.status = status;
    this.contentType = contentType;
    this.snippet = snippet;
  }

  /** The HTTP status of the answer. */
  public int status() {
    return status;
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
