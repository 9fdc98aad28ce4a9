package dev.eden.artifacts.server.jetty;

import dev.eden.artifacts.ProblemType;
import dev.eden.artifacts.server.internal.ProblemJson;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Renders the errors Jetty itself answers (a malformed request head: an unparseable request line,
 * URI or header line, a bad {@code Content-Length} or {@code Transfer-Encoding}, headers over the
 * bound) as problem+json instead of HTML, without messages or stack traces, whatever the request's
 * method, and closes the connection after the answer. Errors of the artifact endpoints never reach
 * it: {@link dev.eden.artifacts.server.ArtifactHandler} renders those.
 */
final class ProblemErrorHandler extends ErrorHandler {
  private static final String PROBLEM_JSON = ProblemJson.CONTENT_TYPE;
  /**
   * The method of the stand-in request Jetty answers for when it could not read the request line:
   * the client's method and target are unknown then, so the answer has no {@code instance} and
   * carries its body even if the client sent {@code HEAD} (the connection closes after it, so no
   * later answer can be misread).
   */
  private static final String UNREAD_REQUEST_LINE = "BAD";

  ProblemErrorHandler() {
    setShowStacks(false);
    setShowCauses(false);
    setShowMessageInTitle(false);
  }

  /**
   * Every method gets the problem body. Jetty's default writes an error body only for {@code GET},
   * {@code POST} and {@code HEAD} (its {@code ERROR_METHODS}) and answers every other method, a
   * {@code PUT} with a header line without a colon say, with an empty body; a problem+json body is
   * safe for any method, and a {@code HEAD} answer still carries only its headers.
   */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message,
      Throwable cause, Callback callback) {
    boolean unread = UNREAD_REQUEST_LINE.equals(request.getMethod());
    byte[] body = render(code, unread ? null : request.getHttpURI().asString());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    // What reaches this handler is a request Jetty could not read (or a failure outside the
    // endpoints): the framing of what follows on the connection cannot be trusted, and Jetty closes
    // it after some of these anyway (a bad request line), so every one says so.
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    // A HEAD answer has the headers a GET would get and no content (RFC 9110 §9.3.2).
    boolean head = HttpMethod.HEAD.is(request.getMethod());
    response.write(true, head ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(body), callback);
  }

  private static byte[] render(int status, String instance) {
    ProblemType known = Arrays.stream(ProblemType.values())
        .filter(t -> t.status() == status && t != ProblemType.EXPERIMENT_ID_MISMATCH)
        .findFirst()
        .orElse(null);
    String title = known != null ? known.title() : HttpStatus.getMessage(status);
    return ProblemJson.render(status, known != null ? known.uri() : "about:blank", title,
        "the server rejected the request: " + HttpStatus.getMessage(status), instance);
  }
}
