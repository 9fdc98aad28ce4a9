package dev.eden.artifacts.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.BadRequestException;
import dev.eden.artifacts.DepositResult;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.ExperimentIdMismatchException;
import dev.eden.artifacts.FetchedArtifact;
import dev.eden.artifacts.PayloadTooLargeException;
import dev.eden.artifacts.PendingDeposit;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.ProblemType;
import dev.eden.artifacts.UnauthorizedException;
import dev.eden.artifacts.server.internal.ContentDisposition;
import dev.eden.artifacts.server.internal.LimitedInputStream;
import dev.eden.artifacts.server.internal.MultipartForm;
import dev.eden.artifacts.server.internal.QueryParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EDEN v0 artifact endpoints over HTTP, independent of any server: routing, the experiment
 * check, bearer authentication, the streaming multipart deposit, the ACL-guarded streaming fetch,
 * and problem+json for every error. Adapters ({@link ArtifactServlet}, the embedded Jetty server)
 * only translate a request into a {@link ServerExchange}.
 *
 * <ul>
 *   <li>{@code POST /v0/experiments/{E}/artifacts} — deposit: exactly one {@code multipart/form-data}
 *       part named {@code file} with a filename; its bytes stream into the service's pending blob
 *       and the deposit completes only after the closing boundary was seen;
 *   <li>{@code GET /v0/experiments/{E}/artifacts?uri=...} — fetch;
 *   <li>{@code GET /healthz} (configurable) — liveness, no authentication;
 *   <li>anything else under those paths: 405 with {@code Allow}; unknown paths: 404.
 * </ul>
 *
 * <p>Checks run in this order: route, experiment header, bearer, then the operation. An admin-class
 * worker (see {@link Authenticator#isAdminClass}) reads with the admin's rights, so the service's
 * access policy sees it as {@link Principal#admin()}; deposits are always attributed to the
 * authenticated principal itself.
 *
 * <p>Thread-safe and stateless per request: build one and share it.
 */
public final class ArtifactHandler {
  /** The request header that scopes every {@code /v0/experiments/{E}/...} request. */
  public static final String EXPERIMENT_HEADER = "X-Eden-Experiment-Id";
  /** Deposit response header carrying the lowercase hex SHA-256 of the stored bytes. */
  public static final String SHA256_HEADER = "X-Eden-Artifact-Sha256";
  /** Response header carrying the artifact's {@code created_at}. */
  public static final String CREATED_AT_HEADER = "X-Eden-Artifact-Created-At";
  /** Response header naming the principal that deposited the artifact. */
  public static final String CREATED_BY_HEADER = "X-Eden-Artifact-Created-By";

  static final String PROBLEM_JSON = "application/problem+json; charset=utf-8";
  private static final String ABOUT_BLANK = "about:blank";
  private static final String ARTIFACTS_PATH_PREFIX = "/v0/experiments/";
  private static final String ARTIFACTS_PATH_SUFFIX = "/artifacts";
  private static final int COPY_BUFFER = 256 * 1024; // fewer blocking writes per GiB; capped at the artifact size
  private static final Logger LOG = LoggerFactory.getLogger(ArtifactHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ArtifactService service;
  private final Authenticator authenticator;
  private final Predicate<ExperimentId> servedExperiments;
  private final int maxPartHeaderBytes;
  private final long framingAllowanceBytes;
  private final String healthPath;

  private ArtifactHandler(Builder builder) {
    this.service = builder.service;
    this.authenticator = builder.authenticator;
    this.servedExperiments = builder.servedExperiments;
    this.maxPartHeaderBytes = builder.maxPartHeaderBytes;
    this.framingAllowanceBytes = builder.framingAllowanceBytes;
    this.healthPath = builder.healthPath;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The service deposits and fetches go through. */
  public ArtifactService service() {
    return service;
  }

  /**
   * Handles one exchange completely. Every failure the client can be told about is answered with
   * problem+json here, the single place errors are rendered.
   *
   * @throws IOException only when the response was already committed (a fetch whose stream broke)
   *     or the connection is gone; the adapter should then abort the connection
   */
  public void handle(ServerExchange exchange) throws IOException {
    requireNonNull(exchange, "exchange");
    try {
      route(exchange);
    } catch (ArtifactException e) {
      if (e.type() == ProblemType.INTERNAL) {
        fail(exchange, e);
      } else {
        if (e instanceof PayloadTooLargeException) {
          exchange.closeConnectionAfterResponse();
        }
        problem(exchange, e.type().status(), e.type().uri(), e.type().title(), e.detail());
      }
    } catch (IOException | RuntimeException e) {
      fail(exchange, e);
    }
  }

  private void route(ServerExchange exchange) throws IOException {
    String path = exchange.rawPath();
    String method = exchange.method();
    if (healthPath != null && healthPath.equals(path)) {
      if (method.equals("GET") || method.equals("HEAD")) {
        health(exchange, method.equals("GET"));
      } else {
        methodNotAllowed(exchange, "GET, HEAD");
      }
      return;
    }
    String experiment = experimentSegment(path);
    if (experiment == null) {
      throw new NotFound("no endpoint is served at this path");
    }
    if (!method.equals("GET") && !method.equals("POST")) {
      methodNotAllowed(exchange, "GET, POST");
      return;
    }
    ExperimentId experimentId = checkExperiment(exchange, experiment);
    Principal principal = authenticate(exchange);
    if (method.equals("POST")) {
      deposit(exchange, experimentId, principal);
    } else {
      fetch(exchange, experimentId, principal);
    }
  }

  private static String experimentSegment(String path) {
    if (path == null || !path.startsWith(ARTIFACTS_PATH_PREFIX) || !path.endsWith(ARTIFACTS_PATH_SUFFIX)) {
      return null;
    }
    int start = ARTIFACTS_PATH_PREFIX.length();
    int end = path.length() - ARTIFACTS_PATH_SUFFIX.length();
    if (end <= start) {
      return null;
    }
    String segment = path.substring(start, end);
    return segment.indexOf('/') >= 0 ? null : segment;
  }

  private ExperimentId checkExperiment(ServerExchange exchange, String pathSegment) {
    String header = exchange.requestHeader(EXPERIMENT_HEADER);
    if (header == null) {
      throw new ExperimentIdMismatchException("the " + EXPERIMENT_HEADER + " header is required");
    }
    if (!header.equals(pathSegment)) {
      throw new ExperimentIdMismatchException(
          "the " + EXPERIMENT_HEADER + " header does not match the experiment in the path");
    }
    if (!ExperimentId.isValid(pathSegment)) {
      throw new ExperimentIdMismatchException("the experiment in the path is not a valid experiment id");
    }
    ExperimentId experimentId = ExperimentId.parse(pathSegment);
    if (!servedExperiments.test(experimentId)) {
      throw new ExperimentIdMismatchException("this server does not serve experiment " + experimentId);
    }
    return experimentId;
  }

  private Principal authenticate(ServerExchange exchange) {
    BearerCredential credential = BearerCredential
        .parseAuthorization(exchange.requestHeader("Authorization"))
        .orElseThrow(() -> new UnauthorizedException(
            "an 'Authorization: Bearer <principal>:<secret>' header is required"));
    String name = credential.principalName();
    if (!name.equals(Principal.ADMIN_NAME) && !Principal.isWorkerId(name)) {
      throw new UnauthorizedException("the bearer principal must be 'admin' or a worker id");
    }
    return authenticator.authenticate(credential)
        .orElseThrow(() -> new UnauthorizedException("the bearer credential is not valid"));
  }

  private void deposit(ServerExchange exchange, ExperimentId experimentId, Principal principal)
      throws IOException {
    long cap = service.maxArtifactBytes();
    long bodyLimit = cap > Long.MAX_VALUE - framingAllowanceBytes ? Long.MAX_VALUE : cap + framingAllowanceBytes;
    long declared = exchange.requestContentLength();
    if (declared > bodyLimit) {
      throw new PayloadTooLargeException(cap, declared);
    }
    byte[] boundary = MultipartForm.boundary(exchange.requestHeader("Content-Type"));
    if (boundary == null) {
      exchange.closeConnectionAfterResponse();
      throw new BadRequestException("the body must be multipart/form-data with a boundary");
    }
    DepositResult result;
    try {
      result = depositPart(exchange, experimentId, principal, boundary, cap, bodyLimit);
    } catch (ArtifactException e) {
      // The rest of the body may still be arriving; never read it just to throw it away.
      exchange.closeConnectionAfterResponse();
      throw e;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("artifacts_uri", result.artifactsUri());
    body.put("size_bytes", result.sizeBytes());
    body.put("content_type", result.contentType());
    byte[] json = JSON.writeValueAsBytes(body);
    exchange.status(201);
    exchange.responseHeader("Content-Type", "application/json");
    exchange.responseHeader(SHA256_HEADER, result.sha256());
    exchange.responseHeader(CREATED_AT_HEADER, result.metadata().createdAtText());
    exchange.responseHeader(CREATED_BY_HEADER, result.metadata().createdBy().name());
    exchange.responseContentLength(json.length);
    exchange.responseBody().write(json);
  }

  private DepositResult depositPart(ServerExchange exchange, ExperimentId experimentId,
      Principal principal, byte[] boundary, long cap, long bodyLimit) {
    InputStream body;
    try {
      body = new LimitedInputStream(exchange.requestBody(), bodyLimit);
    } catch (IOException e) {
      throw new BadRequestException("the request body could not be read");
    }
    try {
      MultipartForm form = MultipartForm.open(body, boundary, maxPartHeaderBytes);
      if (!form.firstPart()) {
        throw new BadRequestException("the multipart body holds no part; exactly one part named 'file' is required");
      }
      MultipartForm.Part part = form.readPart();
      if (!"file".equals(part.name())) {
        throw new BadRequestException("the only part must be a form-data part named 'file'");
      }
      if (part.filename() == null) {
        throw new BadRequestException("the 'file' part must be a file upload with a filename");
      }
      try (PendingDeposit deposit = service.beginDeposit(
          experimentId, principal, part.filename(), part.contentType(), cap)) {
        deposit.transferFrom(part.content());
        if (form.nextPart()) {
          throw new BadRequestException("the multipart body holds more than one part; exactly one part named 'file' is allowed");
        }
        return deposit.complete();
      }
    } catch (LimitedInputStream.LimitExceededException e) {
      throw new PayloadTooLargeException(cap, e.seen());
    } catch (IOException e) {
      // Malformed framing, an oversized part header, a body cut off or stalled mid-part: the
      // client's fault, and the pending deposit was abandoned on the way out.
      LOG.debug("rejected deposit body: {}", e.toString());
      throw new BadRequestException("the multipart body is malformed or incomplete");
    }
  }

  private void fetch(ServerExchange exchange, ExperimentId experimentId, Principal principal)
      throws IOException {
    List<String> uris;
    try {
      uris = QueryParameters.values(exchange.rawQuery(), "uri");
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("the query string is not valid percent-encoding");
    }
    if (uris.isEmpty()) {
      throw new BadRequestException("the 'uri' query parameter is required");
    }
    if (uris.size() > 1) {
      throw new BadRequestException("the 'uri' query parameter must be given exactly once");
    }
    Principal reader = authenticator.isAdminClass(principal) ? Principal.admin() : principal;
    try (FetchedArtifact artifact = service.open(experimentId, reader, uris.get(0))) {
      var metadata = artifact.metadata();
      exchange.status(200);
      exchange.responseHeader("Content-Type", metadata.contentType());
      exchange.responseHeader("Content-Disposition", ContentDisposition.attachment(metadata.filename()));
      exchange.responseHeader("X-Content-Type-Options", "nosniff");
      exchange.responseHeader(SHA256_HEADER, metadata.sha256());
      exchange.responseHeader(CREATED_AT_HEADER, metadata.createdAtText());
      exchange.responseHeader(CREATED_BY_HEADER, metadata.createdBy().name());
      exchange.responseContentLength(metadata.sizeBytes());
      OutputStream out = exchange.responseBody();
      byte[] buffer = new byte[(int) Math.max(1, Math.min(COPY_BUFFER, metadata.sizeBytes()))];
      InputStream in = artifact.content();
      long remaining = metadata.sizeBytes();
      while (remaining > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
        if (n < 0) {
          throw new IOException("artifact " + metadata.id() + " is shorter than its recorded size");
        }
        out.write(buffer, 0, n);
        remaining -= n;
      }
    }
  }

  private static void health(ServerExchange exchange, boolean withBody) throws IOException {
    byte[] body = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
    exchange.status(200);
    exchange.responseHeader("Content-Type", "application/json");
    exchange.responseHeader("Cache-Control", "no-store");
    exchange.responseContentLength(body.length);
    if (withBody) {
      exchange.responseBody().write(body);
    }
  }

  private static void methodNotAllowed(ServerExchange exchange, String allow) throws IOException {
    exchange.responseHeader("Allow", allow);
    // No problem type of the closed vocabulary fits; RFC 7807's about:blank means "just the status".
    problem(exchange, 405, ABOUT_BLANK, "Method Not Allowed",
        "this endpoint answers only " + allow);
  }

  private static void fail(ServerExchange exchange, Exception e) throws IOException {
    String incident = UUID.randomUUID().toString();
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

  private static void problem(ServerExchange exchange, int status, String type, String title,
      String detail) throws IOException {
    if (exchange.isCommitted()) {
      throw new IOException("cannot report " + status + " " + type + ": response already started");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type);
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    body.put("instance", exchange.requestUrl());
    byte[] json = JSON.writeValueAsBytes(body);
    exchange.status(status);
    exchange.responseHeader("Content-Type", PROBLEM_JSON);
    exchange.responseHeader("Cache-Control", "no-store");
    if (status == 401) {
      exchange.responseHeader("WWW-Authenticate", "Bearer");
    }
    exchange.responseContentLength(json.length);
    exchange.responseBody().write(json);
  }

  /** 404 for a path that is no endpoint, reported with the not-found type. */
  private static final class NotFound extends ArtifactException {
    private static final long serialVersionUID = 1L;

    NotFound(String detail) {
      super(ProblemType.NOT_FOUND, detail);
    }
  }

  /** Configures an {@link ArtifactHandler}. Not thread-safe. */
  public static final class Builder {
    private ArtifactService service;
    private Authenticator authenticator;
    private Predicate<ExperimentId> servedExperiments;
    private int maxPartHeaderBytes = 8 * 1024;
    private long framingAllowanceBytes = 64 * 1024;
    private String healthPath = "/healthz";

    private Builder() {}

    /** Where deposits and fetches go; its {@link ArtifactService#maxArtifactBytes()} is the cap. Required. */
    public Builder service(ArtifactService service) {
      this.service = requireNonNull(service, "service");
      return this;
    }

    /** Who is who. Required. */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = requireNonNull(authenticator, "authenticator");
      return this;
    }

    /** Decides which experiments this server serves (must be thread-safe). Required, or use the varargs form. */
    public Builder servedExperiments(Predicate<ExperimentId> servedExperiments) {
      this.servedExperiments = requireNonNull(servedExperiments, "servedExperiments");
      return this;
    }

    /** Serves exactly these experiments. */
    public Builder servedExperiments(ExperimentId... experimentIds) {
      requireNonNull(experimentIds, "experimentIds");
      Set<ExperimentId> served = Set.copyOf(Arrays.asList(experimentIds));
      this.servedExperiments = served::contains;
      return this;
    }

    /** The largest accepted header block of a multipart part; default 8 KiB. */
    public Builder maxPartHeaderBytes(int maxPartHeaderBytes) {
      if (maxPartHeaderBytes < 256) {
        throw new IllegalArgumentException("maxPartHeaderBytes must be at least 256: " + maxPartHeaderBytes);
      }
      this.maxPartHeaderBytes = maxPartHeaderBytes;
      return this;
    }

    /**
     * How many bytes of multipart framing (boundaries, part headers, preamble) a deposit body may
     * carry beyond the artifact cap; default 64 KiB. The raw body is cut off at cap + this.
     */
    public Builder framingAllowanceBytes(long framingAllowanceBytes) {
      if (framingAllowanceBytes < 1024) {
        throw new IllegalArgumentException("framingAllowanceBytes must be at least 1024: " + framingAllowanceBytes);
      }
      this.framingAllowanceBytes = framingAllowanceBytes;
      return this;
    }

    /** The unauthenticated liveness path, outside {@code /v0/}; default {@code /healthz}; null disables it. */
    public Builder healthPath(String healthPath) {
      if (healthPath != null && (!healthPath.startsWith("/") || healthPath.startsWith("/v0/"))) {
        throw new IllegalArgumentException("healthPath must start with '/' and lie outside /v0/");
      }
      this.healthPath = healthPath;
      return this;
    }

    /** @throws IllegalStateException if the service, authenticator or served experiments are missing */
    public ArtifactHandler build() {
      if (service == null) {
        throw new IllegalStateException("service is required");
      }
      if (authenticator == null) {
        throw new IllegalStateException("authenticator is required");
      }
      if (servedExperiments == null) {
        throw new IllegalStateException("servedExperiments is required");
      }
      return new ArtifactHandler(this);
    }
  }
}
