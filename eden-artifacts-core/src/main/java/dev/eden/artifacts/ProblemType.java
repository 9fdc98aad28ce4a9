package dev.eden.artifacts;

import java.util.Optional;

/**
 * The problem types an artifact endpoint answers with, one per row of the wire contract's error
 * table, plus {@link #INTERNAL} for infrastructure failures that are not the caller's fault.
 *
 * <p>Clients key behaviour on {@link #uri()}, never on the status alone.
 */
public enum ProblemType {
  BAD_REQUEST("eden://error/bad-request", 400, "Bad Request"),
  EXPERIMENT_ID_MISMATCH("eden://error/experiment-id-mismatch", 400, "Experiment Id Mismatch"),
  UNAUTHORIZED("eden://error/unauthorized", 401, "Unauthorized"),
  FORBIDDEN("eden://error/forbidden", 403, "Forbidden"),
  NOT_FOUND("eden://error/not-found", 404, "Not Found"),
  PAYLOAD_TOO_LARGE("eden://error/payload-too-large", 413, "Payload Too Large"),
  /** A failure of storage or of the server itself; its details never reach the caller. */
  INTERNAL("eden://error/internal", 500, "Internal Server Error");

  private final String uri;
  private final int status;
  private final String title;

  ProblemType(String uri, int status, String title) {
    this.uri = uri;
    this.status = status;
    this.title = title;
  }

  /** The problem {@code type} URI, for example {@code eden://error/not-found}. */
  public String uri() {
    return uri;
  }

  /** The HTTP status that goes with this type. */
  public int status() {
    return status;
  }

  /** A short, human-readable summary that does not change between occurrences. */
  public String title() {
    return title;
  }

  /** The type whose {@link #uri()} is exactly {@code uri}, if any. */
  public static Optional<ProblemType> fromUri(String uri) {
    for (ProblemType type : values()) {
      if (type.uri.equals(uri)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
