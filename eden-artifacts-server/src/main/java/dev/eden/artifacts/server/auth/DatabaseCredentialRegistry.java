package dev.eden.artifacts.server.auth;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.jdbc.JdbiWorkerRegistry;
import dev.eden.artifacts.server.auth.CredentialRegistry.WorkerCredential;
import dev.eden.artifacts.server.internal.Pbkdf2;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker registry in the metadata database ({@link JdbiWorkerRegistry}), so that every server
 * instance on that database accepts the same workers: what {@code serve --db} uses and {@code
 * add-worker --db} writes. Same hashes, groups and nested groups as the file registry ({@link
 * CredentialRegistry}); {@link #importFrom} copies a file registry in.
 *
 * <pre>{@code
 * JdbiArtifactStore store = JdbiArtifactStore.postgres(jdbcUrl);
 * DatabaseCredentialRegistry registry = DatabaseCredentialRegistry.open(JdbiWorkerRegistry.on(store));
 * FileAuthenticator authenticator = FileAuthenticator.builder().registry(registry).build();
 * }</pre>
 *
 * <p>Reads come from an in-memory snapshot. {@link #refresh()} costs one single-row query while
 * nothing changed — the database's change counter, which every change bumps in its own
 * transaction — and reloads every row only when the counter moved. A change made here refreshes
 * at once; changes made by other instances are seen at their next refresh (the authenticator
 * refreshes at most once per re-check interval, and when an unknown worker shows up).
 *
 * <p>Needs {@code eden-artifacts-jdbc} and a JDBC driver on the classpath (optional dependencies
 * of this module). The registry uses the store's connections and never closes them; once the
 * store is closed, changes and refreshes fail with {@link IOException} while the last snapshot
 * stays in force. Thread-safe.
 */
public final class DatabaseCredentialRegistry implements WorkerRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseCredentialRegistry.class);

  private final JdbiWorkerRegistry rows;
  private final int iterations;
  private volatile Loaded loaded = new Loaded(RegistrySnapshot.EMPTY, -1); // -1: never read

  /** The snapshot, and the database's change counter it was read at. */
  private record Loaded(RegistrySnapshot snapshot, long databaseGeneration) {}

  private DatabaseCredentialRegistry(JdbiWorkerRegistry rows, int iterations) {
    this.rows = rows;
    this.iterations = iterations;
  }

  /**
   * The registry in {@code rows}, read once now.
   *
   * @throws IOException if the database cannot be read or holds a malformed worker
   */
  public static DatabaseCredentialRegistry open(JdbiWorkerRegistry rows) throws IOException {
    return open(rows, Pbkdf2.MIN_ITERATIONS);
  }

  /**
   * Like {@link #open(JdbiWorkerRegistry)}, hashing new secrets with {@code iterations}.
   *
   * @throws IllegalArgumentException if {@code iterations} is below 600,000
   */
  public static DatabaseCredentialRegistry open(JdbiWorkerRegistry rows, int iterations) throws IOException {
    requireNonNull(rows, "rows");
    DatabaseCredentialRegistry registry = new DatabaseCredentialRegistry(rows, RegistryRules.checkIterations(iterations));
    registry.refresh();
    return registry;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The worker is in the database once this returns; if reading it back then fails, that is
   * logged and the credential is returned all the same (the next refresh sees the worker).
   */
  @Override
  public WorkerCredential addWorker(Collection<String> groups) throws IOException {
    Set<String> checked = RegistryRules.checkGroups(groups);
    RegistryRules.Minted minted;
    do {
      minted = RegistryRules.mint(iterations);
    } while (!rows.enrol(minted.credential().workerId(), checked, minted.secretHash())); // 130 random bits: never twice
    refreshAfterChange();
    return minted.credential();
  }

  @Override
  public void setGroupParents(String groupId, Collection<String> parents) throws IOException {
    RegistryRules.checkGroupId(groupId);
    Set<String> checked = RegistryRules.checkGroups(parents);
    rows.setGroupParents(groupId, checked);
    refreshAfterChange();
  }

  @Override
  public boolean removeWorker(String workerId) throws IOException {
    requireNonNull(workerId, "workerId");
    boolean removed = rows.remove(workerId);
    refreshAfterChange();
    return removed;
  }

  @Override
  public boolean contains(String workerId) {
    return loaded.snapshot().workers.containsKey(workerId);
  }

  @Override
  public Set<String> workerIds() {
    return loaded.snapshot().workers.keySet();
  }

  @Override
  public boolean verify(String workerId, String secret) {
    RegistrySnapshot.Worker worker = loaded.snapshot().workers.get(workerId);
    return worker != null && Pbkdf2.verify(secret, worker.secretHash());
  }

  @Override
  public Set<String> groups(String workerId) {
    RegistrySnapshot.Worker worker = loaded.snapshot().workers.get(workerId);
    return worker == null ? Set.of() : worker.groups();
  }

  @Override
  public Optional<String> secretHash(String workerId) {
    return Optional.ofNullable(loaded.snapshot().workers.get(workerId)).map(RegistrySnapshot.Worker::secretHash);
  }

  /** {@inheritDoc} A count of this instance's reloads, not the database's change counter. */
  @Override
  public long generation() {
    return loaded.snapshot().generation;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the database's change counter (one single-row query) and, only if it moved since the
   * last reload, every row in one transaction. Concurrent callers queue; {@link FileAuthenticator}
   * lets only one of its threads wait here at a time.
   *
   * @throws IOException if the database fails or holds a malformed worker
   */
  @Override
  public synchronized boolean refresh() throws IOException {
    Loaded last = loaded;
    if (rows.generation() == last.databaseGeneration()) {
      return false;
    }
    JdbiWorkerRegistry.Snapshot read = rows.read();
    loaded = new Loaded(RegistrySnapshot.of(stored(read), RegistrySnapshot.FileStamp.ABSENT,
        last.snapshot().generation + 1), read.generation());
    return true;
  }

  /**
   * Copies every worker (id, groups, secret hash) and every group's parents of {@code file} into
   * this registry; the copied workers' secrets stay valid, since their hashes are copied. Entries
   * already here with the same hash and groups, or the same parents, are left alone, so running it
   * again copies nothing. Each entry is its own transaction: after a failure part way, run it again.
   *
   * @throws IllegalStateException if an id is here already with another hash or other groups (or a
   *     group with other parents); nothing is then copied, and the message names every such id
   * @throws IllegalArgumentException if the file holds a group name the database cannot store
   *     (more than 64 characters, or spaces; never one that {@code add-worker} wrote)
   * @throws IOException if the file or the database cannot be read, or the database written
   */
  public ImportReport importFrom(CredentialRegistry file) throws IOException {
    requireNonNull(file, "file");
    StoredRegistry source = file.stored();
    JdbiWorkerRegistry.Snapshot target = rows.read();
    Map<String, StoredRegistry.StoredWorker> workers = new TreeMap<>(source.workers());
    Map<String, Set<String>> groups = new TreeMap<>(source.groupParents());
    List<String> conflicts = new ArrayList<>();
    List<String> workersThere = new ArrayList<>();
    List<String> groupsThere = new ArrayList<>();
    workers.forEach((id, worker) -> {
      JdbiWorkerRegistry.EnrolledWorker there = target.workers().get(id);
      if (there != null) {
        (there.secretHash().equals(worker.secretHash()) && there.groups().equals(worker.groups())
            ? workersThere : conflicts).add(id);
      }
    });
    groups.forEach((id, parents) -> {
      Set<String> there = target.groupParents().get(id);
      if (there != null) {
        (there.equals(parents) ? groupsThere : conflicts).add(id);
      }
    });
    if (!conflicts.isEmpty()) {
      throw new IllegalStateException("the database registry already holds " + String.join(", ", conflicts)
          + " with another secret hash, other groups or other parents than " + file.file()
          + "; nothing was imported (remove those from one side first)");
    }
    workersThere.forEach(workers::remove);
    groupsThere.forEach(groups::remove);
    for (Map.Entry<String, StoredRegistry.StoredWorker> e : workers.entrySet()) {
      if (!rows.enrol(e.getKey(), e.getValue().groups(), e.getValue().secretHash())) {
        throw new IllegalStateException(e.getKey() + " was enrolled in the database meanwhile; run the import again");
      }
    }
    for (Map.Entry<String, Set<String>> e : groups.entrySet()) {
      rows.setGroupParents(e.getKey(), e.getValue());
    }
    refreshAfterChange();
    return new ImportReport(List.copyOf(workers.keySet()), workersThere, List.copyOf(groups.keySet()), groupsThere);
  }

  /**
   * What {@link #importFrom} did; every list sorted and unmodifiable.
   *
   * @param workersCopied workers enrolled here from the file
   * @param workersAlreadyHere workers that were here already, with the same hash and groups
   * @param groupsCopied groups whose parents were copied
   * @param groupsAlreadyHere groups that were here already with the same parents
   */
  public record ImportReport(
      List<String> workersCopied, List<String> workersAlreadyHere, List<String> groupsCopied, List<String> groupsAlreadyHere) {
    public ImportReport {
      workersCopied = List.copyOf(workersCopied);
      workersAlreadyHere = List.copyOf(workersAlreadyHere);
      groupsCopied = List.copyOf(groupsCopied);
      groupsAlreadyHere = List.copyOf(groupsAlreadyHere);
    }
  }

  @Override
  public String toString() {
    return "DatabaseCredentialRegistry[" + rows + "]";
  }

  private void refreshAfterChange() {
    try {
      refresh();
    } catch (IOException e) {
      LOG.warn("changed the worker registry {} but could not read it back; the next refresh will: {}", rows, e.toString());
    }
  }

  private static StoredRegistry stored(JdbiWorkerRegistry.Snapshot read) {
    Map<String, StoredRegistry.StoredWorker> workers = new HashMap<>();
    read.workers().forEach((id, w) -> workers.put(id, new StoredRegistry.StoredWorker(w.secretHash(), w.groups())));
    return new StoredRegistry(workers, read.groupParents());
  }
}
