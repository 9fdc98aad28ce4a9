package dev.eden.artifacts.server.auth;

import dev.eden.artifacts.server.auth.CredentialRegistry.WorkerCredential;
import java.io.IOException;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * The runnable server's worker registry, as {@link FileAuthenticator} uses it: each worker's slow
 * hash and groups, kept in a file ({@link CredentialRegistry}, one server or one host) or in the
 * metadata database ({@link DatabaseCredentialRegistry}, every server instance on that database).
 *
 * <p>A registry answers the read methods from an in-memory snapshot, never from storage, so they
 * are cheap (except {@link #verify}, slow by design) and cannot fail; {@link #refresh()} brings the
 * snapshot up to date when the storage changed, and the change methods write through to storage
 * and then refresh. Groups nest: {@link #groups(String)} returns every group a worker reaches, and
 * a worker that reaches {@value dev.eden.artifacts.Principal#ADMINS_GROUP} is admin-class.
 *
 * <p>Sealed: the authenticator's cache relies on {@link #generation()} changing with every reload.
 * An application with its own worker registry implements {@link
 * dev.eden.artifacts.server.Authenticator} instead. Implementations are thread-safe.
 */
public sealed interface WorkerRegistry permits CredentialRegistry, DatabaseCredentialRegistry {

  /**
   * Enrols a new worker: mints its id and a random secret, stores only the slow hash and the
   * groups. The secret is returned once and never stored.
   *
   * @param groups {@code admins} and/or group ids ({@code grp_...}); may be empty
   * @throws IllegalArgumentException for a group name that is neither
   * @throws IOException if the registry cannot be written; nothing was enrolled
   */
  WorkerCredential addWorker(Collection<String> groups) throws IOException;

  /**
   * Declares group {@code groupId} a member of {@code parents} (replacing earlier parents), for
   * nested groups.
   *
   * @throws IllegalArgumentException if {@code groupId} is not a {@code grp_} id or a parent is
   *     neither {@code admins} nor one
   * @throws IOException if the registry cannot be written
   */
  void setGroupParents(String groupId, Collection<String> parents) throws IOException;

  /**
   * Removes a worker; its bearer stops working once each server has reloaded.
   *
   * @return whether it was enrolled
   * @throws IOException if the registry cannot be written
   */
  boolean removeWorker(String workerId) throws IOException;

  /** Whether {@code workerId} is enrolled (as of the last reload). */
  boolean contains(String workerId);

  /** Every enrolled worker's id (as of the last reload): an unmodifiable set. */
  Set<String> workerIds();

  /**
   * Checks a worker's secret against its stored hash (slow by design; as of the last reload).
   * False for an unknown worker or a wrong secret.
   */
  boolean verify(String workerId, String secret);

  /**
   * Every group {@code workerId} belongs to, directly or through nested groups (as of the last
   * reload): an unmodifiable set, empty for a worker in no group or not enrolled.
   */
  Set<String> groups(String workerId);

  /** The stored hash of a worker, for inspection (never the secret); as of the last reload. */
  Optional<String> secretHash(String workerId);

  /** A number that changes whenever the snapshot was reloaded from changed storage. */
  long generation();

  /**
   * Reloads the snapshot if the storage changed since the last reload.
   *
   * @return whether it was reloaded
   * @throws IOException if the storage cannot be read; the previous snapshot then stays in force
   */
  boolean refresh() throws IOException;
}
