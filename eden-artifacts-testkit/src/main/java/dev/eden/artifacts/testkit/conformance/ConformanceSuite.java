package dev.eden.artifacts.testkit.conformance;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The wire conformance checks for one server: the six portable "Artifact transfer" scenarios
 * (EDEN §16.1, §16.2), then the stricter rules of the contract that a client can observe, then
 * the optional "HTTP semantics" group (HEAD, validators, conditional requests, byte ranges and
 * digests on the fetch path), whose checks skip the features a server does not offer.
 * Both the JUnit runner ({@link WireConformanceTests}) and the command line
 * ({@link ConformanceMain}) run this same list.
 *
 * <p>Thread-safe. The suite deposits small artifacts on the server (and, when the cap is given,
 * one of exactly the cap); it never deletes anything, so point it at a test deployment.
 */
public final class ConformanceSuite {
  private final ConformanceConfig config;
  private final List<ConformanceCheck> checks;

  private ConformanceSuite(ConformanceConfig config, List<ConformanceCheck> checks) {
    this.config = config;
    this.checks = checks;
  }

  /** The suite for the server {@code config} describes. Sends nothing until a check runs. */
  public static ConformanceSuite create(ConformanceConfig config) {
    requireNonNull(config, "config");
    ConformanceContext context =
        new ConformanceContext(config, ConformanceContext.defaultClient(config));
    List<ConformanceCheck> checks = new java.util.ArrayList<>(WireChecks.all(context));
    checks.addAll(HttpSemanticsChecks.all(context));
    return new ConformanceSuite(config, List.copyOf(checks));
  }

  public ConformanceConfig config() {
    return config;
  }

  /** Every check, portable ones first and the HTTP semantics group last, in a stable order. */
  public List<ConformanceCheck> checks() {
    return checks;
  }

  /** Only the checks of {@code level}. */
  public List<ConformanceCheck> checks(ConformanceCheck.Level level) {
    return checks.stream().filter(c -> c.level() == level).collect(Collectors.toUnmodifiableList());
  }

  /** Runs every check in order and returns one result each. */
  public List<CheckResult> run() {
    return checks.stream().map(ConformanceCheck::run).collect(Collectors.toUnmodifiableList());
  }
}
