package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

/**
 * Decides whether a principal may fetch an artifact: the one place that decides it. The
 * {@link ArtifactService} asks it on every fetch with the principal exactly as authenticated — its
 * name and the {@linkplain Principal#groups() groups} its authenticator resolved — and the
 * artifact's metadata (which records only the depositor's name). No other component rewrites the
 * principal or answers this question; an HTTP binding only authenticates.
 *
 * <p>An orchestrator plugs cross-role grants in by combining the contract's floor with its own
 * rule, for example an evaluator reading the artifacts of the variant it evaluates:
 *
 * <pre>{@code
 * AccessPolicy policy = AccessPolicy.depositorOrAdminClass()
 *     .or((reader, artifact) -> reader.isMemberOf("evaluators")
 *         && plan.evaluatesVariantOf(artifact.experimentId(), reader, artifact.createdBy()));
 * }</pre>
 *
 * <p>Implementations must be thread-safe and should not block for long: they run on the request
 * thread before the first byte is sent. A runtime exception thrown here fails the fetch (a 500 over
 * HTTP), it never grants access.
 */
@FunctionalInterface
public interface AccessPolicy {

  /**
   * Whether {@code principal} may read the artifact described by {@code artifact}. Asked only for
   * an artifact that exists in the requested experiment (WIRE-CONTRACT §5: 404 is decided before
   * 403).
   *
   * @param principal the authenticated caller, with its groups; never null
   * @param artifact the artifact's metadata; {@code artifact.createdBy()} carries no groups
   */
  boolean mayFetch(Principal principal, ArtifactMetadata artifact);

  /**
   * The contract's rule (WIRE-CONTRACT §5) and the service's default: the depositor, or an
   * admin-class principal — the {@code admin} itself, or a principal whose resolved groups include
   * {@value Principal#ADMINS_GROUP} (its authenticator resolved transitive membership, §3).
   */
  static AccessPolicy depositorOrAdminClass() {
    return (principal, artifact) -> principal.equals(artifact.createdBy())
        || principal.isAdmin()
        || principal.isMemberOf(Principal.ADMINS_GROUP);
  }

  /**
   * A policy that admits whoever this one or {@code other} admits. {@code other} is asked only when
   * this policy refuses, so a grant written as {@code depositorOrAdminClass().or(grant)} is never
   * consulted for the depositor or an admin.
   */
  default AccessPolicy or(AccessPolicy other) {
    requireNonNull(other, "other");
    return (principal, artifact) ->
        mayFetch(principal, artifact) || other.mayFetch(principal, artifact);
  }
}
