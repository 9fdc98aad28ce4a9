package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * An RFC 9457 (formerly RFC 7807) problem answer as a server sent it: what an
 * {@link ArtifactException} rebuilt from a wire answer carries (see
 * {@link ArtifactException#remoteProblem()}), for example to log the {@code instance} the server
 * named. Immutable and thread-safe.
 *
 * @param type the problem {@code type} URI (RFC 9457 §3.1.1), for example
 *     {@code eden://error/not-found}; any URI, including ones outside {@link ProblemType}. Never
 *     null.
 * @param status the HTTP status of the answer (RFC 9457 §3.1.2 advises the member to equal it)
 * @param title the problem {@code title}, or {@code null} if the server sent none
 * @param detail the problem {@code detail}, or {@code null} if the server sent none
 * @param instance the problem {@code instance} (this project's server sends the request URL), or
 *     {@code null}
 */
public record ProblemDetails(String type, int status, String title, String detail, String instance)
    implements Serializable {
  /** Stands for "no problem type beyond the HTTP status" (RFC 9457 §4.2.1). */
  public static final String ABOUT_BLANK = "about:blank";

  /**
   * @throws NullPointerException if {@code type} is null
   * @throws IllegalArgumentException if {@code status} is not a three-digit HTTP status
   */
  public ProblemDetails {
    requireNonNull(type, "type");
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status must be a three-digit HTTP status: " + status);
    }
  }
}
