package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

/**
 * Decides whether a principal may fetch an artifact, and whether it may list an experiment's
 * artifacts (the operator listing and summary): the one place that decides both. The
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
   * Whether {@code principal} may list the artifacts of {@code experimentId} and read its summary
   * (who deposited what, when, how large, under which URI): an operator's view across depositors.
   * Asked by {@link ArtifactService#list} and {@link ArtifactService#summarize} before any row is
   * read.
   *
   * <p>The default admits exactly the admin-class principals ({@link Principal#isAdminClass()}):
   * having deposited into an experiment does not let a worker see the others' artifacts. A policy
   * that lets, say, an {@code observers} role list overrides this method; a policy written as a
   * lambda keeps the default.
   *
   * @param principal the authenticated caller, with its groups; never null
   * @param experimentId the experiment to be listed; never null
   */
  default boolean mayList(Principal principal, ExperimentId experimentId) {
    return principal.isAdminClass();
  }

  /**
   * The contract's rule (WIRE-CONTRACT §5) and the service's default: the depositor, or an
   * admin-class principal — the {@code admin} itself, or a principal whose resolved groups include
   * {@value Principal#ADMINS_GROUP} (its authenticator resolved transitive membership, §3). Listing
   * is for admin-class principals only (the default {@link #mayList}).
   */
  static AccessPolicy depositorOrAdminClass() {
    return (principal, artifact) -> principal.equals(artifact.createdBy()) || principal.isAdminClass();
  }

  /**
   * A policy that admits whoever this one or {@code other} admits, for fetching and for listing
   * alike. {@code other} is asked only when this policy refuses, so a grant written as {@code
   * depositorOrAdminClass().or(grant)} is never consulted for the depositor or an admin.
   */
  default AccessPolicy or(AccessPolicy other) {
    requireNonNull(other, "other");
    AccessPolicy first = this;
    return new AccessPolicy() {
      @Override
      public boolean mayFetch(Principal principal, ArtifactMetadata artifact) {
        return first.mayFetch(principal, artifact) || other.mayFetch(principal, artifact);
      }

      @Override
      public boolean mayList(Principal principal, ExperimentId experimentId) {
        return first.mayList(principal, experimentId) || other.mayList(principal, experimentId);
      }
    };
  }
}
