package dev.eden.artifacts.server.auth;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.Principal;
import dev.eden.artifacts.server.Authenticator;
import dev.eden.artifacts.server.BearerCredential;
import dev.eden.artifacts.server.internal.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 *   <li>A worker secret is checked against its PBKDF2 hash; at most a few such checks run at once,
 *       so a flood of wrong secrets cannot take every request thread. Requests with one bearer that
 *       arrive while it is being checked share that check's answer.
 *   <li>A verified bearer is cached under an HMAC of the bearer with a key drawn at random per
 *       process — the cache never holds a secret or an unkeyed hash of one. Entries live for the TTL
 *       and are dropped as soon as the registry changes, so a removed or re-keyed worker stops
 *       working within the re-check interval. The cache holds at most {@code cacheSize} entries.
 *   <li>The registry is re-checked ({@link WorkerRegistry#refresh()}: a file stamp, or one
 *       single-row query in the database) at most once per re-check interval, and whenever an
 *       unknown worker presents itself, so newly enrolled workers work at once, without a restart.
 *   <li>At most one re-check runs at a time. A request that finds one under way on the steady path
 *       goes on with the registry as last read instead of waiting. A request naming a worker the
 *       registry does not know waits for a re-check that began after it arrived — joining the one
 *       under way, for at most {@value #UNKNOWN_WORKER_WAIT_MILLIS} ms in all — so that a worker
 *       enrolled a moment ago is let in even when its first requests arrive together, while a flood
 *       of unknown worker ids still runs one re-check at a time. A re-check that fails (unreadable
 *       file, database down) keeps the registry as last read and logs a warning (at most one per
 *       ten seconds); it never lets anyone in and never fails the request.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class FileAuthenticator implements Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(FileAuthenticator.class);
  private static final String HMAC = "HmacSHA256";

  private static final long WARNING_INTERVAL_NANOS = 10_000_000_000L;
  /** The longest a request naming an unknown worker waits for re-checks of the registry. */
  static final long UNKNOWN_WORKER_WAIT_MILLIS = 2_000;

  private final WorkerRegistry registry;
  private final byte[] adminDigest;
  private final long ttlNanos;
  private final long recheckNanos;
  private final int cacheSize;
  private final SecretKeySpec cacheKey;
  private final ThreadLocal<Mac> macs;
  private final ConcurrentHashMap<String, Verified> cache = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<Optional<Principal>>> verifying = new ConcurrentHashMap<>();
  private final AtomicLong slowHashChecks = new AtomicLong();
  private final Semaphore slowHashPermits;
  private final AtomicReference<Recheck> recheck = new AtomicReference<>();
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
    this.slowHashPermits = new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()));
    this.lastCheck = System.nanoTime();
    this.lastWarning = lastCheck - WARNING_INTERVAL_NANOS;
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
    long arrived = System.nanoTime();
    recheckIfDue();
    String key = cacheKey(credential);
    long now = System.nanoTime();
    Verified hit = cache.get(key);
    if (hit != null && hit.expiresAt - now > 0 && hit.generation == registry.generation()) {
      return Optional.of(hit.principal);
    }
    if (!registry.contains(name)) {
      recheckSince(arrived); // it may have been enrolled a moment ago
      if (!registry.contains(name)) {
        return Optional.empty();
      }
    }
    return verifyOnce(key, name, credential.secret(), now);
  }

  /**
   * Checks a bearer that is not cached. Requests with the same bearer that arrive while it is being
   * checked wait for that check and share its answer instead of each paying the slow hash: a fleet
   * starting at once with one bearer paid it once per request, a few at a time, so that the last
   * ones waited longer than the idle time-out with their bodies unread.
   */
  private Optional<Principal> verifyOnce(String key, String name, String secret, long now) {
    CompletableFuture<Optional<Principal>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<Principal>> running = verifying.putIfAbsent(key, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    try {
      long generation = registry.generation();
      Optional<Principal> answer = Optional.empty();
      if (verifySlowly(name, secret)) {
        Principal worker = Principal.worker(name).withGroups(registry.groups(name));
        remember(key, new Verified(worker, now + ttlNanos, generation));
        answer = Optional.of(worker);
      }
      mine.complete(answer);
      return answer;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      verifying.remove(key, mine);
    }
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
    return slowHashChecks.get();
  }

  private boolean verifySlowly(String workerId, String secret) {
    try {
      slowHashPermits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    slowHashChecks.incrementAndGet();
    try {
      return registry.verify(workerId, secret);
    } finally {
      slowHashPermits.release();
    }
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
      recheckUnlessRunning();
    }
  }

  /**
   * Waits until a re-check that began at or after {@code since} (a {@link System#nanoTime()}) has
   * ended, running one when none is under way, for at most {@link #UNKNOWN_WORKER_WAIT_MILLIS}.
   */
  private void recheckSince(long since) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(UNKNOWN_WORKER_WAIT_MILLIS);
    Recheck running;
    while ((running = recheckUnlessRunning()) != null) {
      // One that began before this request arrived may have read the registry too early: then wait
      // for it to end and make sure of a later one.
      boolean lateEnough = running.startedAt - since >= 0;
      if (!running.awaitUntil(deadline) || lateEnough) {
        return;
      }
    }
  }

  /**
   * Refreshes the registry unless a re-check is already under way.
   *
   * @return the re-check under way, or null if this call ran one
   */
  private Recheck recheckUnlessRunning() {
    Recheck mine = new Recheck(System.nanoTime(), new CountDownLatch(1));
    Recheck running = recheck.compareAndExchange(null, mine);
    if (running != null) {
      return running;
    }
    try {
      lastCheck = mine.startedAt;
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
    } finally {
      recheck.set(null);
      mine.ended.countDown();
    }
    return null;
  }

  /** A re-check of the registry: when it began (a {@link System#nanoTime()}), and whether it ended. */
  private record Recheck(long startedAt, CountDownLatch ended) {
    /** Whether it ended before {@code deadline} (a {@link System#nanoTime()}). */
    boolean awaitUntil(long deadline) {
      try {
        return ended.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
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

    /** @throws IllegalStateException if no registry is set */
    public FileAuthenticator build() {
      if (registry == null) {
        throw new IllegalStateException("registry is required");
      }
      return new FileAuthenticator(this);
    }
  }
}
