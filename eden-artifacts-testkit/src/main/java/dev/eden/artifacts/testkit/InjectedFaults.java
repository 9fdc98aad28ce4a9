package dev.eden.artifacts.testkit;

import java.io.IOException;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operations a fault-injecting wrapper currently fails, and the failure it throws for them.
 * Thread-safe: faults may be switched while the wrapper is in use.
 */
final class InjectedFaults<E extends Enum<E>> {
  private final String message;
  /** Each failing operation, with the exception it throws, or empty for the standard one. */
  private final Map<E, Optional<Exception>> failing = new ConcurrentHashMap<>();

  InjectedFaults(String message) {
    this.message = message;
  }

  void add(Collection<E> operations) {
    operations.forEach(operation -> failing.put(operation, Optional.empty()));
  }

  /** Makes {@code operation} throw exactly {@code failure}, which must be unchecked or an I/O exception. */
  void add(E operation, Exception failure) {
    if (!(failure instanceof IOException || failure instanceof RuntimeException)) {
      throw new IllegalArgumentException("only an IOException or a RuntimeException can be thrown: " + failure);
    }
    failing.put(operation, Optional.of(failure));
  }

  void clear() {
    failing.clear();
  }

  boolean isOn(E operation) {
    return failing.containsKey(operation);
  }

  /**
   * Throws the failure chosen for {@code operation}, or {@code "<message>: <operation>"} as an
   * {@link IOException} if none was chosen; returns if {@code operation} currently succeeds.
   */
  void maybeFail(E operation) throws IOException {
    Optional<Exception> failure = failing.get(operation);
    if (failure == null) {
      return;
    }
    if (failure.isEmpty()) {
      throw new IOException(message + ": " + operation.name().toLowerCase(Locale.ROOT));
    }
    if (failure.get() instanceof IOException io) {
      throw io;
    }
    throw (RuntimeException) failure.get();
  }

  @Override
  public String toString() {
    return failing.keySet().toString();
  }
}
