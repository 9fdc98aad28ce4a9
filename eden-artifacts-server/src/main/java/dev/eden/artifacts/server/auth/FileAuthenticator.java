package dev.eden.artifacts.server.auth;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.Principal;
import dev.eden.artifacts.server.Authenticator;
import dev.eden.artifacts.server.BearerCredential;
import dev.eden.artifacts.server.ServerBusyException;
import dev.eden.artifacts.server.internal.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runnable server's {@link Authenticator}: the deployment admin token plus the workers of a
 * {@link WorkerRegistry} — a file ({@link CredentialRegistry}) or the metadata database ({@link
 * DatabaseCredentialRegistry}, shared by every server instance on it) — with a cache of verified
 * bearers so a steady worker pays the slow hash once. A worker's principal carries every group the
 * registry resolves for it ({@link WorkerRegistry#groups(String)}, nested groups included), so the
 * access policy sees {@code admins} membership; group changes take effect when the registry
 * changes, like secrets.
 *
 * <ul>
 *   <li>The admin token is compared in constant time (as SHA-256 digests, so its length does not
 *       leak either).
 *   <li>A worker secret is checked against its PBKDF2 hash ({@link SlowHashChecks}). At most
 *       {@code maxConcurrentVerifications} (half the CPUs) such checks run at once, at most {@code
 *       maxWaitingVerifications} more wait for their turn, each for at most {@code
 *       verificationWait}; requests presenting the same bearer at once share one hash; a request
 *       beyond that is refused with {@link ServerBusyException} (503, {@code Retry-After: 1})
 *       instead of waiting, so a flood of wrong secrets holds a bounded number of request threads
 *       and other requests keep theirs. A bearer already verified (cached) never waits for this.
 *   <li>A verified bearer is cached under an HMAC of the bearer with a key drawn at random per
 *       process — the cache never holds a secret or an unkeyed hash of one. Entries live for the TTL
 *       and are dropped as soon as the registry changes, so a removed or re-keyed worker stops
 *       working within the re-check interval. The cache holds at most {@code cacheSize} entries.
 *   <li>The registry is re-checked ({@link WorkerRegistry#refresh()}: a file stamp, or one
 *       single-row query in the database) at most once per re-check interval, and whenever an
 *       unknown worker presents itself, so newly enrolled workers work at once, without a restart.
 *   <li>At most one re-check runs at a time. A periodic re-check that finds one under way is
 *       skipped. A request of an unknown worker waits for a re-check that began after it arrived
 *       (sharing it with the others that wait), so the concurrent first requests of a worker
 *       enrolled a moment ago all get in; at most {@value #MAX_WAITING_FOR_RECHECK} requests wait,
 *       each at most {@link #MAX_RECHECK_WAIT}, so a flood of unknown worker ids against a slow
 *       database cannot take every request thread: beyond that a request goes on with the registry
 *       as last read. A re-check that fails (unreadable file, database down) keeps
 *       the registry as last read and logs a warning (at most one per ten seconds); it never lets
 *       anyone in and never fails the request.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class FileAuthenticator implements Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(FileAuthenticator.class);
  private static final String HMAC = "HmacSHA256";

  private static final long WARNING_INTERVAL_NANOS = 10_000_000_000L;
  /** How many requests of unknown workers may wait for a re-check of the registry at once. */
  static final int MAX_WAITING_FOR_RECHECK = 32;
  /** How long a request of an unknown worker waits for a re-check of the registry at most. */
  static final Duration MAX_RECHECK_WAIT = Duration.ofSeconds(2);

  private final WorkerRegistry registry;
  private final byte[] adminDigest;
  private final long ttlNanos;
  private final long recheckNanos;
  private final int cacheSize;
  private final SecretKeySpec cacheKey;
  private final ThreadLocal<Mac> macs;
  private final ConcurrentHashMap<String, Verified> cache = new ConcurrentHashMap<>();
  private final SlowHashChecks slowHashChecks;
  private final RegistryRechecks rechecks;
  private volatile long lastCheck;
  private volatile long lastWarning;

  private FileAuthenticator(Builder builder) {
    this.registry = builder.registry;
    this.adminDigest = builder.adminToken == null ? null : Secrets.sha256(builder.adminToken);
    this.ttlNanos = builder.cacheTtl.toNanos();
    this.recheckNanos = builder.recheckInterval.toNanos();
    this.cacheSize = builder.cacheSize;
    this.cacheKey = new SecretKeySpec(Secrets.randomBytes(32), HMAC);
    this.macs = ThreadLocal.withInitial(this::newMac);
    this.slowHashChecks = new SlowHashChecks(
        builder.maxConcurrentVerifications, builder.maxWaitingVerifications, builder.verificationWait);
    this.lastCheck = System.nanoTime();
    this.lastWarning = lastCheck - WARNING_INTERVAL_NANOS;
    this.rechecks = new RegistryRechecks(this::recheck, MAX_WAITING_FOR_RECHECK, MAX_RECHECK_WAIT);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<Principal> authenticate(BearerCredential credential) {
    requireNonNull(credential, "credential");
    String name = credential.principalName();
    if (Principal.ADMIN_NAME.equals(name)) {
      return adminDigest != null
          && Secrets.constantTimeEquals(adminDigest, Secrets.sha256(credential.secret()))
          ? Optional.of(Principal.admin())
          : Optional.empty();
    }
    if (!Principal.isWorkerId(name)) {
      return Optional.empty();
    }
    recheckIfDue();
    String key = cacheKey(credential);
    long now = System.nanoTime();
    Verified hit = cache.get(key);
    if (hit != null && hit.expiresAt - now > 0 && hit.generation == registry.generation()) {
      return Optional.of(hit.principal);
    }
    if (!registry.contains(name)) {
      rechecks.recheckSinceNow(); // it may have been enrolled a moment ago
      if (!registry.contains(name)) {
        return Optional.empty();
      }
    }
    long generation = registry.generation();
    String secret = credential.secret();
    if (!slowHashChecks.check(key, () -> registry.verify(name, secret))) {
      return Optional.empty();
    }
    Principal worker = Principal.worker(name).withGroups(registry.groups(name));
    remember(key, new Verified(worker, now + ttlNanos, generation));
    return Optional.of(worker);
  }

  /**
   * Kept for callers of the deprecated SPI method: the admin, or a registered worker that is a
   * (transitive) member of {@value Principal#ADMINS_GROUP}. The fetch decision never uses it.
   */
  @Override
  @Deprecated
  public boolean isAdminClass(Principal principal) {
    requireNonNull(principal, "principal");
    return principal.isAdmin()
        || (Principal.isWorkerId(principal.name()) && registry.groups(principal.name()).contains(Principal.ADMINS_GROUP));
  }

  /** How many verified bearers are cached right now (for tests and metrics). */
  public int cachedBearers() {
    return cache.size();
  }

  /** How many slow-hash checks ran (for tests). */
  long slowHashChecks() {
    return slowHashChecks.ran();
  }

  private void remember(String key, Verified verified) {
    if (cache.size() >= cacheSize) {
      long now = System.nanoTime();
      cache.values().removeIf(v -> v.expiresAt - now <= 0 || v.generation != registry.generation());
      for (Iterator<String> it = cache.keySet().iterator(); cache.size() >= cacheSize && it.hasNext(); ) {
        it.next();
        it.remove();
      }
    }
    cache.put(key, verified);
  }

  private void recheckIfDue() {
    if (System.nanoTime() - lastCheck >= recheckNanos) {
      rechecks.recheckUnlessRunning();
    }
  }

  /** Refreshes the registry; one at a time ({@link RegistryRechecks}). Never throws. */
  private void recheck() {
    try {
      lastCheck = System.nanoTime();
      if (registry.refresh()) {
        cache.clear();
      }
    } catch (IOException | RuntimeException e) {
      long now = System.nanoTime();
      if (now - lastWarning >= WARNING_INTERVAL_NANOS) {
        lastWarning = now;
        LOG.warn("could not re-read the worker registry {}; keeping the previous content: {}", registry, e.toString());
      } else {
        LOG.debug("could not re-read the worker registry {}: {}", registry, e.toString());
      }
    }
  }

  private String cacheKey(BearerCredential credential) {
    Mac mac = macs.get();
    byte[] tag = mac.doFinal(credential.token().getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(tag);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(cacheKey);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + HMAC, e);
    }
  }

  private record Verified(Principal principal, long expiresAt, long generation) {}

  /** Configures a {@link FileAuthenticator}. Not thread-safe. */
  public static final class Builder {
    private WorkerRegistry registry;
    private String adminToken;
    private Duration cacheTtl = Duration.ofMinutes(5);
    private Duration recheckInterval = Duration.ofSeconds(1);
    private int cacheSize = 10_000;
    // Half the CPUs: a flood of wrong secrets then leaves the other half to everyone else.
    private int maxConcurrentVerifications = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    private int maxWaitingVerifications = 32;
    private Duration verificationWait = Duration.ofSeconds(5);

    private Builder() {}

    /** The worker registry: a file or the metadata database. Required. */
    public Builder registry(WorkerRegistry registry) {
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    /** The deployment admin token; without one, no admin bearer is accepted. */
    public Builder adminToken(String adminToken) {
      requireNonNull(adminToken, "adminToken");
      if (adminToken.isEmpty()) {
        throw new IllegalArgumentException("admin token must not be empty");
      }
      this.adminToken = adminToken;
      return this;
    }

    /** How long a verified bearer is trusted without re-hashing; default 5 minutes. */
    public Builder cacheTtl(Duration cacheTtl) {
      requireNonNull(cacheTtl, "cacheTtl");
      if (cacheTtl.isNegative()) {
        throw new IllegalArgumentException("cacheTtl must not be negative");
      }
      this.cacheTtl = cacheTtl;
      return this;
    }

    /**
     * How often the registry is checked for changes on the steady path; default 1 s. A removed
     * worker stops working within about this long.
     */
    public Builder recheckInterval(Duration recheckInterval) {
      requireNonNull(recheckInterval, "recheckInterval");
      if (recheckInterval.isNegative()) {
        throw new IllegalArgumentException("recheckInterval must not be negative");
      }
      this.recheckInterval = recheckInterval;
      return this;
    }

    /** The most verified bearers kept; default 10,000. */
    public Builder cacheSize(int cacheSize) {
      if (cacheSize < 1) {
        throw new IllegalArgumentException("cacheSize must be positive");
      }
      this.cacheSize = cacheSize;
      return this;
    }

    /**
     * How many slow hashes (PBKDF2 of a presented worker secret) may run at once; default half the
     * CPUs, at least 1, so that a flood of wrong secrets leaves the other half to other requests.
     * Each takes a CPU for a few hundred milliseconds.
     */
    public Builder maxConcurrentVerifications(int maxConcurrentVerifications) {
      if (maxConcurrentVerifications < 1) {
        throw new IllegalArgumentException("maxConcurrentVerifications must be positive");
      }
      this.maxConcurrentVerifications = maxConcurrentVerifications;
      return this;
    }

    /**
     * How many more requests may wait for a verification slot (or for the result of the same
     * bearer's verification under way), and how long each waits for a slot at most; defaults 32
     * and 5 s (a fleet of workers starting at once pays one slow hash per worker, one or two at a
     * time, and must not be refused for it). A request beyond them gets {@link ServerBusyException}
     * (503 with {@code Retry-After}). So at most {@code maxConcurrentVerifications + maxWaiting}
     * request threads are ever busy with the slow hash.
     *
     * @param maxWaiting 0 or more
     * @param wait not negative
     */
    public Builder maxWaitingVerifications(int maxWaiting, Duration wait) {
      requireNonNull(wait, "wait");
      if (maxWaiting < 0 || wait.isNegative()) {
        throw new IllegalArgumentException("maxWaitingVerifications needs maxWaiting >= 0 and a wait >= 0");
      }
      this.maxWaitingVerifications = maxWaiting;
      this.verificationWait = wait;
      return this;
    }

    /** @throws IllegalStateException if no registry is set */
    public FileAuthenticator build() {
      if (registry == null) {
        throw new IllegalStateException("registry is required");
      }
      return new FileAuthenticator(this);
    }
  }
}
