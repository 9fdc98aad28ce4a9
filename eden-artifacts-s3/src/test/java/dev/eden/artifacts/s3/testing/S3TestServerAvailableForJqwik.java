package dev.eden.artifacts.s3.testing;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.opentest4j.TestAbortedException;

/**
 * jqwik's counterpart of {@link S3TestServer#shared()}'s skip: without a server the properties are
 * skipped with the reason, except when {@code CI} is set, where they run and fail on it. Use with
 * {@code @AddLifecycleHook(S3TestServerAvailableForJqwik.class)}.
 */
public final class S3TestServerAvailableForJqwik implements SkipExecutionHook {
  @Override
  public SkipResult shouldBeSkipped(LifecycleContext context) {
    try {
      S3TestServer.shared();
      return SkipResult.doNotSkip();
    } catch (TestAbortedException e) {
      return SkipResult.skip(e.getMessage());
    } catch (AssertionError e) {
      return SkipResult.doNotSkip(); // CI: let every property fail on the same message
    }
  }
}
