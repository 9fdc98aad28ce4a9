package dev.eden.artifacts.server.auth;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.Principal;
import dev.eden.artifacts.server.Authenticator;
import dev.eden.artifacts.server.BearerCredential;
import dev.eden.artifacts.server.internal.Secrets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link Authenticator} over a fixed set of credentials held in memory: for tests and for
 * embedding applications that already know their workers. Secrets are kept only as SHA-256
 * digests and compared in constant time. Immutable and thread-safe.
 *
 * <pre>{@code
 * Authenticator auth = InMemoryAuthenticator.builder()
 *     .adminToken("s3cret")
 *     .worker("wkr_...", "worker-secret")
 *     .adminClassWorker("wkr_...", "other-secret")
 *     .build();
 * }</pre>
 */
public final class InMemoryAuthenticator implements Authenticator {
  private final byte[] adminDigest;
  private final Map<String, byte[]> workerDigests;
  private final Set<String> adminClassWorkers;

  private InMemoryAuthenticator(Builder builder) {
    this.adminDigest = builder.adminDigest;
    this.workerDigests = Map.copyOf(builder.workerDigests);
    this.adminClassWorkers = Set.copyOf(builder.adminClassWorkers);
  }

  public static Builder builder() {
    return new Builder();
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
        ? Optional.of(Principal.worker(name))
        : Optional.empty();
  }

  @Override
  public boolean isAdminClass(Principal principal) {
    requireNonNull(principal, "principal");
    return principal.isAdmin() || adminClassWorkers.contains(principal.name());
  }

  /** Collects credentials. Not thread-safe. */
  public static final class Builder {
    private byte[] adminDigest;
    private final Map<String, byte[]> workerDigests = new HashMap<>();
    private final Set<String> adminClassWorkers = new HashSet<>();

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
     * A plain worker.
     *
     * @throws IllegalArgumentException if {@code workerId} is not a valid worker id or the secret is empty
     */
    public Builder worker(String workerId, String secret) {
      Principal worker = Principal.worker(requireNonNull(workerId, "workerId"));
      requireNonNull(secret, "secret");
      if (secret.isEmpty()) {
        throw new IllegalArgumentException("secret must not be empty");
      }
      workerDigests.put(worker.name(), Secrets.sha256(secret));
      adminClassWorkers.remove(worker.name());
      return this;
    }

    /** A worker that is a member of the {@code admins} group, so admin-class for fetches. */
    public Builder adminClassWorker(String workerId, String secret) {
      worker(workerId, secret);
      adminClassWorkers.add(workerId);
      return this;
    }

    public InMemoryAuthenticator build() {
      return new InMemoryAuthenticator(this);
    }
  }
}
