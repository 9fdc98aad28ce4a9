package dev.eden.artifacts.jdbc;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.Principal;
import dev.eden.artifacts.jdbc.internal.Dialect;
import dev.eden.artifacts.jdbc.internal.WorkerTables;
import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The rows of a worker registry in the metadata database, so that every server instance on that
 * database accepts the same workers. It stores and returns what it is given — worker ids, group
 * names and the slow hash of each worker's secret, as opaque strings — and never sees, hashes or
 * checks a secret: that is the caller's job.
 *
 * <pre>{@code
 * try (JdbiArtifactStore store = JdbiArtifactStore.postgres(jdbcUrl)) {
 *   JdbiWorkerRegistry workers = JdbiWorkerRegistry.on(store);
 *   workers.enrol(workerId, List.of("admins"), secretHash);
 *   long seen = workers.generation(); // later: read() again only if generation() differs
 * }
 * }</pre>
 *
 * <p><b>Tables.</b> {@code <prefix>workers}, {@code <prefix>worker_group_parents} and {@code
 * <prefix>worker_registry_generation}, created by schema migration 3 beside the store's artifacts
 * table, with the store's table prefix.
 *
 * <p><b>Generation.</b> Every change commits in one transaction with an increment of a one-row
 * counter, {@link #generation()}. A reader that finds the counter where it last saw it knows
 * nothing changed, from one primary-key read; {@link #read()} returns the counter together with
 * the rows it belongs to (one snapshot of the database).
 *
 * <p><b>Connections.</b> A registry shares the connections of the {@link JdbiArtifactStore} it is
 * made {@linkplain #on on} — its pool, its table prefix and, on SQLite, its single-writer lock — and
 * never closes them. Once the store is closed every call fails with an {@link IOException}; close
 * the store when done with both.
 *
 * <p><b>Errors.</b> Malformed arguments are refused with {@link IllegalArgumentException} (null
 * ones with {@link NullPointerException}) before the database is touched; every database failure,
 * and a row this code cannot read, is an {@link IOException} with the cause.
 *
 * <p>Thread-safe.
 */
public final class JdbiWorkerRegistry {
  /** A group name: printable ASCII without spaces (lists of them are stored space-separated). */
  private static final Pattern NAME = Pattern.compile("[\\x21-\\x7e]{1,64}");
  private static final Pattern HASH = Pattern.compile("[\\x21-\\x7e]{1,512}");

  private final JdbiArtifactStore store;
  private final WorkerTables tables;
  private final boolean postgres;

  private JdbiWorkerRegistry(JdbiArtifactStore store) {
    this.store = store;
    this.tables = new WorkerTables(store.names());
    this.postgres = store.dialect() == Dialect.POSTGRESQL;
  }

  /**
   * The registry in the database of {@code store}, on its connections. The store already migrated
   * the schema, so nothing is read or written here.
   */
  public static JdbiWorkerRegistry on(JdbiArtifactStore store) {
    return new JdbiWorkerRegistry(requireNonNull(store, "store"));
  }

  /**
   * Enrols a worker with its groups and the hash of its secret, stamped with the current time.
   *
   * @param groups the group names, in the order to keep; may be empty
   * @return false, changing nothing, if {@code workerId} is enrolled already
   * @throws IllegalArgumentException if {@code workerId} is not a {@code wkr_} id, a group name is
   *     not 1 to 64 printable ASCII characters without spaces, or the hash is not 1 to 512 of them
   * @throws IOException if the database fails
   */
  public boolean enrol(String workerId, Collection<String> groups, String secretHash) throws IOException {
    EnrolledWorker worker = new EnrolledWorker(workerId, orderedSet(groups, "groups"), secretHash,
        Instant.ofEpochMilli(System.currentTimeMillis()));
    return store.withWriteLock("enrol " + workerId, handle -> handle.inTransaction(tx -> {
      boolean inserted = tables.insert(tx, worker);
      if (inserted) {
        tables.bumpGeneration(tx);
      }
      return inserted;
    }));
  }

  /**
   * Removes a worker.
   *
   * @return false, changing nothing, if it was not enrolled
   * @throws IOException if the database fails
   */
  public boolean remove(String workerId) throws IOException {
    requireNonNull(workerId, "workerId");
    return store.withWriteLock("remove " + workerId, handle -> handle.inTransaction(tx -> {
      boolean deleted = tables.delete(tx, workerId);
      if (deleted) {
        tables.bumpGeneration(tx);
      }
      return deleted;
    }));
  }

  /**
   * Makes group {@code groupId} a member of {@code parentIds}, replacing its earlier parents (an
   * empty collection leaves it in no group).
   *
   * @throws IllegalArgumentException if a name is not 1 to 64 printable ASCII characters without
   *     spaces
   * @throws IOException if the database fails
   */
  public void setGroupParents(String groupId, Collection<String> parentIds) throws IOException {
    checkName(groupId, "groupId");
    Set<String> parents = orderedSet(parentIds, "parentIds");
    store.withWriteLock("set parents of " + groupId, handle -> {
      handle.useTransaction(tx -> {
        tables.setParents(tx, groupId, parents);
        tables.bumpGeneration(tx);
      });
      return null;
    });
  }

  /**
   * The change counter: it grows by one with every change that took effect. One single-row read.
   *
   * @throws IOException if the database fails
   */
  public long generation() throws IOException {
    return store.withHandle("read the worker registry's generation", tables::generation);
  }

  /**
   * Every enrolled worker and every group's parents, with the generation they belong to, read in
   * one transaction (at {@code REPEATABLE READ} on PostgreSQL), so they are one consistent state.
   *
   * @throws IOException if the database fails or holds a row this code cannot read
   */
  public Snapshot read() throws IOException {
    return store.withHandle("read the worker registry", handle -> postgres
        ? handle.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, tables::read)
        : handle.inTransaction(tables::read));
  }

  @Override
  public String toString() {
    return "JdbiWorkerRegistry{" + store.dialect() + ", table " + store.names().workers() + "}";
  }

  private static Set<String> orderedSet(Collection<String> names, String what) {
    requireNonNull(names, what);
    Set<String> set = new LinkedHashSet<>();
    for (String name : names) {
      set.add(checkName(name, what));
    }
    return set;
  }

  private static String checkName(String name, String what) {
    requireNonNull(name, what);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what + " must be 1 to 64 printable ASCII characters without spaces: '" + name + "'");
    }
    return name;
  }

  /**
   * One enrolled worker as stored. {@link #toString()} leaves the hash out.
   *
   * @param groups its own groups (not those reached through nested groups), in enrolment order;
   *     unmodifiable
   * @param secretHash the opaque hash of its secret, as given to {@link #enrol}
   * @param createdAt when it was enrolled, to the millisecond
   */
  public record EnrolledWorker(String workerId, Set<String> groups, String secretHash, Instant createdAt) {
    /** @throws IllegalArgumentException for the values {@link JdbiWorkerRegistry#enrol} refuses */
    public EnrolledWorker {
      requireNonNull(workerId, "workerId");
      requireNonNull(secretHash, "secretHash");
      requireNonNull(createdAt, "createdAt");
      if (!Principal.isWorkerId(workerId)) {
        throw new IllegalArgumentException("not a worker id: '" + workerId + "'");
      }
      if (!HASH.matcher(secretHash).matches()) {
        throw new IllegalArgumentException(
            "the secret hash of " + workerId + " must be 1 to 512 printable ASCII characters without spaces");
      }
      groups = Collections.unmodifiableSet(orderedSet(groups, "groups"));
    }

    @Override
    public String toString() {
      return "EnrolledWorker[" + workerId + ", groups=" + groups + ", createdAt=" + createdAt + "]";
    }
  }

  /**
   * The whole registry at one generation.
   *
   * @param workers every enrolled worker by id; unmodifiable
   * @param groupParents the parents of every group that was given some with {@link
   *     #setGroupParents} (possibly none); unmodifiable
   */
  public record Snapshot(long generation, Map<String, EnrolledWorker> workers, Map<String, Set<String>> groupParents) {
    /** @throws IllegalArgumentException if a key does not match its worker or a name is malformed */
    public Snapshot {
      workers = Map.copyOf(workers);
      workers.forEach((id, worker) -> {
        if (!id.equals(worker.workerId())) {
          throw new IllegalArgumentException("worker " + worker.workerId() + " filed under " + id);
        }
      });
      Map<String, Set<String>> parents = new HashMap<>();
      groupParents.forEach((group, of) ->
          parents.put(checkName(group, "groupId"), Collections.unmodifiableSet(orderedSet(of, "parentIds"))));
      groupParents = Map.copyOf(parents);
    }
  }
}
