package dev.eden.artifacts.server;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactNotFoundException;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.BadRequestException;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.ForbiddenException;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.server.internal.AdminJson;
import dev.eden.artifacts.server.internal.ConsoleResources;
import dev.eden.artifacts.server.internal.QueryParameters;
import dev.eden.artifacts.spi.ArtifactCursor;
import dev.eden.artifacts.spi.PageRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The operator side of the runnable server, independent of any transport like {@link
 * ArtifactHandler}: a read-only admin API that lists what was deposited, and optionally the web
 * console that uses it. Both live outside {@code /v0/}, so the wire contract is untouched.
 *
 * <ul>
 *   <li>{@code GET /admin/v1/experiments} — {@code {"experiments": ["exp_…", …]}}, the served
 *       experiments the caller may list;
 *   <li>{@code GET /admin/v1/experiments/{E}/artifacts?limit=N&cursor=C&created_by=W} — one page of
 *       {@code E}'s artifacts, newest first: {@code {"artifacts": [{"artifacts_uri", "created_by",
 *       "created_at", "size_bytes", "content_type", "filename", "sha256"}, …], "next_cursor": "…" |
 *       null}}; {@code limit} 1–{@value PageRequest#MAX_LIMIT} (default {@value #DEFAULT_LIMIT}); a
 *       {@code next_cursor} stays valid while deposits arrive;
 *   <li>{@code GET /admin/v1/experiments/{E}/summary} — {@code {"experiment_id", "artifact_count",
 *       "total_bytes", "by_depositor": [{"created_by", "artifact_count", "total_bytes"}, …]}};
 *   <li>{@code GET /console/} and its files, when {@linkplain Builder#console(boolean) enabled}: a
 *       static page with its own script and style sheet, under a strict {@code
 *       Content-Security-Policy}; it signs in with a bearer kept in the tab's session storage, and
 *       downloads through the normal fetch endpoint, so the fetch ACL and its safe-delivery headers
 *       apply.
 * </ul>
 *
 * <p>Checks run in this order: method (405 with {@code Allow: GET, HEAD}), path (404), bearer (401,
 * exactly as on the artifact endpoints), the {@link dev.eden.artifacts.AccessPolicy#mayList access
 * policy} (403; by default only the {@code admin} and members of {@code admins} may list, not a
 * worker, even for its own deposits), experiment (404 when this handler does not serve it), query
 * parameters (400 {@code bad-request}: an unknown, repeated or empty parameter, a {@code limit}
 * outside its bounds, a {@code cursor} that is not well formed, a {@code created_by} that is
 * neither {@code admin} nor a worker id). The admin API needs no {@value
 * ArtifactHandler#EXPERIMENT_HEADER} header: the experiment is in the path only. Every error is
 * problem+json with the types of the wire contract. JSON answers carry {@code Cache-Control:
 * no-store}.
 *
 * <p>Mount it beside an {@link ArtifactHandler}: requests whose path {@link #handles} go here,
 * all others there ({@link dev.eden.artifacts.server.jetty.JettyArtifactServer.Builder#adminHandler}
 * does this). Thread-safe and stateless per request.
 */
public final class AdminHandler {
  /** The path prefix of the admin API. */
  public static final String API_PREFIX = "/admin/v1/";
  /** The console's page; its other files are beside it. */
  public static final String CONSOLE_PATH = "/console/";
  /** Page size when a listing names no {@code limit}. */
  public static final int DEFAULT_LIMIT = 100;

  private static final String EXPERIMENTS_PATH = API_PREFIX + "experiments";
  private static final String ARTIFACTS_SUFFIX = "/artifacts";
  private static final String SUMMARY_SUFFIX = "/summary";
  private static final String LIMIT = "limit";
  private static final String CURSOR = "cursor";
  private static final String CREATED_BY = "created_by";
  private static final String ALLOW = "GET, HEAD";

  private final ArtifactService service;
  private final Authenticator authenticator;
  private final List<ExperimentId> experiments;
  private final Set<ExperimentId> served;
  private final ConsoleResources console; // null: console disabled
  private final ExchangeListener listener;

  private AdminHandler(Builder builder) {
    this.service = builder.service;
    this.authenticator = LegacyAdminClass.bridge(builder.authenticator);
    this.experiments = List.copyOf(builder.experiments);
    this.served = Set.copyOf(builder.experiments);
    this.console = builder.console ? ConsoleResources.load() : null;
    this.listener = ExchangeListener.allOf(builder.listeners);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether the console is served. */
  public boolean consoleEnabled() {
    return console != null;
  }

  /**
   * Whether a request for {@code rawPath} belongs to this handler: the admin API's prefix, and the
   * console's paths when it is enabled. An adapter routes every other request elsewhere (to the
   * {@link ArtifactHandler}, which answers 404 for what nobody serves).
   */
  public boolean handles(String rawPath) {
    if (rawPath == null) {
      return false;
    }
    if (rawPath.equals("/admin") || rawPath.startsWith("/admin/")) {
      return true;
    }
    return console != null && (rawPath.equals("/console") || rawPath.startsWith(CONSOLE_PATH));
  }

  /**
   * Handles one exchange completely, rendering every failure as problem+json. The {@linkplain
   * Builder#addExchangeListener exchange listeners} hear of it as an {@link
   * ExchangeEvent.Operation#ADMIN} exchange before this returns (or throws).
   *
   * @throws IOException only when the response was already committed or the connection is gone
   */
  public void handle(ServerExchange exchange) throws IOException {
    requireNonNull(exchange, "exchange");
    ProblemResponses.answering(
        ObservedExchange.start(exchange, ExchangeEvent.Operation.ADMIN, listener), this::route);
  }

  private void route(ObservedExchange exchange) throws IOException {
    RequestHead.check(exchange);
    String method = exchange.method();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      ProblemResponses.methodNotAllowed(exchange, ALLOW);
      return;
    }
    String path = exchange.rawPath();
    if (console != null && (path.equals("/console") || path.startsWith(CONSOLE_PATH))) {
      console.serve(exchange, path);
      return;
    }
    if (path.equals(EXPERIMENTS_PATH)) {
      Principal principal = BearerAuthentication.authenticate(exchange, authenticator);
      listExperiments(exchange, principal);
      return;
    }
    if (path.startsWith(EXPERIMENTS_PATH + "/")) {
      String rest = path.substring(EXPERIMENTS_PATH.length() + 1);
      int slash = rest.indexOf('/');
      String tail = slash < 0 ? "" : rest.substring(slash);
      if (tail.equals(ARTIFACTS_SUFFIX) || tail.equals(SUMMARY_SUFFIX)) {
        Principal principal = BearerAuthentication.authenticate(exchange, authenticator);
        ExperimentId experiment = experiment(rest.substring(0, slash), principal);
        if (tail.equals(ARTIFACTS_SUFFIX)) {
          listArtifacts(exchange, experiment, principal);
        } else {
          parameters(exchange, Set.of());
          AdminJson.send(exchange, AdminJson.summary(experiment, service.summarize(experiment, principal)));
        }
        return;
      }
    }
    throw new ArtifactNotFoundException("no admin endpoint is served at this path");
  }

  /**
   * The experiment in the path, once the caller is known to be allowed to list it: a refused
   * caller gets 403 whatever the experiment, so it learns nothing about which ones exist.
   */
  private ExperimentId experiment(String segment, Principal principal) {
    if (!ExperimentId.isValid(segment)) {
      throw new ArtifactNotFoundException("the path does not name an experiment");
    }
    ExperimentId experiment = ExperimentId.parse(segment);
    if (!service.mayList(experiment, principal)) {
      throw new ForbiddenException("this principal may not list the artifacts of this experiment");
    }
    if (!served.contains(experiment)) {
      throw new ArtifactNotFoundException("this server does not serve experiment " + experiment);
    }
    return experiment;
  }

  private void listExperiments(ServerExchange exchange, Principal principal) throws IOException {
    List<ExperimentId> listable = new ArrayList<>();
    for (ExperimentId experiment : experiments) {
      if (service.mayList(experiment, principal)) {
        listable.add(experiment);
      }
    }
    if (listable.isEmpty()) {
      throw new ForbiddenException("this principal may not list the artifacts of any served experiment");
    }
    parameters(exchange, Set.of()); // after the refusal, so a refused caller learns nothing of them
    AdminJson.send(exchange, AdminJson.experiments(listable));
  }

  private void listArtifacts(ServerExchange exchange, ExperimentId experiment, Principal principal)
      throws IOException {
    QueryParameters.Single query = parameters(exchange, Set.of(LIMIT, CURSOR, CREATED_BY));
    PageRequest request = PageRequest.first(limit(query.get(LIMIT)));
    Optional<String> cursor = query.get(CURSOR);
    if (cursor.isPresent()) {
      try {
        request = request.withCursor(ArtifactCursor.parse(cursor.get()));
      } catch (IllegalArgumentException e) {
        throw new BadRequestException("the cursor parameter is not a well-formed cursor (use a next_cursor as it was returned)");
      }
    }
    Optional<String> createdBy = query.get(CREATED_BY);
    if (createdBy.isPresent()) {
      try {
        request = request.withCreatedBy(Principal.parse(createdBy.get()));
      } catch (IllegalArgumentException e) {
        throw new BadRequestException("the created_by parameter must be 'admin' or a worker id");
      }
    }
    AdminJson.send(exchange, AdminJson.page(service.list(experiment, principal, request)));
  }

  private static int limit(Optional<String> text) {
    if (text.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    String value = text.get();
    if (value.length() <= 4 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= PageRequest.MAX_LIMIT) {
        return limit;
      }
    }
    throw new BadRequestException("the limit parameter must be a whole number from 1 to " + PageRequest.MAX_LIMIT);
  }

  private static QueryParameters.Single parameters(ServerExchange exchange, Set<String> allowed) {
    try {
      return QueryParameters.single(exchange.rawQuery(), allowed);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
  }

  /** Configures an {@link AdminHandler}. Not thread-safe. */
  public static final class Builder {
    private ArtifactService service;
    private Authenticator authenticator;
    private final Set<ExperimentId> experiments = new LinkedHashSet<>();
    private boolean console;
    private final List<ExchangeListener> listeners = new ArrayList<>();

    private Builder() {}

    /** The service whose store is listed and whose access policy decides who may. Required. */
    public Builder service(ArtifactService service) {
      this.service = requireNonNull(service, "service");
      return this;
    }

    /** Who is who; normally the artifact endpoints' own. Required. */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = requireNonNull(authenticator, "authenticator");
      return this;
    }

    /**
     * The experiments that may be listed, in the order the console offers them; normally the ones
     * the artifact endpoints serve. At least one is required.
     */
    public Builder experiments(ExperimentId... experimentIds) {
      return experiments(Arrays.asList(requireNonNull(experimentIds, "experimentIds")));
    }

    /** @see #experiments(ExperimentId...) */
    public Builder experiments(Collection<ExperimentId> experimentIds) {
      requireNonNull(experimentIds, "experimentIds");
      experimentIds.forEach(e -> experiments.add(requireNonNull(e, "experiment id")));
      return this;
    }

    /** Whether to serve the web console under {@value #CONSOLE_PATH}; default false. */
    public Builder console(boolean console) {
      this.console = console;
      return this;
    }

    /**
     * Adds a listener that hears of every exchange ({@link ExchangeListener}), normally the artifact
     * endpoints' own. May be called more than once; called in the order added. Default: none.
     */
    public Builder addExchangeListener(ExchangeListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /** @throws IllegalStateException if the service, the authenticator or every experiment is missing */
    public AdminHandler build() {
      if (service == null) {
        throw new IllegalStateException("service is required");
      }
      if (authenticator == null) {
        throw new IllegalStateException("authenticator is required");
      }
      if (experiments.isEmpty()) {
        throw new IllegalStateException("at least one experiment is required");
      }
      return new AdminHandler(this);
    }
  }
}
