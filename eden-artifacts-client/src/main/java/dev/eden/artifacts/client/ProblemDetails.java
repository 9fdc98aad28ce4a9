package dev.eden.artifacts.client;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.client.internal.ProblemCarrier;
import java.io.Serializable;
import java.util.Optional;

/**
 * An RFC 7807 problem answer as the server sent it. Every exception the client builds from a
 * problem+json answer carries one: read it with {@link #of(Throwable)}, for example to log the
 * {@code instance} the server named. Immutable and thread-safe.
 *
 * @param type the problem {@code type} URI, for example {@code eden://error/not-found}
 * @param status the HTTP status of the answer
 * @param title the problem title, or {@code null} if the server sent none
 * @param detail the problem detail, or {@code null} if the server sent none
 * @param instance the problem instance (the request URL for this project's server), or {@code null}
 */
public record ProblemDetails(String type, int status, String title, String detail, String instance)
    implements Serializable {
  public ProblemDetails {
    requireNonNull(type, "type");
  }

  /**
   * The problem behind {@code failure}, if the client built it from a problem+json answer; empty for
   * transport failures, non-problem answers and exceptions from elsewhere.
   */
  public static Optional<ProblemDetails> of(Throwable failure) {
    if (failure instanceof ProblemCarrier) {
      return Optional.of(((ProblemCarrier) failure).problem());
    }
    return Optional.empty();
  }
}
