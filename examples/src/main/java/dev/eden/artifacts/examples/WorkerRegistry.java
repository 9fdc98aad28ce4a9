package dev.eden.artifacts.examples;

import dev.eden.artifacts.Principal;
import dev.eden.artifacts.server.Authenticator;
import dev.eden.artifacts.server.BearerCredential;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An orchestrator's workers, as an {@link Authenticator}: it mints each worker a random 256-bit
 * secret and keeps only its SHA-256 (a secret that random cannot be guessed, so a fast hash is
 * enough; secrets people choose need a slow KDF, as the server module's file-backed registry uses),
 * and the groups or roles the orchestrator gave it. An authenticated worker's {@link Principal}
 * carries those groups, so the service's {@link dev.eden.artifacts.AccessPolicy} can decide with
 * them; the registry itself decides nothing about fetches.
 *
 * <p>No admin bearer is ever handed out: an embedding orchestrator reads as admin in-process.
 * Thread-safe.
 */
public final class WorkerRegistry implements Authenticator {
  private record Enrolled(byte[] secretDigest, Principal principal) {}

  private final Map<String, Enrolled> workers = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  /**
   * Registers a new worker in {@code groups} and returns its bearer {@code wkr_...:secret}; hand
   * it over once.
   */
  public String register(String... groups) {
    Principal worker = Principal.worker(Principal.mintWorkerId()).withGroups(List.of(groups));
    byte[] secretBytes = new byte[32];
    random.nextBytes(secretBytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    workers.put(worker.name(), new Enrolled(sha256(secret), worker));
    return worker.name() + ":" + secret;
  }

  /** Forgets a worker: its bearer stops working with the next request. */
  public void revoke(String workerId) {
    workers.remove(workerId);
  }

  @Override
  public Optional<Principal> authenticate(BearerCredential credential) {
    Enrolled enrolled = workers.get(credential.principalName());
    // MessageDigest.isEqual compares in constant time: no timing hint about the secret.
    if (enrolled == null || !MessageDigest.isEqual(enrolled.secretDigest(), sha256(credential.secret()))) {
      return Optional.empty();
    }
    return Optional.of(enrolled.principal());
  }

  private static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
