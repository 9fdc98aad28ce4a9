package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

/**
 * Who is acting: the deployment {@linkplain #admin() admin}, or a worker identified by its
 * {@code wkr_} id. This is what gets recorded as an artifact's {@code created_by}. Immutable and
 * thread-safe.
 */
public final class Principal {
  /** The literal name of the admin principal. */
  public static final String ADMIN_NAME = "admin";

  private static final String WORKER_PREFIX = "wkr_";
  private static final Principal ADMIN = new Principal(ADMIN_NAME);

  private final String name;

  private Principal(String name) {
    this.name = name;
  }

  /** The deployment admin. */
  public static Principal admin() {
    return ADMIN;
  }

  /**
   * A worker.
   *
   * @throws IllegalArgumentException if {@code workerId} is not {@code wkr_} + 26 lowercase
   *     Crockford base32 characters
   */
  public static Principal worker(String workerId) {
    requireNonNull(workerId, "workerId");
    if (!isWorkerId(workerId)) {
      throw new IllegalArgumentException(
          "worker id must be 'wkr_' followed by 26 lowercase Crockford base32 characters");
    }
    return new Principal(workerId);
  }

  /**
   * Parses a principal name: {@code admin} or a worker id.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static Principal parse(String name) {
    requireNonNull(name, "name");
    return ADMIN_NAME.equals(name) ? ADMIN : worker(name);
  }

  /** Whether {@code text} is a well-formed worker id. Never throws. */
  public static boolean isWorkerId(String text) {
    return Crockford.matches(text, WORKER_PREFIX);
  }

  /** Mints a fresh random worker id, for registries that enrol workers. */
  public static String mintWorkerId() {
    return Crockford.mint(WORKER_PREFIX);
  }

  /** {@code admin} or the worker id. */
  public String name() {
    return name;
  }

  /** Whether this is the deployment admin (not merely an admin-class worker). */
  public boolean isAdmin() {
    return this == ADMIN;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Principal && ((Principal) o).name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
