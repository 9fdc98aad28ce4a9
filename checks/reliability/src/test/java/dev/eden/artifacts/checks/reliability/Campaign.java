package dev.eden.artifacts.checks.reliability;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The campaign's profile: {@code short} (the CI form, the default) or {@code long} (the on-demand
 * form, {@code run-long.sh}), from the system property {@code eden.campaign}; and the server jar
 * every scenario starts.
 */
final class Campaign {
  static final String PROFILE = System.getProperty("eden.campaign", "short");

  private Campaign() {}

  /** Whether this run is the long, on-demand form. */
  static boolean isLong() {
    return "long".equals(PROFILE);
  }

  /** {@code shortForm} in CI, {@code longForm} on demand. */
  static int scale(int shortForm, int longForm) {
    return isLong() ? longForm : shortForm;
  }

  /** {@code shortForm} in CI, {@code longForm} on demand. */
  static long scale(long shortForm, long longForm) {
    return isLong() ? longForm : shortForm;
  }

  /** The shaded runnable server jar, as an operator runs it. */
  static Path serverJar() {
    String jar = System.getProperty("eden.campaign.server.jar");
    if (jar == null) {
      throw new IllegalStateException("system property eden.campaign.server.jar is not set (run through Maven)");
    }
    return Paths.get(jar).toAbsolutePath().normalize();
  }

  /**
   * Fails the scenario with {@code reason} in CI (the environment's {@code CI} set, and not {@code
   * false}, as {@code S3TestServer} reads it), where everything it needs must be there; skips it,
   * saying why, in a local run.
   */
  static void requireOrSkip(String reason) {
    String ci = System.getenv("CI");
    if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
      Assertions.fail(reason);
    }
    Assumptions.abort("skipped: " + reason);
  }

  /** Prints one figure line of the run, prefixed so that a log can be grepped for every figure. */
  static void figure(String scenario, String line) {
    System.out.println("[campaign " + PROFILE + "] " + scenario + ": " + line);
  }
}
