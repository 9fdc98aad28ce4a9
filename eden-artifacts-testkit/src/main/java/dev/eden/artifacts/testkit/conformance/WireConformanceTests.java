package dev.eden.artifacts.testkit.conformance;

import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;

/**
 * The wire conformance suite as JUnit 5 dynamic tests, one per {@link ConformanceCheck}.
 *
 * <p>Run it as is with the inputs of {@link ConformanceConfig} set as system properties or
 * environment variables (for example with Maven Surefire's {@code dependenciesToScan} pointing at
 * this artifact), or extend it and override {@link #config()} to aim it at a server your test
 * starts. Checks whose optional input is missing, and checks of the HTTP semantics group whose
 * feature the server does not offer, are reported as skipped (aborted), never silently passed. Missing required inputs fail the factory with a message naming them.
 */
public class WireConformanceTests {
  /**
   * The server to check. The default reads {@link ConformanceConfig#fromEnvironment()}; override
   * to supply your own.
   */
  protected ConformanceConfig config() {
    return ConformanceConfig.fromEnvironment();
  }

  /** Whether to run only the portable scenarios; the default runs every check. */
  protected boolean portableOnly() {
    return false;
  }

  @TestFactory
  Stream<DynamicTest> wireConformance() {
    ConformanceSuite suite = ConformanceSuite.create(config());
    return suite.checks().stream()
        .filter(check -> !portableOnly() || check.level() == ConformanceCheck.Level.PORTABLE)
        .map(check -> DynamicTest.dynamicTest(check.name(), () -> verify(check)));
  }

  private static void verify(ConformanceCheck check) {
    CheckResult result = check.run();
    switch (result.outcome()) {
      case PASSED:
        return;
      case SKIPPED:
        Assumptions.abort(result.message());
        return;
      default:
        throw new AssertionFailedError(
            check.name() + ": " + result.message(), result.failure().orElse(null));
    }
  }
}
