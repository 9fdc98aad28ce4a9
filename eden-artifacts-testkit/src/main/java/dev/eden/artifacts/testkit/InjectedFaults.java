package dev.eden.artifacts.testkit;

import java.io.IOException;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operations a fault-injecting wrapper currently fails, and the failure it throws for them.
 * Thread-safe: faults may be switched while the wrapper is in use.
 */
final class InjectedFaults<E extends Enum<E>> {
  private final String message;
  private final Set<E> failing = ConcurrentHashMap.newKeySet();

  InjectedFaults(String message) {
    this.message = message;
  }

  void add(Collection<E> operations) {
    failing.addAll(operations);
  }

  void clear() {
    failing.clear();
  }

  boolean isOn(E operation) {
    return failing.contains(operation);
  }

  /** Throws {@code "<message>: <operation>"} if {@code operation} currently fails. */
  void maybeFail(E operation) throws IOException {
    if (failing.contains(operation)) {
      throw new IOException(message + ": " + operation.name().toLowerCase(Locale.ROOT));
    }
  }

  @Override
  public String toString() {
    return failing.toString();
  }
}
