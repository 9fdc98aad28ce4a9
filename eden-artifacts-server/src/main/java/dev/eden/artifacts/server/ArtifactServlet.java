package dev.eden.artifacts.server;

import static java.util.Objects.requireNonNull;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Mounts an {@link ArtifactHandler} in any Jakarta Servlet 6 container (Jetty, Tomcat, Spring
 * Boot). Map it to {@code /*} of a context; the handler sees request paths relative to the context
 * path, so a context at {@code /} serves {@code /v0/experiments/{E}/artifacts} and
 * {@code /healthz}.
 *
 * <pre>{@code
 * context.addServlet(new ServletHolder(new ArtifactServlet(handler)), "/*");
 * }</pre>
 *
 * <p>Do not put a filter in front that reads the body or parses multipart ({@code getParts()}):
 * the deposit streams the raw body. The container must hand request header values over exactly as
 * sent: on Jetty 12 configure every connector's {@code HttpConfiguration} with
 * {@link dev.eden.artifacts.server.jetty.ExactRequestHeaders#apply} — by default Jetty may hand a
 * kept-alive connection an earlier request's {@code Authorization} value that differs only in
 * letter case. Thread-safe.
 */
public class ArtifactServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient ArtifactHandler handler;

  public ArtifactServlet(ArtifactHandler handler) {
    this.handler = requireNonNull(handler, "handler");
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    handler.handle(new ServletExchange(request, response));
  }

  private static final class ServletExchange implements ServerExchange {
    private final HttpServletRequest request;
    private final HttpServletResponse response;

    ServletExchange(HttpServletRequest request, HttpServletResponse response) {
      this.request = request;
      this.response = response;
    }

    @Override
    public String method() {
      return request.getMethod();
    }

    @Override
    public String rawPath() {
      String uri = request.getRequestURI();
      String context = request.getContextPath();
      return context.isEmpty() || !uri.startsWith(context) ? uri : uri.substring(context.length());
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
      return request.getInputStream();
    }

    @Override
    public void status(int status) {
      response.setStatus(status);
    }

    @Override
    public void responseHeader(String name, String value) {
      response.setHeader(name, value);
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
