package dev.eden.artifacts.jdbc.internal;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.jdbc.JdbiWorkerRegistry.EnrolledWorker;
import dev.eden.artifacts.jdbc.JdbiWorkerRegistry.Snapshot;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of the worker registry's three tables (migration 3) and the mapping between their rows
 * and {@link EnrolledWorker}s: the one place that knows the columns. A list of groups is stored as
 * the names joined by single spaces (names never contain one; {@code ""} for none).
 *
 * <p>Every method runs on the caller's {@link Handle}, inside the caller's transaction if any, and
 * leaves it open; Jdbi exceptions pass through, and a row that does not parse raises {@link
 * IllegalArgumentException}. Immutable and thread-safe. Not API.
 */
public final class WorkerTables {
  private final String insertWorker;
  private final String deleteWorker;
  private final String upsertParents;
  private final String bump;
  private final String generation;
  private final String workers;
  private final String parents;
  private final String generationTable;

  public WorkerTables(TableNames names) {
    requireNonNull(names, "names");
    String w = names.workers();
    String p = names.workerGroupParents();
    String g = names.workerRegistryGeneration();
    // ON CONFLICT on the key only: any other constraint failure still raises, and on PostgreSQL a
    // duplicate does not abort the surrounding transaction.
    this.insertWorker = "INSERT INTO " + w + " (worker_id, group_ids, secret_hash, created_at)"
        + " VALUES (:id, :groups, :hash, :createdAt) ON CONFLICT (worker_id) DO NOTHING";
    this.deleteWorker = "DELETE FROM " + w + " WHERE worker_id = :id";
    this.upsertParents = "INSERT INTO " + p + " (group_id, parent_ids) VALUES (:id, :parents)"
        + " ON CONFLICT (group_id) DO UPDATE SET parent_ids = excluded.parent_ids";
    this.bump = "UPDATE " + g + " SET generation = generation + 1 WHERE singleton = 1";
    this.generation = "SELECT generation FROM " + g + " WHERE singleton = 1";
    this.workers = "SELECT worker_id, group_ids, secret_hash, created_at FROM " + w;
    this.parents = "SELECT group_id, parent_ids FROM " + p;
    this.generationTable = g;
  }

  /** Inserts one worker; false if its id is enrolled already. */
  public boolean insert(Handle handle, EnrolledWorker worker) {
    return handle.createUpdate(insertWorker)
            .bind("id", worker.workerId())
            .bind("groups", join(worker.groups()))
            .bind("hash", worker.secretHash())
            .bind("createdAt", worker.createdAt().toEpochMilli())
            .execute()
        > 0;
  }

  /** Deletes one worker; false if there was none. */
  public boolean delete(Handle handle, String workerId) {
    return handle.createUpdate(deleteWorker).bind("id", workerId).execute() > 0;
  }

  /** Sets (inserting or replacing) the parents of {@code groupId}. */
  public void setParents(Handle handle, String groupId, Collection<String> parentIds) {
    handle.createUpdate(upsertParents).bind("id", groupId).bind("parents", join(parentIds)).execute();
  }

  /**
   * Adds one to the change counter; call it in the transaction of the change it announces.
   *
   * @throws IllegalArgumentException if the counter row is missing (someone deleted it)
   */
  public void bumpGeneration(Handle handle) {
    if (handle.createUpdate(bump).execute() != 1) {
      throw missingGeneration();
    }
  }

  /**
   * The change counter: one primary-key read of a one-row table.
   *
   * @throws IllegalArgumentException if the counter row is missing
   */
  public long generation(Handle handle) {
    return handle.createQuery(generation).mapTo(Long.class).findOne().orElseThrow(this::missingGeneration);
  }

  /**
   * Everything, counter first; consistent only inside a transaction that sees one snapshot
   * (SQLite's, or PostgreSQL's at {@code REPEATABLE READ}).
   */
  public Snapshot read(Handle handle) {
    long current = generation(handle);
    List<EnrolledWorker> enrolled = handle.createQuery(workers)
        .map((rs, ctx) -> new EnrolledWorker(rs.getString(1), split(rs.getString(2)), rs.getString(3),
            Instant.ofEpochMilli(rs.getLong(4))))
        .list();
    Map<String, EnrolledWorker> byId = new HashMap<>();
    enrolled.forEach(w -> byId.put(w.workerId(), w));
    Map<String, Set<String>> groupParents = new HashMap<>();
    handle.createQuery(parents)
        .map((rs, ctx) -> groupParents.put(rs.getString(1), split(rs.getString(2))))
        .list();
    return new Snapshot(current, byId, groupParents);
  }

  private IllegalArgumentException missingGeneration() {
    return new IllegalArgumentException("the worker registry's change counter row is missing from " + generationTable);
  }

  static String join(Collection<String> names) {
    return String.join(" ", names);
  }

  static Set<String> split(String joined) {
    Set<String> names = new LinkedHashSet<>();
    if (joined != null && !joined.isEmpty()) {
      names.addAll(List.of(joined.split(" ", -1)));
    }
    return names;
  }
}
