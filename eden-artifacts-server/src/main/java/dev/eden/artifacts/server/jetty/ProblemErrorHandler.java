package dev.eden.artifacts.server.jetty;

import dev.eden.artifacts.ProblemType;
import dev.eden.artifacts.server.internal.ProblemJson;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Renders the errors Jetty itself answers (request headers too large, an unparseable request line
 * or URI) as problem+json instead of HTML, without messages or stack traces. Errors of the artifact
 * endpoints never reach it: {@link dev.eden.artifacts.server.ArtifactHandler} renders those.
 */
final class ProblemErrorHandler extends ErrorHandler {
  private static final String PROBLEM_JSON = ProblemJson.CONTENT_TYPE;

  ProblemErrorHandler() {
    setShowStacks(false);
    setShowCauses(false);
    setShowMessageInTitle(false);
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message,
      Throwable cause, Callback callback) {
    byte[] body = render(code, request.getHttpURI().asString());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    // A HEAD answer has the headers a GET would get and no content (RFC 9110 §9.3.2).
    boolean head = HttpMethod.HEAD.is(request.getMethod());
    response.write(true, head ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(body), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, PROBLEM_JSON));
    return ByteBuffer.wrap(render(status, null));
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
