package dev.eden.artifacts.server.jetty;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.server.AdminHandler;
import dev.eden.artifacts.server.ArtifactHandler;
import dev.eden.artifacts.server.ServerExchange;
import dev.eden.artifacts.server.internal.HandlerKnobs;
import dev.eden.artifacts.server.internal.JettyConnectors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Runs an {@link ArtifactHandler} directly on Jetty's core API, without the servlet layer: fewer
 * allocations per request, and response headers go out exactly as set (the servlet layer rewrites
 * {@code Content-Type} parameters, for example {@code text/plain; charset=x} to
 * {@code text/plain;charset=x}, which would break the contract's verbatim echo). Blocking: each
 * request occupies a pool thread while its body streams. Deposit bodies are parsed with Jetty's
 * {@code MultiPart.Parser} (see {@link JettyMultipartReader}) unless the handler's builder chose a
 * reader explicitly. Every HTTP/1.1 connector of the server must read header values byte for byte
 * ({@link ExactRequestHeaders}); the handler refuses to start otherwise. Thread-safe.
 */
public final class ArtifactJettyHandler extends Handler.Abstract {
  private final ArtifactHandler handler;
  private final AdminHandler admin; // null: no admin API, no console

  /** The artifact endpoints alone. */
  public ArtifactJettyHandler(ArtifactHandler handler) {
    this(handler, null);
  }

  /**
   * The artifact endpoints, and beside them the admin API (and the console, if enabled): a request
   * whose path {@link AdminHandler#handles} goes to {@code admin}, every other to {@code handler}.
   *
   * @param admin may be null for the artifact endpoints alone
   */
  public ArtifactJettyHandler(ArtifactHandler handler, AdminHandler admin) {
    super(InvocationType.BLOCKING);
    this.handler = HandlerKnobs.preferringMultipartReader(
        requireNonNull(handler, "handler"), JettyMultipartReader.FACTORY);
    this.admin = admin;
  }

  /**
   * @throws IllegalStateException if an HTTP/1.1 connector of the server does not hand header values
   *     over byte for byte (see {@link ExactRequestHeaders}): credentials could be read as an earlier
   *     request's
   */
  @Override
  protected void doStart() throws Exception {
    // Not attached to a server yet: nothing to check.
    String problem = getServer() == null ? null : JettyConnectors.problem(getServer());
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
    super.doStart();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    CoreExchange exchange = new CoreExchange(request, response);
    try {
      if (admin != null && admin.handles(exchange.rawPath())) {
        admin.handle(exchange);
      } else {
        handler.handle(exchange);
      }
      exchange.finish();
      callback.succeeded();
    } catch (Throwable t) {
      callback.failed(t);
    }
    return true;
  }

  private static final class CoreExchange implements ServerExchange {
    private final Request request;
    private final Response response;
    private OutputStream body;

    CoreExchange(Request request, Response response) {
      this.request = request;
      this.response = response;
    }

    void finish() throws IOException {
      if (body != null) {
        body.close();
      }
    }

    @Override
    public String method() {
      return request.getMethod();
    }

    @Override
    public String rawPath() {
      return request.getHttpURI().getPath();
    }

    @Override
    public String rawQuery() {
      return request.getHttpURI().getQuery();
    }

    @Override
    public String requestUrl() {
      return request.getHttpURI().asString();
    }

    @Override
    public String requestHeader(String name) {
      return request.getHeaders().get(name);
    }

    @Override
    public List<String> requestHeaders(String name) {
      return request.getHeaders().getValuesList(name);
    }

    @Override
    public long requestContentLength() {
      return request.getLength();
    }

    @Override
    public InputStream requestBody() {
      return Content.Source.asInputStream(request);
    }

    @Override
    public void status(int status) {
      response.setStatus(status);
    }

    @Override
    public void responseHeader(String name, String value) {
      response.getHeaders().put(name, value);
    }

    @Override
    public void responseContentLength(long length) {
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    }

    @Override
    public void closeConnectionAfterResponse() {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }

    @Override
    public boolean isCommitted() {
      return response.isCommitted();
    }

    @Override
    public OutputStream responseBody() {
      if (body == null) {
        body = Content.Sink.asOutputStream(response);
      }
      return body;
    }
  }
}
