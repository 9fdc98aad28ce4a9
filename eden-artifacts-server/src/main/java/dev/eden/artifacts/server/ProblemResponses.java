package dev.eden.artifacts.server;

import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.PayloadTooLargeException;
import dev.eden.artifacts.ProblemType;
import dev.eden.artifacts.server.internal.ProblemJson;
import java.io.IOException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders every error of the artifact endpoints as RFC 7807 problem+json with the request URL as
 * {@code instance}. Internal failures are logged under an incident id that is the only thing the
 * client learns about them. Stateless.
 */
final class ProblemResponses {
  static final String PROBLEM_JSON = ProblemJson.CONTENT_TYPE;
  private static final String ABOUT_BLANK = "about:blank";
  private static final Logger LOG = LoggerFactory.getLogger(ArtifactHandler.class);

  private ProblemResponses() {}

  /** Routes one request of an endpoint. */
  @FunctionalInterface
  interface Route {
    void handle(ObservedExchange exchange) throws IOException;
  }

  /**
   * Runs {@code route} and answers whatever it throws: an {@link ArtifactException} with its
   * problem type, anything else as a 500. The one place the endpoints render their errors, and so
   * the place an exchange ends: its listener hears of it here, however it went.
   *
   * @throws IOException only when the response was already committed or the connection is gone
   */
  static void answering(ObservedExchange exchange, Route route) throws IOException {
    boolean completed = false;
    try {
      try {
        route.handle(exchange);
      } catch (ArtifactException e) {
        artifactProblem(exchange, e);
      } catch (ServerBusyException e) {
        serviceUnavailable(exchange, e);
      } catch (BodyTooSlowException e) {
        requestTimeout(exchange, e);
      } catch (IOException | RuntimeException e) {
        internalError(exchange, e);
      }
      completed = true;
    } finally {
      exchange.finish(completed);
    }
  }

  /** Answers a failure the client caused (4xx) with its type, or an internal one as a 500. */
  static void artifactProblem(ObservedExchange exchange, ArtifactException e) throws IOException {
    if (e.type() == ProblemType.INTERNAL) {
      internalError(exchange, e);
      return;
    }
    if (e instanceof PayloadTooLargeException) {
      exchange.closeConnectionAfterResponse();
    }
    problem(exchange, e.type().status(), e.type().uri(), e.type().title(), e.detail());
  }

  static void methodNotAllowed(ObservedExchange exchange, String allow) throws IOException {
    exchange.responseHeader("Allow", allow);
    // No problem type of the closed vocabulary fits; RFC 7807's about:blank means "just the status".
    problem(exchange, 405, ABOUT_BLANK, "Method Not Allowed",
        "this endpoint answers only " + allow);
  }

  /**
   * 503: a bounded resource is full ({@link ServerBusyException}). The connection closes: a refused
   * deposit's body is never read, and a shed client reconnecting costs the server little.
   */
  static void serviceUnavailable(ObservedExchange exchange, ServerBusyException e) throws IOException {
    exchange.closeConnectionAfterResponse();
    exchange.responseHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
    problem(exchange, 503, ABOUT_BLANK, "Service Unavailable", e.getMessage());
  }

  /** 408: a deposit body arrived slower than the minimum data rate; its connection closes. */
  private static void requestTimeout(ObservedExchange exchange, BodyTooSlowException e) throws IOException {
    exchange.closeConnectionAfterResponse();
    problem(exchange, 408, ABOUT_BLANK, "Request Timeout", e.getMessage());
  }

  /** 412: an {@code If-Match} or {@code If-Unmodified-Since} of a fetch failed (RFC 9110 §13.2.2). */
  static void preconditionFailed(ObservedExchange exchange) throws IOException {
    problem(exchange, 412, ABOUT_BLANK, "Precondition Failed",
        "the artifact does not match the request's If-Match or If-Unmodified-Since");
  }

  /**
   * 416: the single range a fetch asked for lies outside the artifact (RFC 9110 §15.5.17); {@code
   * contentRange} is {@code bytes *}{@code /size}.
   */
  static void rangeNotSatisfiable(ObservedExchange exchange, String contentRange) throws IOException {
    exchange.responseHeader("Content-Range", contentRange);
    problem(exchange, 416, ABOUT_BLANK, "Range Not Satisfiable",
        "the requested range lies outside the artifact's " + contentRange.substring("bytes */".length()) + " bytes");
  }

  /**
   * A 500 whose detail is only an incident id; when the response already started, the connection
   * must be aborted instead. A client that went away is no internal error: see {@link
   * #clientDisconnected}.
   *
   * @throws IOException always when the response was already committed or the client is gone
   */
  static void internalError(ObservedExchange exchange, Exception e) throws IOException {
    if (e instanceof ClientDisconnectedException) {
      clientDisconnected(exchange, (ClientDisconnectedException) e);
    }
    String incident = UUID.randomUUID().toString();
    exchange.incident(incident);
    if (exchange.isCommitted()) {
      LOG.warn("{} {}: failed after the response started (incident {})", exchange.method(),
          exchange.rawPath(), incident, e);
      throw e instanceof IOException ? (IOException) e : new IOException("response aborted", e);
    }
    LOG.error("{} {}: internal error (incident {})", exchange.method(), exchange.rawPath(),
        incident, e);
    exchange.closeConnectionAfterResponse();
    problem(exchange, ProblemType.INTERNAL.status(), ProblemType.INTERNAL.uri(),
        ProblemType.INTERNAL.title(), "the server could not complete the request; incident " + incident);
  }

  /**
   * A client that hung up mid-response: nobody is left to answer and nothing on the server is
   * wrong, so one DEBUG line. The transport's own exception goes back to the adapter, so a
   * container that knows it (Jetty's {@code EofException}, Tomcat's {@code ClientAbortException})
   * stays quiet too and drops the connection.
   *
   * @throws IOException always: the transport's failure
   */
  private static void clientDisconnected(ServerExchange exchange, ClientDisconnectedException e)
      throws IOException {
    LOG.debug("{} {}: the client closed the connection mid-response ({})", exchange.method(),
        exchange.rawPath(), e.transportFailure().toString());
    throw e.transportFailure();
  }

  private static void problem(ObservedExchange exchange, int status, String type, String title,
      String detail) throws IOException {
    if (exchange.isCommitted()) {
      throw new IOException("cannot report " + status + " " + type + ": response already started");
    }
    exchange.problem(ExchangeEvent.problemName(type, title));
    byte[] json = ProblemJson.render(status, type, title, detail, exchange.requestUrl());
    exchange.status(status);
    exchange.responseHeader("Content-Type", PROBLEM_JSON);
    exchange.responseHeader("Cache-Control", "no-store");
    if (status == 401) {
      exchange.responseHeader("WWW-Authenticate", "Bearer");
    }
    exchange.responseContentLength(json.length);
    if (!exchange.method().equals("HEAD")) { // a HEAD answer has the GET's headers, no body
      exchange.responseBody().write(json);
    }
  }
}
