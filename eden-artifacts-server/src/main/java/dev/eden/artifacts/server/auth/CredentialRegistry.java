package dev.eden.artifacts.server.auth;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.server.internal.Pbkdf2;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reference server's worker registry: one JSON file (by convention {@code workers.json} in the
 * data directory, owner-only) holding each worker's groups and a slow hash of its secret — never
 * the secret itself.
 *
 * <pre>{@code
 * {
 *   "version": 1,
 *   "workers": {
 *     "wkr_...": {"groups": ["admins"], "secret_hash": "pbkdf2-sha256$600000$<salt>$<hash>"}
 *   },
 *   "groups": {
 *     "grp_...": {"groups": ["admins"]}
 *   }
 * }
 * }</pre>
 *
 * <p>Groups may belong to groups ({@code groups.<id>.groups}); membership is transitive, so a worker
 * in a group that is in {@code admins} is in {@code admins} too ({@link #groups(String)} resolves
 * it; the access policy makes such a worker admin-class). Cycles are harmless.
 *
 * <p>The file is re-read when it changes on disk (modification time, size or inode), so workers
 * enrolled by {@code add-worker} while the server runs are seen without a restart. Writers replace
 * the file atomically under a lock file. It is the registry of one server, or of several on one
 * host; servers that share a database share {@link DatabaseCredentialRegistry} instead, which
 * {@link DatabaseCredentialRegistry#importFrom} fills from this file. Thread-safe.
 */
public final class CredentialRegistry implements WorkerRegistry {
  /** The reserved group whose (transitive) members are admin-class: {@link Principal#ADMINS_GROUP}. */
  public static final String ADMINS = Principal.ADMINS_GROUP;
  /** The conventional file name in a data directory. */
  public static final String FILE_NAME = "workers.json";

  private final Path file;
  private final int iterations;
  private volatile RegistrySnapshot snapshot = RegistrySnapshot.EMPTY;

  private CredentialRegistry(Path file, int iterations) {
    this.file = file;
    this.iterations = iterations;
  }

  /**
   * A registry kept in {@code file}; a missing file is an empty registry.
   *
   * @throws IOException if the file exists but cannot be read or is not a valid registry
   */
  public static CredentialRegistry open(Path file) throws IOException {
    return open(file, Pbkdf2.MIN_ITERATIONS);
  }

  /** Like {@link #open(Path)}, hashing new secrets with {@code iterations} (at least 600,000). */
  public static CredentialRegistry open(Path file, int iterations) throws IOException {
    requireNonNull(file, "file");
    RegistryRules.checkIterations(iterations);
    CredentialRegistry registry = new CredentialRegistry(file.toAbsolutePath(), iterations);
    registry.refresh();
    return registry;
  }

  /** The registry file. */
  public Path file() {
    return file;
  }

  /**
   * Enrols a new worker: mints its id and a random secret, stores the slow hash and the groups.
   * The secret is returned once and never stored.
   *
   * @param groups {@code admins} and/or group ids ({@code grp_...}); may be empty
   * @throws IllegalArgumentException for a group name that is neither
   * @throws IOException if the file cannot be written
   */
  @Override
  public WorkerCredential addWorker(Collection<String> groups) throws IOException {
    Set<String> checked = RegistryRules.checkGroups(groups);
    RegistryRules.Minted minted = RegistryRules.mint(iterations);
    update(root -> {
      ObjectNode worker = ((ObjectNode) root.get("workers")).putObject(minted.credential().workerId());
      ArrayNode g = worker.putArray("groups");
      checked.forEach(g::add);
      worker.put("secret_hash", minted.secretHash());
    });
    return minted.credential();
  }

  /**
   * Declares group {@code groupId} a member of {@code parents} (replacing earlier parents), for
   * nested groups.
   */
  @Override
  public void setGroupParents(String groupId, Collection<String> parents) throws IOException {
    RegistryRules.checkGroupId(groupId);
    Set<String> checked = RegistryRules.checkGroups(parents);
    update(root -> {
      ObjectNode group = ((ObjectNode) root.get("groups")).putObject(groupId);
      ArrayNode g = group.putArray("groups");
      checked.forEach(g::add);
    });
  }

  /** Removes a worker; returns whether it was enrolled. Its bearer stops working on the next reload. */
  @Override
  public boolean removeWorker(String workerId) throws IOException {
    requireNonNull(workerId, "workerId");
    boolean[] removed = {false};
    update(root -> removed[0] = ((ObjectNode) root.get("workers")).remove(workerId) != null);
    return removed[0];
  }

  /** Whether {@code workerId} is enrolled (as of the last reload). */
  @Override
  public boolean contains(String workerId) {
    return snapshot.workers.containsKey(workerId);
  }

  /** Every enrolled worker's id (as of the last reload): an unmodifiable set. */
  @Override
  public Set<String> workerIds() {
    return snapshot.workers.keySet();
  }

  /**
   * Checks a worker's secret against its stored hash (slow by design). False for an unknown worker
   * or a wrong secret.
   */
  @Override
  public boolean verify(String workerId, String secret) {
    RegistrySnapshot.Worker worker = snapshot.workers.get(workerId);
    return worker != null && Pbkdf2.verify(secret, worker.secretHash());
  }

  /**
   * Every group {@code workerId} belongs to, directly or through nested groups (as of the last
   * reload): an unmodifiable set, empty for a worker in no group or not enrolled.
   */
  @Override
  public Set<String> groups(String workerId) {
    RegistrySnapshot.Worker worker = snapshot.workers.get(workerId);
    return worker == null ? Set.of() : worker.groups();
  }

  /** The stored hash of a worker, for inspection (never the secret). */
  @Override
  public Optional<String> secretHash(String workerId) {
    return Optional.ofNullable(snapshot.workers.get(workerId)).map(RegistrySnapshot.Worker::secretHash);
  }

  /** A number that changes whenever the registry's content was reloaded from a changed file. */
  @Override
  public long generation() {
    return snapshot.generation;
  }

  /**
   * Re-reads the file if it changed since the last read.
   *
   * @return whether it was re-read
   * @throws IOException if the changed file cannot be read; the previous content stays in force
   */
  @Override
  public synchronized boolean refresh() throws IOException {
    RegistrySnapshot.FileStamp stamp = RegistrySnapshot.FileStamp.of(file);
    if (stamp.equals(snapshot.stamp) && snapshot != RegistrySnapshot.EMPTY) {
      return false;
    }
    if (stamp.equals(RegistrySnapshot.FileStamp.ABSENT)) {
      snapshot = new RegistrySnapshot(stamp, Map.of(), snapshot.generation + 1);
      return true;
    }
    JsonNode root = RegistryFile.read(file);
    snapshot = RegistrySnapshot.parse(root, stamp, snapshot.generation + 1);
    return true;
  }

  private void update(RegistryFile.Mutation mutation) throws IOException {
    RegistryFile.update(file, root -> {
      mutation.apply(root);
      RegistrySnapshot.parse(root, RegistrySnapshot.FileStamp.ABSENT, 0); // refuse to write what could not be read back
    });
    refresh();
  }

  /**
   * The file's content as stored (each worker's own groups, each group's parents), read afresh and
   * checked like a reload; for copying it into a database registry.
   */
  StoredRegistry stored() throws IOException {
    StoredRegistry stored = StoredRegistry.fromJson(RegistryFile.read(file));
    RegistrySnapshot.of(stored, RegistrySnapshot.FileStamp.ABSENT, 0); // refuse what a reload would refuse
    return stored;
  }

  /** A freshly enrolled worker's id and secret; the only time the secret is seen. */
  public record WorkerCredential(String workerId, String secret) {
    public WorkerCredential {
      requireNonNull(workerId, "workerId");
      requireNonNull(secret, "secret");
    }

    /** {@code <workerId>:<secret>}, the value after {@code Bearer }. */
    public String bearer() {
      return workerId + ":" + secret;
    }

    @Override
    public String toString() {
      return "WorkerCredential[" + workerId + ":<redacted>]";
    }
  }

  @Override
  public String toString() {
    return "CredentialRegistry[" + file + "]";
  }
}
