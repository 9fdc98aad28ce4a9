package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

import java.util.function.Predicate;

/**
 * Decides whether a principal may fetch an artifact. Implementations must be thread-safe; an
 * orchestrator plugs in cross-role grants here (for example an evaluator reading the artifact of
 * the variant it evaluates).
 */
@FunctionalInterface
public interface AccessPolicy {

  /** Whether {@code principal} may read the artifact described by {@code artifact}. */
  boolean mayFetch(Principal principal, ArtifactMetadata artifact);

  /**
   * The contract's default: the depositor, or an admin-class principal — the admin itself, or a
   * worker that {@code adminClass} accepts (a transitive member of the {@code admins} group).
   */
  static AccessPolicy depositorOrAdminClass(Predicate<Principal> adminClass) {
    requireNonNull(adminClass, "adminClass");
    return (principal, artifact) ->
        principal.isAdmin()
            || principal.equals(artifact.createdBy())
            || adminClass.test(principal);
  }

  /** Depositor or the admin principal only; no worker is admin-class. */
  static AccessPolicy depositorOrAdmin() {
    return depositorOrAdminClass(p -> false);
  }
}
