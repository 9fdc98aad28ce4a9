package dev.eden.artifacts.examples;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.AccessPolicy;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.ForbiddenException;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.client.StoreClient;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.server.Authenticator;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cross-role grant: an evaluator may read what the executor of the variant it evaluates
 * deposited, and nothing else of other workers. The wire contract only fixes the floor — the
 * depositor or an admin-class principal (WIRE-CONTRACT §5) — and leaves grants like this to the
 * deployment; here the orchestrator adds one.
 *
 * <ul>
 *   <li>Roles are groups: the orchestrator's {@link WorkerRegistry} enrols each worker in
 *       {@value #EXECUTORS} or {@value #EVALUATORS}, and the principal it authenticates carries
 *       that group.
 *   <li>The grant is an {@link AccessPolicy} added to the contract's floor with
 *       {@link AccessPolicy#or}: for a reader in {@value #EVALUATORS} that the floor refused, it asks
 *       the orchestrator's {@link VariantAssignments} callback once whether that evaluator
 *       evaluates the variant the artifact's depositor executed.
 *   <li>The reference server ({@link JettyArtifactServer}) serves it; workers use
 *       {@link StoreClient} and see an ordinary 200 or 403 {@code forbidden}.
 * </ul>
 *
 * <p>{@code main} runs the whole scenario in-process and prints what happened.
 */
public final class CrossRoleGrantExample implements AutoCloseable {
  /** The group (role) of workers that run a variant and deposit its artifacts. */
  public static final String EXECUTORS = "executors";
  /** The group (role) of workers that score a variant from its executor's artifacts. */
  public static final String EVALUATORS = "evaluators";

  /**
   * The orchestrator's knowledge the grant relies on. Must be thread-safe; it runs on a request
   * thread before the first byte of the answer, so it should be quick.
   */
  @FunctionalInterface
  public interface VariantAssignments {
    /**
     * Whether, in {@code experiment}, {@code evaluator} evaluates the variant that
     * {@code executor} ran. {@code executor} is the artifact's depositor as recorded (a name, no
     * groups); it may be anyone, not necessarily an executor.
     */
    boolean evaluatesVariantOf(ExperimentId experiment, Principal evaluator, Principal executor);
  }

  /**
   * The grant alone: a reader in {@value #EVALUATORS} whom {@code assignments} confirms evaluates
   * the depositor's variant. Combine it with the floor; on its own it would lock out depositors.
   */
  public static AccessPolicy evaluatorsReadTheirVariant(VariantAssignments assignments) {
    requireNonNull(assignments, "assignments");
    return (reader, artifact) -> reader.isMemberOf(EVALUATORS)
        && assignments.evaluatesVariantOf(artifact.experimentId(), reader, artifact.createdBy());
  }

  /** The policy this example serves with: the contract's floor, then the evaluator grant. */
  public static AccessPolicy policy(VariantAssignments assignments) {
    return AccessPolicy.depositorOrAdminClass().or(evaluatorsReadTheirVariant(assignments));
  }

  /**
   * The orchestrator's plan for one experiment: who executes and who evaluates which variant. It
   * enrols the workers (handing out their bearers) and answers the grant's question. Thread-safe.
   */
  public static final class Plan implements VariantAssignments {
    private final ExperimentId experiment;
    private final WorkerRegistry workers = new WorkerRegistry();
    private final Map<String, String> executes = new ConcurrentHashMap<>();
    private final Map<String, String> evaluates = new ConcurrentHashMap<>();

    public Plan(ExperimentId experiment) {
      this.experiment = requireNonNull(experiment, "experiment");
    }

    public ExperimentId experiment() {
      return experiment;
    }

    /** Enrols an executor of {@code variant}; returns its bearer {@code wkr_...:secret}. */
    public String enrolExecutor(String variant) {
      return enrol(EXECUTORS, variant, executes);
    }

    /** Enrols an evaluator of {@code variant}; returns its bearer {@code wkr_...:secret}. */
    public String enrolEvaluator(String variant) {
      return enrol(EVALUATORS, variant, evaluates);
    }

    /** Who is who, with the role as the principal's group. */
    public Authenticator workers() {
      return workers;
    }

    @Override
    public boolean evaluatesVariantOf(ExperimentId experiment, Principal evaluator, Principal executor) {
      String variant = evaluates.get(evaluator.name());
      return this.experiment.equals(experiment)
          && variant != null
          && variant.equals(executes.get(executor.name()));
    }

    private String enrol(String role, String variant, Map<String, String> assignments) {
      requireNonNull(variant, "variant");
      String bearer = workers.register(role);
      assignments.put(bearer.substring(0, bearer.indexOf(':')), variant);
      return bearer;
    }
  }

  private final JdbiArtifactStore store;
  private final JettyArtifactServer server;

  private CrossRoleGrantExample(Path dataDir, int port, Plan plan, VariantAssignments assignments)
      throws IOException {
    store = JdbiArtifactStore.sqlite(dataDir.resolve("artifacts.db"));
    try {
      ArtifactService artifacts = ArtifactService.builder()
          .backend(new FileArtifactBackend(dataDir.resolve("blobs")))
          .store(store)
          .accessPolicy(policy(assignments))
          .build();
      server = JettyArtifactServer.builder()
          .service(artifacts)
          .authenticator(plan.workers())
          .servedExperiments(plan.experiment())
          .host("127.0.0.1")
          .port(port)
          .build()
          .start();
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Serves {@code plan}'s experiment on {@code port} (0 picks a free one); the plan answers the grant. */
  public static CrossRoleGrantExample start(Path dataDir, int port, Plan plan) throws IOException {
    return start(dataDir, port, plan, plan);
  }

  /** Like {@link #start(Path, int, Plan)}, with the grant asking {@code assignments} instead of the plan. */
  public static CrossRoleGrantExample start(Path dataDir, int port, Plan plan,
      VariantAssignments assignments) throws IOException {
    requireNonNull(plan, "plan");
    requireNonNull(assignments, "assignments");
    return new CrossRoleGrantExample(dataDir, port, plan, assignments);
  }

  /** The base URL workers are given, for example {@code http://127.0.0.1:8080}. */
  public URI baseUri() {
    return server.baseUri();
  }

  @Override
  public void close() {
    server.close();
    store.close();
  }

  /**
   * The scenario: the executor of variant {@code a} deposits its results; the evaluator of
   * {@code a} reads them; the evaluator of {@code b} is refused. Prints one line per step.
   *
   * @return the URI the executor was given
   */
  static String run(URI baseUri, ExperimentId experiment, String executorOfA, String evaluatorOfA,
      String evaluatorOfB, PrintStream out) throws IOException {
    byte[] results = "variant a: loss 0.125\n".getBytes(StandardCharsets.UTF_8);
    String uri;
    try (StoreClient executor = client(baseUri, experiment, executorOfA)) {
      uri = executor.depositArtifact(results, "results.txt", "text/plain").uri();
    }
    out.println("executor of variant a deposited " + uri);
    try (StoreClient evaluator = client(baseUri, experiment, evaluatorOfA)) {
      byte[] read = evaluator.fetchArtifactBytes(uri, 1024);
      out.println("evaluator of variant a read: " + new String(read, StandardCharsets.UTF_8).trim());
    }
    try (StoreClient evaluator = client(baseUri, experiment, evaluatorOfB)) {
      evaluator.fetchArtifactBytes(uri, 1024);
      out.println("evaluator of variant b read it too: the grant is too wide");
    } catch (ForbiddenException e) {
      out.println("evaluator of variant b was refused: 403 forbidden");
    }
    return uri;
  }

  private static StoreClient client(URI baseUri, ExperimentId experiment, String bearer) {
    return StoreClient.builder().baseUrl(baseUri.toString()).experimentId(experiment).bearer(bearer).build();
  }

  public static void main(String[] args) throws IOException {
    Path dataDir = Path.of(args.length > 0 ? args[0] : "cross-role-data");
    Plan plan = new Plan(ExperimentId.mint());
    String executorOfA = plan.enrolExecutor("a");
    String evaluatorOfA = plan.enrolEvaluator("a");
    String evaluatorOfB = plan.enrolEvaluator("b");
    try (CrossRoleGrantExample app = start(dataDir, 0, plan)) {
      run(app.baseUri(), plan.experiment(), executorOfA, evaluatorOfA, evaluatorOfB, System.out);
    }
  }
}
