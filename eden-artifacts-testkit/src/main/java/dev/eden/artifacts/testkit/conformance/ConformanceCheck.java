package dev.eden.artifacts.testkit.conformance;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.Optional;
import java.util.function.Function;

/**
 * One observable rule of the wire contract, bound to the server of its {@link ConformanceSuite}.
 * Checks are independent: each makes its own deposits, so they may run in any order or alone.
 * Thread-safe; running a check sends real requests every time.
 */
public final class ConformanceCheck {
  /** How far the rule carries; also the group a check is reported in. */
  public enum Level {
    /** One of the "Artifact transfer" scenarios every EDEN server must pass. */
    PORTABLE("portable"),
    /** A rule of the contract that goes beyond the portable scenarios. */
    STRICT("strict"),
    /**
     * The optional "HTTP semantics" group: HEAD, validators and conditional requests, byte
     * ranges and representation digests on the fetch path (spec §9.7). Each check first finds
     * out whether the server offers the feature it observes and is skipped when it does not,
     * unless {@link ConformanceConfig#requireHttpSemantics()} is set.
     */
    HTTP_SEMANTICS("http");

    private final String prefix;

    Level(String prefix) {
      this.prefix = prefix;
    }

    /** What the names of this level's checks start with, before the {@code /}. */
    public String prefix() {
      return prefix;
    }
  }

  /** The body of a check; it throws {@link ConformanceFailure} when the server breaks the rule. */
  @FunctionalInterface
  interface Body {
    void run(ConformanceContext context) throws Exception;
  }

  private final String id;
  private final Level level;
  private final String description;
  private final Function<ConformanceConfig, Optional<String>> missingInput;
  private final Body body;
  private final ConformanceContext context;

  ConformanceCheck(
      String id,
      Level level,
      String description,
      Function<ConformanceConfig, Optional<String>> missingInput,
      Body body,
      ConformanceContext context) {
    this.id = requireNonNull(id, "id");
    this.level = requireNonNull(level, "level");
    this.description = requireNonNull(description, "description");
    this.missingInput = requireNonNull(missingInput, "missingInput");
    this.body = requireNonNull(body, "body");
    this.context = requireNonNull(context, "context");
  }

  /** {@code portable/...}, {@code strict/...} or {@code http/...}: unique within the suite and stable. */
  public String name() {
    return level.prefix() + "/" + id;
  }

  public Level level() {
    return level;
  }

  /** One sentence: the rule this check observes, with its contract section. */
  public String description() {
    return description;
  }

  /**
   * Why the check cannot run with this configuration (an optional input it needs), if so. A check
   * of the {@link Level#HTTP_SEMANTICS} group may also be skipped when it runs, once it has seen
   * that the server does not offer the feature.
   */
  public Optional<String> skipReason() {
    return missingInput.apply(context.config());
  }

  /**
   * Runs the check against the server. Never throws for a server fault: transport failures and
   * broken answers are failed results; an optional feature the server turns out not to offer is a
   * skipped result that names what was missing (a failed one when the configuration requires it).
   */
  public CheckResult run() {
    Optional<String> skip = skipReason();
    if (skip.isPresent()) {
      return new CheckResult(name(), CheckResult.Outcome.SKIPPED, skip.get(), null);
    }
    try {
      body.run(context);
      return new CheckResult(name(), CheckResult.Outcome.PASSED, "", null);
    } catch (FeatureNotOffered absent) {
      if (context.config().requireHttpSemantics()) {
        return failed(absent.getMessage() + ", but the configuration requires it", absent);
      }
      return new CheckResult(name(), CheckResult.Outcome.SKIPPED, absent.getMessage(), null);
    } catch (ConformanceFailure failure) {
      return new CheckResult(name(), CheckResult.Outcome.FAILED, failure.getMessage(), failure);
    } catch (HttpTimeoutException e) {
      return failed("no answer within " + context.config().timeout().toSeconds() + " s", e);
    } catch (IOException e) {
      return failed("transport failure: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed("interrupted", e);
    } catch (Exception | AssertionError e) {
      return failed("unexpected " + e, e);
    }
  }

  private CheckResult failed(String message, Throwable cause) {
    return new CheckResult(name(), CheckResult.Outcome.FAILED, message, cause);
  }

  @Override
  public String toString() {
    return name();
  }
}
