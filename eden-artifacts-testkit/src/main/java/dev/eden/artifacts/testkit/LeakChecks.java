package dev.eden.artifacts.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The leak-tracking wrappers each running contract test has handed out, so the contract's
 * {@code @AfterEach} can check them: an interface cannot hold per-test state, so it is kept here,
 * keyed by the test instance. Thread-safe.
 */
final class LeakChecks {
  private static final Map<Object, List<LeakTrackingBackend>> BY_TEST =
      Collections.synchronizedMap(new IdentityHashMap<>());

  private LeakChecks() {}

  /** Wraps {@code backend} and remembers it for {@code test}'s check. */
  static LeakTrackingBackend track(Object test, LeakTrackingBackend backend) {
    BY_TEST.computeIfAbsent(test, t -> Collections.synchronizedList(new ArrayList<>())).add(backend);
    return backend;
  }

  /** Forgets {@code test}'s wrappers and fails if any of them still holds something. */
  static void verify(Object test) {
    List<LeakTrackingBackend> backends = BY_TEST.remove(test);
    if (backends != null) {
      synchronized (backends) {
        backends.forEach(LeakTrackingBackend::assertNoLeaks);
      }
    }
  }
}
