package dev.eden.artifacts.server;

import dev.eden.artifacts.ProblemType;
import java.time.Duration;
import java.util.Locale;

/**
 * One finished exchange, as an {@link ExchangeListener} hears of it: what was asked, how it was
 * answered, and how many bytes moved. It never holds a request header: no bearer, no secret.
 * Immutable and thread-safe.
 */
public final class ExchangeEvent {
  /** The short name of {@link ProblemType#INTERNAL}: a 500, or a failure after the response started. */
  public static final String INTERNAL = problemName(ProblemType.INTERNAL);
  private static final String EDEN_ERROR_PREFIX = "eden://error/";

  /** What an exchange was routed to, decided from its method and path alone. */
  public enum Operation {
    /** {@code POST /v0/experiments/{E}/artifacts}. */
    DEPOSIT,
    /** {@code GET} or {@code HEAD /v0/experiments/{E}/artifacts}. */
    FETCH,
    /** The admin API and the console ({@link AdminHandler}). */
    ADMIN,
    /** The liveness path ({@code /healthz} by default), any method. */
    HEALTH,
    /** Anything else: an unknown path (404), another method on the artifacts path (405). */
    OTHER;

    /** The lower-case name, as used in metric labels: {@code deposit}, {@code fetch}, … */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String method;
  private final String path;
  private final int status;
  private final long bytesIn;
  private final long bytesOut;
  private final long durationNanos;
  private final String principal;
  private final Operation operation;
  private final String problem;
  private final String incident;
  private final long artifactBytes;
  private final boolean digestMismatch;
  private final boolean completed;

  ExchangeEvent(String method, String path, int status, long bytesIn, long bytesOut,
      long durationNanos, String principal, Operation operation, String problem, String incident,
      long artifactBytes, boolean digestMismatch, boolean completed) {
    this.method = method;
    this.path = path;
    this.status = status;
    this.bytesIn = bytesIn;
    this.bytesOut = bytesOut;
    this.durationNanos = durationNanos;
    this.principal = principal;
    this.operation = operation;
    this.problem = problem;
    this.incident = incident;
    this.artifactBytes = artifactBytes;
    this.digestMismatch = digestMismatch;
    this.completed = completed;
  }

  /** The short name of {@code type} as {@link #problem()} gives it: {@code forbidden} for {@link ProblemType#FORBIDDEN}. */
  public static String problemName(ProblemType type) {
    return problemName(type.uri(), type.title());
  }

  /**
   * The short name of a problem (see {@link #problem()}): the last segment of an EDEN type URI,
   * {@code forbidden} for {@code eden://error/forbidden}; for {@code about:blank} the title in lower
   * case with dashes, {@code method-not-allowed}.
   */
  static String problemName(String typeUri, String title) {
    return typeUri.startsWith(EDEN_ERROR_PREFIX)
        ? typeUri.substring(EDEN_ERROR_PREFIX.length())
        : title.toLowerCase(Locale.ROOT).replace(' ', '-');
  }

  /** The request method, for example {@code POST}. */
  public String method() {
    return method;
  }

  /**
   * The request path as sent (not percent-decoded), then {@code ?} and the query if there is one,
   * relative to where the handler is mounted ({@link ServerExchange#rawPath()}). A fetch's {@code
   * uri} parameter is in it; a header never is.
   */
  public String path() {
    return path;
  }

  /** The response status; 0 if the exchange ended before any status was set. */
  public int status() {
    return status;
  }

  /**
   * Request body bytes the handler actually read, multipart framing included: a deposit refused
   * early (413 on a declared length, 401) reads little or nothing of a large body.
   */
  public long bytesIn() {
    return bytesIn;
  }

  /** Response body bytes written: 0 for {@code HEAD}, a 304 and any answer without a body. */
  public long bytesOut() {
    return bytesOut;
  }

  /** From the handler's first look at the exchange to its end, in nanoseconds. */
  public long durationNanos() {
    return durationNanos;
  }

  /** {@link #durationNanos()} as a duration. */
  public Duration duration() {
    return Duration.ofNanos(durationNanos);
  }

  /**
   * The authenticated principal's name ({@code admin} or a worker id); null when the exchange was
   * not authenticated (a refused bearer, the liveness path, the console's files).
   */
  public String principal() {
    return principal;
  }

  public Operation operation() {
    return operation;
  }

  /**
   * The short name of the problem the exchange was answered with, or null when it was not a problem.
   * For the wire contract's types, the last segment of the type URI: {@code bad-request}, {@code
   * experiment-id-mismatch}, {@code unauthorized}, {@code forbidden}, {@code not-found}, {@code
   * payload-too-large}; {@code internal} ({@link #INTERNAL}) for a 500 and for a failure after the response started.
   * The HTTP answers without an EDEN type are named after their status: {@code method-not-allowed}
   * (405), {@code precondition-failed} (412), {@code range-not-satisfiable} (416).
   */
  public String problem() {
    return problem;
  }

  /**
   * The incident id of an internal failure, the one its 500 answer and its log line carry; null
   * otherwise.
   */
  public String incident() {
    return incident;
  }

  /**
   * The artifact's size in bytes: the one stored by a successful deposit, or the one a fetch looked
   * up (whatever part of it was sent); -1 when there was none.
   */
  public long artifactBytes() {
    return artifactBytes;
  }

  /**
   * Whether a deposit was refused (400 {@code bad-request}, nothing stored) because its bytes did not
   * hash to the SHA-256 its {@code Content-Digest} declared.
   */
  public boolean digestMismatch() {
    return digestMismatch;
  }

  /**
   * Whether the answer was given in full. False when the response was cut off: the client went away
   * mid-response, or the server failed after the response started ({@link #incident()} then says
   * which).
   */
  public boolean completed() {
    return completed;
  }

  /**
   * One word for how it went, for metric labels: {@code ok} for an answer given in full that is no
   * problem (2xx, 304), else the {@link #problem()}; {@code disconnected} when the client went away
   * mid-response.
   */
  public String outcome() {
    if (problem != null) {
      return problem;
    }
    return completed ? "ok" : "disconnected";
  }

  @Override
  public String toString() {
    return "ExchangeEvent[" + method + " " + path + " " + status + " " + outcome() + "]";
  }
}
