package dev.eden.artifacts.jdbc;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.opentest4j.TestAbortedException;

/**
 * jqwik's counterpart of the JUnit assumption in {@link PostgresTestDatabase}: without a reachable
 * server the properties are skipped with instructions, except under {@code CI=true}, where they
 * run and fail.
 */
public final class PostgresAvailableForJqwik implements SkipExecutionHook {
  @Override
  public SkipResult shouldBeSkipped(LifecycleContext context) {
    try {
      PostgresTestDatabase.requireServerUrl();
      return SkipResult.doNotSkip();
    } catch (TestAbortedException e) {
      return SkipResult.skip(e.getMessage());
    } catch (AssertionError e) {
      return SkipResult.doNotSkip(); // CI: let every property fail on the same message
    }
  }
}
