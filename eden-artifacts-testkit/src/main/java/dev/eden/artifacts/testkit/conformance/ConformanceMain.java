package dev.eden.artifacts.testkit.conformance;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the wire conformance suite from the command line: one line per check ({@code PASS name},
 * {@code FAIL name: why}, {@code SKIP name: why}) and a last line
 * {@code N passed, M failed, K skipped}.
 * Exit code 0 when nothing failed, 1 when a check failed, 2 for bad usage.
 *
 * <p>Options override the system properties and environment variables of
 * {@link ConformanceConfig}; prefer the environment for bearers, since command lines are visible
 * to other users of the machine.
 */
@Command(
    name = "eden-artifacts-conformance",
    mixinStandardHelpOptions = true,
    version = "eden-artifacts wire conformance kit",
    sortOptions = false,
    description = {
      "Checks an EDEN artifact server (deposit and fetch) against the wire contract.",
      "Each option may instead be given as a system property or environment variable;",
      "see the names in brackets. Options win over both."
    },
    footer = {
      "",
      "The suite deposits small artifacts (and, with --max-artifact-bytes, one of exactly that size); point it at a test deployment.",
      "Checks named http/... observe optional HTTP features (HEAD, validators, ranges, digests) and are skipped when the server does not offer them.",
      "Exit codes: 0 nothing failed (skipped checks do not fail), 1 a check failed, 2 bad usage."
    })
public final class ConformanceMain implements Callable<Integer> {
  @Option(names = "--base-url", paramLabel = "URL",
      description = "Server base URL, e.g. http://127.0.0.1:8080 [eden.conformance.baseUrl, EDEN_CONFORMANCE_BASE_URL]")
  private URI baseUrl;

  @Option(names = "--experiment-id", paramLabel = "EXP",
      description = "An experiment the server serves [eden.conformance.experimentId, EDEN_CONFORMANCE_EXPERIMENT_ID]")
  private String experimentId;

  @Option(names = "--admin-bearer", paramLabel = "admin:TOKEN",
      description = "Admin credential [eden.conformance.adminBearer, EDEN_CONFORMANCE_ADMIN_BEARER]")
  private String adminBearer;

  @Option(names = "--worker-bearer", paramLabel = "wkr_…:SECRET",
      description = "A worker credential [eden.conformance.workerBearer, EDEN_CONFORMANCE_WORKER_BEARER]")
  private String workerBearer;

  @Option(names = "--other-worker-bearer", paramLabel = "wkr_…:SECRET",
      description = "A second worker, not in admins [eden.conformance.otherWorkerBearer, EDEN_CONFORMANCE_OTHER_WORKER_BEARER]")
  private String otherWorkerBearer;

  @Option(names = "--admins-group-worker-bearer", paramLabel = "wkr_…:SECRET",
      description = "Optional: a worker in the admins group [eden.conformance.adminsGroupWorkerBearer, EDEN_CONFORMANCE_ADMINS_GROUP_WORKER_BEARER]")
  private String adminsGroupWorkerBearer;

  @Option(names = "--max-artifact-bytes", paramLabel = "N",
      description = "Optional: the server's cap, enables the exact-cap and over-cap checks [eden.conformance.maxArtifactBytes, EDEN_CONFORMANCE_MAX_ARTIFACT_BYTES]")
  private Long maxArtifactBytes;

  @Option(names = "--other-experiment-id", paramLabel = "EXP",
      description = "Optional: a second experiment served with the same credentials [eden.conformance.otherExperimentId, EDEN_CONFORMANCE_OTHER_EXPERIMENT_ID]")
  private String otherExperimentId;

  @Option(names = "--timeout-seconds", paramLabel = "S",
      description = "Per-request time-out, default 60 [eden.conformance.timeoutSeconds, EDEN_CONFORMANCE_TIMEOUT_SECONDS]")
  private Long timeoutSeconds;

  @Option(names = "--require-http-semantics",
      description = "Fail, rather than skip, an http/... check whose feature the server does not offer [eden.conformance.requireHttpSemantics, EDEN_CONFORMANCE_REQUIRE_HTTP_SEMANTICS]")
  private boolean requireHttpSemantics;

  @Option(names = "--portable-only", description = "Run only the six portable scenarios")
  private boolean portableOnly;

  @Option(names = "--list", description = "List the checks with the rule each observes and exit; needs no server")
  private boolean list;

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command with {@code args} on standard output and error; returns the exit code. */
  public static int run(String... args) {
    return new CommandLine(new ConformanceMain()).execute(args);
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (list) {
      // Listing sends nothing, so it needs no server: any well-formed configuration will do.
      ConformanceConfig placeholder = ConformanceConfig.builder()
          .baseUrl(URI.create("http://127.0.0.1:1")).experimentId("-").adminBearer("-")
          .workerBearer("-").otherWorkerBearer("-").build();
      ConformanceSuite suite = ConformanceSuite.create(placeholder);
      List<ConformanceCheck> checks =
          portableOnly ? suite.checks(ConformanceCheck.Level.PORTABLE) : suite.checks();
      checks.forEach(c -> out.println(c.name() + "  " + c.description()));
      out.flush();
      return 0;
    }
    ConformanceConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println("Try --help.");
      err.flush();
      return 2;
    }
    ConformanceSuite suite = ConformanceSuite.create(config);
    List<ConformanceCheck> checks =
        portableOnly ? suite.checks(ConformanceCheck.Level.PORTABLE) : suite.checks();
    int passed = 0;
    int failed = 0;
    int skipped = 0;
    for (ConformanceCheck check : checks) {
      CheckResult result = check.run();
      out.println(result.line());
      out.flush();
      if (result.outcome() == CheckResult.Outcome.PASSED) {
        passed++;
      } else if (result.outcome() == CheckResult.Outcome.FAILED) {
        failed++;
      } else {
        skipped++;
      }
    }
    out.println(passed + " passed, " + failed + " failed, " + skipped + " skipped");
    out.flush();
    return failed == 0 ? 0 : 1;
  }

  private ConformanceConfig config() {
    ConformanceConfig.Builder b = ConformanceConfig.builderFromEnvironment();
    if (baseUrl != null) {
      b.baseUrl(baseUrl);
    }
    if (experimentId != null) {
      b.experimentId(experimentId);
    }
    if (adminBearer != null) {
      b.adminBearer(adminBearer);
    }
    if (workerBearer != null) {
      b.workerBearer(workerBearer);
    }
    if (otherWorkerBearer != null) {
      b.otherWorkerBearer(otherWorkerBearer);
    }
    if (adminsGroupWorkerBearer != null) {
      b.adminsGroupWorkerBearer(adminsGroupWorkerBearer);
    }
    if (maxArtifactBytes != null) {
      b.maxArtifactBytes(maxArtifactBytes);
    }
    if (otherExperimentId != null) {
      b.otherExperimentId(otherExperimentId);
    }
    if (timeoutSeconds != null) {
      b.timeout(Duration.ofSeconds(timeoutSeconds));
    }
    if (requireHttpSemantics) {
      b.requireHttpSemantics(true);
    }
    return b.build();
  }
}
