package dev.eden.artifacts.server;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.server.internal.ExactContentType;
import dev.eden.artifacts.server.internal.ExactRequestHeadersCheck;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts an {@link ArtifactHandler} in any Jakarta Servlet 6 container (Jetty, Tomcat, Spring
 * Boot). The handler routes on the raw (not percent-decoded) request path after the context path
 * and after the servlet's mount path, so it serves {@code MOUNT/v0/experiments/{E}/artifacts} and
 * {@code MOUNT/healthz}:
 *
 * <ul>
 *   <li>everything in a context: map the servlet to {@code /*} (mount path empty);
 *   <li>only the binding's own paths: map it to {@code /v0/*} and {@code /healthz} (mount path
 *       empty), leaving the rest of the context to the application;
 *   <li>under a prefix beside the application's own servlets and controllers: map it to
 *       {@code /eden/*} and construct it with mount path {@code /eden}
 *       ({@link #ArtifactServlet(ArtifactHandler, String)}).
 * </ul>
 *
 * <p>The mount path is a setting, not learnt from the servlet mapping: a mapping {@code /v0/*}
 * and a mapping {@code /eden/*} look alike to the container (both are path mappings), yet only the
 * second one is a prefix to remove. A request outside the mount path (the servlet mapped
 * somewhere else as well) is answered 404 {@code not-found}.
 *
 * <pre>{@code
 * context.addServlet(new ServletHolder(new ArtifactServlet(handler)), "/*");
 * // Spring Boot, beside the application's controllers:
 * new ServletRegistrationBean<>(new ArtifactServlet(handler, "/eden"), "/eden/*");
 * }</pre>
 *
 * <p>Response headers go out as the handler sets them. Tomcat and Jetty's servlet layer would
 * rewrite a {@code Content-Type} with parameters ({@code text/plain; charset=utf-8} →
 * {@code text/plain;charset=utf-8}); on those two containers the servlet sets it through the
 * container's own response instead, so a fetch echoes the recorded type byte for byte (§16.2).
 *
 * <p>Do not put a filter in front that reads the body or parses multipart ({@code getParts()}):
 * the deposit streams the raw body. The container must hand request header values over exactly as
 * sent: on Jetty 12 configure every connector's {@code HttpConfiguration} with
 * {@link dev.eden.artifacts.server.jetty.ExactRequestHeaders#apply} — by default Jetty may hand a
 * kept-alive connection an earlier request's {@code Authorization} value that differs only in
 * letter case. On Jetty ee10 the servlet checks this when the container initialises it and refuses
 * to start otherwise ({@link #init()}). Thread-safe.
 */
public class ArtifactServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ArtifactServlet.class);

  private final transient ArtifactHandler handler;
  private final String mountPath;

  /**
   * Serves the binding's paths relative to the context path: map it to {@code /*}, or to
   * {@code /v0/*} and {@code /healthz}.
   */
  public ArtifactServlet(ArtifactHandler handler) {
    this(handler, "");
  }

  /**
   * Serves the binding's paths under {@code mountPath} within the context: with mount path
   * {@code /eden} (and the servlet mapped to {@code /eden/*}), {@code /eden/v0/experiments/{E}/artifacts}
   * and {@code /eden/healthz}.
   *
   * @param mountPath empty (or {@code /}) for none, else {@code /} followed by path segments, as
   *     sent on the wire (matched against the raw request path), without a trailing {@code /}
   * @throws IllegalArgumentException if {@code mountPath} is not of that form
   */
  public ArtifactServlet(ArtifactHandler handler, String mountPath) {
    this.handler = requireNonNull(handler, "handler");
    this.mountPath = checkMountPath(requireNonNull(mountPath, "mountPath"));
  }

  private static String checkMountPath(String mountPath) {
    if (mountPath.isEmpty() || mountPath.equals("/")) {
      return "";
    }
    if (!mountPath.startsWith("/") || mountPath.endsWith("/") || mountPath.contains("//")
        || mountPath.chars().anyMatch(c -> c <= ' ' || c >= 0x7f || c == '*' || c == '?' || c == '#' || c == ';')) {
      throw new IllegalArgumentException(
          "mountPath must be empty or '/' followed by path segments, without a trailing '/': " + mountPath);
    }
    return mountPath;
  }

  /**
   * @throws ServletException if the container is known to hand request header values over
   *     inexactly (Jetty 12 ee10 with a connector not configured by
   *     {@link dev.eden.artifacts.server.jetty.ExactRequestHeaders#apply}); the container then
   *     marks the servlet unavailable instead of serving with credentials it may have altered
   */
  @Override
  public void init() throws ServletException {
    String problem = ExactRequestHeadersCheck.problem(getServletContext());
    if (problem != null) {
      throw new ServletException(problem);
    }
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    ServletExchange exchange = new ServletExchange(request, response, mountPath);
    try {
      handler.handle(exchange);
    } catch (IOException e) {
      if (exchange.bodyFailed && response.isCommitted()) {
        // The container refused the request body itself (Tomcat: a malformed chunk, Content-Length
        // beside chunked) and took the response over to answer 400; rethrowing would make it a 500.
        LOG.debug("{} {}: the container refused the request body ({})", request.getMethod(),
            request.getRequestURI(), e.toString());
        return;
      }
      throw e;
    }
  }

  private static final class ServletExchange implements ServerExchange {
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final String mountPath;
    private boolean bodyFailed;

    ServletExchange(HttpServletRequest request, HttpServletResponse response, String mountPath) {
      this.request = request;
      this.response = response;
      this.mountPath = mountPath;
    }

    @Override
    public String method() {
      return request.getMethod();
    }

    @Override
    public String rawPath() {
      // Neither getRequestURI() nor getContextPath() is percent-decoded (their javadoc).
      String uri = request.getRequestURI();
      String context = request.getContextPath();
      String path = context.isEmpty() || !uri.startsWith(context) ? uri : uri.substring(context.length());
      if (mountPath.isEmpty()) {
        return path;
      }
      boolean under = path.startsWith(mountPath)
          && (path.length() == mountPath.length() || path.charAt(mountPath.length()) == '/');
      // Outside the mount path nothing is served: an empty path routes to 404.
      return under ? path.substring(mountPath.length()) : "";
    }

    @Override
    public String rawQuery() {
      return request.getQueryString();
    }

    @Override
    public String requestUrl() {
      StringBuffer url = request.getRequestURL();
      String query = request.getQueryString();
      if (query != null) {
        url.append('?').append(query);
      }
      return url.toString();
    }

    @Override
    public String requestHeader(String name) {
      return request.getHeader(name);
    }

    @Override
    public List<String> requestHeaders(String name) {
      Enumeration<String> values = request.getHeaders(name);
      return values == null ? List.of() : Collections.list(values);
    }

    @Override
    public long requestContentLength() {
      return request.getContentLengthLong();
    }

    @Override
    public InputStream requestBody() throws IOException {
      return new FilterInputStream(request.getInputStream()) {
        @Override
        public int read() throws IOException {
          try {
            return super.read();
          } catch (IOException e) {
            bodyFailed = true;
            throw e;
          }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          try {
            return super.read(b, off, len);
          } catch (IOException e) {
            bodyFailed = true;
            throw e;
          }
        }
      };
    }

    @Override
    public void status(int status) {
      response.setStatus(status);
    }

    @Override
    public void responseHeader(String name, String value) {
      if (name.equalsIgnoreCase("Content-Type")) {
        ExactContentType.set(response, value);
      } else {
        response.setHeader(name, value);
      }
    }

    @Override
    public void responseContentLength(long length) {
      response.setContentLengthLong(length);
    }

    @Override
    public void closeConnectionAfterResponse() {
      response.setHeader("Connection", "close");
    }

    @Override
    public boolean isCommitted() {
      return response.isCommitted();
    }

    @Override
    public OutputStream responseBody() throws IOException {
      return response.getOutputStream();
    }
  }
}
