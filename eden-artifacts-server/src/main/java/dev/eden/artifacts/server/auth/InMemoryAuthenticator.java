package dev.eden.artifacts.server.auth;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.Principal;
import dev.eden.artifacts.server.Authenticator;
import dev.eden.artifacts.server.BearerCredential;
import dev.eden.artifacts.server.internal.Secrets;
import java.util.HashMap;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link Authenticator} over a fixed set of credentials held in memory: for tests and for
 * embedding applications that already know their workers. Secrets are kept only as SHA-256
 * digests and compared in constant time. A worker's principal carries the groups given here (a
 * flat list: name every group, nested ones included); the access policy decides with them.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * Authenticator auth = InMemoryAuthenticator.builder()
 *     .adminToken("s3cret")
 *     .worker("wkr_...", "worker-secret")
 *     .adminClassWorker("wkr_...", "other-secret")         // in the admins group
 *     .worker("wkr_...", "third-secret", Set.of("evaluators"))
 *     .build();
 * }</pre>
 */
public final class InMemoryAuthenticator implements Authenticator {
  private final byte[] adminDigest;
  private final Map<String, byte[]> workerDigests;
  private final Map<String, Principal> workers;

  private InMemoryAuthenticator(Builder builder) {
    this.adminDigest = builder.adminDigest;
    this.workerDigests = Map.copyOf(builder.workerDigests);
    this.workers = Map.copyOf(builder.workers);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Kept for callers of the deprecated SPI method: the admin, or a worker enrolled here in
   * {@value Principal#ADMINS_GROUP}. The fetch decision never uses it.
   */
  @Override
  @Deprecated
  public boolean isAdminClass(Principal principal) {
    requireNonNull(principal, "principal");
    Principal known = workers.get(principal.name());
    return principal.isAdmin() || (known != null && known.isMemberOf(Principal.ADMINS_GROUP));
  }

  @Override
  public Optional<Principal> authenticate(BearerCredential credential) {
    requireNonNull(credential, "credential");
    String name = credential.principalName();
    byte[] presented = Secrets.sha256(credential.secret());
    if (Principal.ADMIN_NAME.equals(name)) {
      return adminDigest != null && Secrets.constantTimeEquals(adminDigest, presented)
          ? Optional.of(Principal.admin())
          : Optional.empty();
    }
    byte[] expected = workerDigests.get(name);
    if (expected == null) {
      return Optional.empty();
    }
    return Secrets.constantTimeEquals(expected, presented)
        ? Optional.of(workers.get(name))
        : Optional.empty();
  }

  /** Collects credentials. Not thread-safe. */
  public static final class Builder {
    private byte[] adminDigest;
    private final Map<String, byte[]> workerDigests = new HashMap<>();
    private final Map<String, Principal> workers = new HashMap<>();

    private Builder() {}

    /** The deployment admin token, presented as {@code Bearer admin:<token>}. Without one, no admin bearer is accepted. */
    public Builder adminToken(String token) {
      requireNonNull(token, "token");
      if (token.isEmpty()) {
        throw new IllegalArgumentException("admin token must not be empty");
      }
      this.adminDigest = Secrets.sha256(token);
      return this;
    }

    /**
     * A worker in no group. Replaces an earlier entry for the same id.
     *
     * @throws IllegalArgumentException if {@code workerId} is not a valid worker id or the secret is empty
     */
    public Builder worker(String workerId, String secret) {
      return worker(workerId, secret, Set.of());
    }

    /**
     * A worker in {@code groups} — every group it belongs to, since nothing here resolves nesting —
     * for example {@value Principal#ADMINS_GROUP} or an application's own roles. Replaces an earlier
     * entry for the same id.
     *
     * @throws IllegalArgumentException if {@code workerId} is not a valid worker id, the secret is
     *     empty, or a group name is empty or holds control characters
     */
    public Builder worker(String workerId, String secret, Collection<String> groups) {
      Principal worker = Principal.worker(requireNonNull(workerId, "workerId")).withGroups(groups);
      requireNonNull(secret, "secret");
      if (secret.isEmpty()) {
        throw new IllegalArgumentException("secret must not be empty");
      }
      workerDigests.put(worker.name(), Secrets.sha256(secret));
      workers.put(worker.name(), worker);
      return this;
    }

    /** A worker in the {@value Principal#ADMINS_GROUP} group, so admin-class under the default policy. */
    public Builder adminClassWorker(String workerId, String secret) {
      return worker(workerId, secret, Set.of(Principal.ADMINS_GROUP));
    }

    public InMemoryAuthenticator build() {
      return new InMemoryAuthenticator(this);
    }
  }
}
