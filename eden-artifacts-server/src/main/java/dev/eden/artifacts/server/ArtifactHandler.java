package dev.eden.artifacts.server;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactNotFoundException;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.ExperimentIdMismatchException;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.server.internal.HandlerKnobs;
import dev.eden.artifacts.server.internal.MultipartForm;
import dev.eden.artifacts.server.internal.MultipartReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The EDEN v0 artifact endpoints over HTTP, independent of any server: routing, the experiment
 * check, bearer authentication, the streaming multipart deposit, the ACL-guarded streaming fetch,
 * and problem+json for every error. Adapters ({@link ArtifactServlet}, the embedded Jetty server)
 * only translate a request into a {@link ServerExchange}. This class is the front door (routing,
 * experiment and bearer checks); the deposit and the fetch, and the rendering of problems, live in
 * package-private collaborators.
 *
 * <ul>
 *   <li>{@code POST /v0/experiments/{E}/artifacts} — deposit: exactly one {@code multipart/form-data}
 *       part named {@code file} with a filename; its bytes stream into the service's pending blob
 *       and the deposit completes only after the closing boundary was seen;
 *   <li>{@code GET /v0/experiments/{E}/artifacts?uri=...} — fetch, with the HTTP semantics of an
 *       immutable representation (validators, conditional requests, one byte range, {@code
 *       Repr-Digest}; RFC 9110 §8.8, §13, §14 and RFC 9530), decided only after the checks below;
 *       {@code HEAD} answers the same without the body;
 *   <li>{@code GET /healthz} (configurable) — liveness, no authentication;
 *   <li>anything else under those paths: 405 with {@code Allow}; unknown paths: 404.
 * </ul>
 *
 * <p>Checks run in this order: route, experiment header, bearer, then the operation. The handler
 * only authenticates: a fetch reaches the service's {@link dev.eden.artifacts.AccessPolicy} with the
 * principal exactly as the {@link Authenticator} returned it (name and groups), and the policy alone
 * decides (WIRE-CONTRACT §5); a deposit is attributed to that principal's name.
 *
 * <p>Request header values are compared exactly as the adapter hands them over, and each header
 * the handler reads must be sent at most once (RFC 9110 §5.3, RFC 9112 §3.2): a repeated
 * {@code Authorization} is 401, a repeated {@value #EXPERIMENT_HEADER} 400
 * {@code experiment-id-mismatch}, a repeated {@code Host} or deposit {@code Content-Type} 400
 * {@code bad-request}. A {@code Transfer-Encoding} other than {@code chunked} alone (RFC 9112 §6.1;
 * {@code gzip, chunked}, say) is 400 {@code bad-request} and closes the connection: no endpoint
 * decodes transfer codings, and a transport that de-chunks such a body hands it over undecoded.
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

  /** Default of {@link Builder#maxConcurrentDeposits}: deposits in flight at once. */
  public static final int DEFAULT_MAX_CONCURRENT_DEPOSITS = 64;
  /** Default of {@link Builder#maxConcurrentDeposits}: deposits of one principal in flight at once. */
  public static final int DEFAULT_MAX_CONCURRENT_DEPOSITS_PER_PRINCIPAL = 16;
  /** Default of {@link Builder#minDepositDataRate}: bytes per second, after the grace. */
  public static final long DEFAULT_MIN_DEPOSIT_BYTES_PER_SECOND = 1024;
  /** Default of {@link Builder#minDepositDataRate}: how long a body may take before the rate applies. */
  public static final Duration DEFAULT_MIN_DEPOSIT_RATE_GRACE = Duration.ofSeconds(10);

  static final String PROBLEM_JSON = ProblemResponses.PROBLEM_JSON;
  private static final String ARTIFACTS_PATH_PREFIX = "/v0/experiments/";
  private static final String ARTIFACTS_PATH_SUFFIX = "/artifacts";

  private final ArtifactService service;
  private final Authenticator authenticator;
  private final Predicate<ExperimentId> servedExperiments;
  private final String healthPath;
  private final Builder settings;
  private final DepositOperation deposit;
  private final FetchOperation fetch;
  private final DepositSlots depositSlots;
  private final ExchangeListener listener;

  static {
    // The multipart reader is an internal knob: reached through internal.HandlerKnobs, never a public signature.
    HandlerKnobs.install(new HandlerKnobs.Knobs() {
      @Override
      public void multipartReader(Builder builder, MultipartReader.Factory multipartReader) {
        builder.multipartReader = multipartReader;
      }

      @Override
      public ArtifactHandler preferringMultipartReader(
          ArtifactHandler handler, MultipartReader.Factory multipartReader) {
        return handler.preferringMultipartReader(multipartReader);
      }
    });
  }

  private ArtifactHandler(Builder builder, MultipartReader.Factory multipartReader) {
    this.settings = builder.copy();
    this.service = builder.service;
    this.authenticator = LegacyAdminClass.bridge(builder.authenticator);
    this.servedExperiments = builder.servedExperiments;
    this.healthPath = builder.healthPath;
    this.deposit = new DepositOperation(service, multipartReader, builder.maxPartHeaderBytes,
        builder.framingAllowanceBytes, builder.minDepositBytesPerSecond, builder.minDepositRateGrace);
    this.depositSlots = new DepositSlots(builder.maxConcurrentDeposits, builder.maxConcurrentDepositsPerPrincipal);
    this.fetch = new FetchOperation(service);
    this.listener = ExchangeListener.allOf(builder.listeners);
  }

  public static Builder builder() {
    return new Builder();
  }

  private ArtifactHandler preferringMultipartReader(MultipartReader.Factory multipartReader) {
    return settings.multipartReader != null ? this : new ArtifactHandler(settings, multipartReader);
  }

  /** The service deposits and fetches go through. */
  public ArtifactService service() {
    return service;
  }

  /**
   * Handles one exchange completely. Every failure the client can be told about is answered with
   * problem+json here, the single place errors are rendered. The {@linkplain
   * Builder#addExchangeListener exchange listeners} hear of it before this returns (or throws).
   *
   * @throws IOException only when the response was already committed (a fetch whose stream broke)
   *     or the connection is gone; the adapter should then abort the connection
   */
  public void handle(ServerExchange exchange) throws IOException {
    requireNonNull(exchange, "exchange");
    ExchangeEvent.Operation operation = operationOf(exchange.method(), exchange.rawPath());
    ProblemResponses.answering(ObservedExchange.start(exchange, operation, listener), this::route);
  }

  /** What a request is, from its method and path alone: the routing decision. */
  private ExchangeEvent.Operation operationOf(String method, String path) {
    if (healthPath != null && healthPath.equals(path)) {
      return ExchangeEvent.Operation.HEALTH;
    }
    if (experimentSegment(path) != null) {
      if (method.equals("POST")) {
        return ExchangeEvent.Operation.DEPOSIT;
      }
      if (method.equals("GET") || method.equals("HEAD")) {
        return ExchangeEvent.Operation.FETCH;
      }
    }
    return ExchangeEvent.Operation.OTHER;
  }

  private void route(ObservedExchange exchange) throws IOException {
    RequestHead.check(exchange);
    String path = exchange.rawPath();
    switch (exchange.operation()) {
      case HEALTH:
        if (exchange.method().equals("GET") || exchange.method().equals("HEAD")) {
          health(exchange, exchange.method().equals("GET"));
        } else {
          ProblemResponses.methodNotAllowed(exchange, "GET, HEAD");
        }
        return;
      case DEPOSIT:
      case FETCH:
        ExperimentId experimentId = checkExperiment(exchange, experimentSegment(path));
        Principal principal = BearerAuthentication.authenticate(exchange, authenticator);
        if (exchange.operation() == ExchangeEvent.Operation.DEPOSIT) {
          try (DepositSlots.Slot slot = depositSlots.take(principal)) {
            deposit.deposit(exchange, experimentId, principal);
          }
        } else {
          fetch.fetch(exchange, experimentId, principal);
        }
        return;
      default:
        if (experimentSegment(path) == null) {
          throw new ArtifactNotFoundException("no endpoint is served at this path");
        }
        ProblemResponses.methodNotAllowed(exchange, "GET, HEAD, POST");
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
    String header = SingleHeader.EXPERIMENT_ID.valueIn(exchange);
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

  /** Configures an {@link ArtifactHandler}. Not thread-safe. */
  public static final class Builder {
    private ArtifactService service;
    private Authenticator authenticator;
    private Predicate<ExperimentId> servedExperiments;
    private int maxPartHeaderBytes = 8 * 1024;
    private long framingAllowanceBytes = 64 * 1024;
    private String healthPath = "/healthz";
    private int maxConcurrentDeposits = DEFAULT_MAX_CONCURRENT_DEPOSITS;
    private int maxConcurrentDepositsPerPrincipal = DEFAULT_MAX_CONCURRENT_DEPOSITS_PER_PRINCIPAL;
    private long minDepositBytesPerSecond = DEFAULT_MIN_DEPOSIT_BYTES_PER_SECOND;
    private Duration minDepositRateGrace = DEFAULT_MIN_DEPOSIT_RATE_GRACE;
    private MultipartReader.Factory multipartReader;
    private final List<ExchangeListener> listeners = new ArrayList<>();

    private Builder() {}

    private Builder copy() {
      Builder copy = new Builder();
      copy.service = service;
      copy.authenticator = authenticator;
      copy.servedExperiments = servedExperiments;
      copy.maxPartHeaderBytes = maxPartHeaderBytes;
      copy.framingAllowanceBytes = framingAllowanceBytes;
      copy.healthPath = healthPath;
      copy.maxConcurrentDeposits = maxConcurrentDeposits;
      copy.maxConcurrentDepositsPerPrincipal = maxConcurrentDepositsPerPrincipal;
      copy.minDepositBytesPerSecond = minDepositBytesPerSecond;
      copy.minDepositRateGrace = minDepositRateGrace;
      copy.multipartReader = multipartReader;
      copy.listeners.addAll(listeners);
      return copy;
    }

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

    /**
     * The most deposits in flight at once (from the authenticated request head to the answer), and
     * the most of one principal; defaults {@value #DEFAULT_MAX_CONCURRENT_DEPOSITS} and {@value
     * #DEFAULT_MAX_CONCURRENT_DEPOSITS_PER_PRINCIPAL}. A deposit beyond either is refused at once,
     * before its body is read, with 503 {@code about:blank}, {@code Retry-After: 1} and {@code
     * Connection: close} ({@link ServerBusyException}); nothing is stored. Every deposit holds a
     * request thread while its body streams, so keep {@code total} well below the server's thread
     * pool: fetches, {@code /healthz} and the admin API then always find a thread. Fetches are not
     * counted. Checked after authentication, so a caller without a valid bearer never takes a slot.
     *
     * @param total at least 1
     * @param perPrincipal at least 1, at most {@code total}
     */
    public Builder maxConcurrentDeposits(int total, int perPrincipal) {
      if (total < 1 || perPrincipal < 1 || perPrincipal > total) {
        throw new IllegalArgumentException("maxConcurrentDeposits needs 1 <= perPrincipal <= total: "
            + perPrincipal + ", " + total);
      }
      this.maxConcurrentDeposits = total;
      this.maxConcurrentDepositsPerPrincipal = perPrincipal;
      return this;
    }

    /**
     * The minimum average data rate of a deposit body: by {@code t} after the body started, at
     * least {@code bytesPerSecond × (t − grace)} bytes must have arrived (Apache httpd's {@code
     * mod_reqtimeout} rule). Checked each time bytes arrive; a body that falls below it loses its
     * pending deposit (nothing stored) and is answered 408 {@code about:blank} with {@code
     * Connection: close}; a body that stops altogether is cut off by the transport's idle time-out
     * instead. Defaults {@value #DEFAULT_MIN_DEPOSIT_BYTES_PER_SECOND} bytes per second after a grace of
     * 10 s; {@code bytesPerSecond} 0 turns the check off.
     *
     * @param bytesPerSecond 0 (off) or more
     * @param grace not negative
     */
    public Builder minDepositDataRate(long bytesPerSecond, Duration grace) {
      requireNonNull(grace, "grace");
      if (bytesPerSecond < 0 || grace.isNegative()) {
        throw new IllegalArgumentException("minDepositDataRate needs bytesPerSecond >= 0 and a grace >= 0");
      }
      this.minDepositBytesPerSecond = bytesPerSecond;
      this.minDepositRateGrace = grace;
      return this;
    }

    /**
     * Adds a listener that hears of every exchange ({@link ExchangeListener}): an access log, metrics.
     * May be called more than once; the listeners are called in the order added. Default: none.
     */
    public Builder addExchangeListener(ExchangeListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
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
      return new ArtifactHandler(this, multipartReader != null ? multipartReader : MultipartForm.FACTORY);
    }
  }
}
