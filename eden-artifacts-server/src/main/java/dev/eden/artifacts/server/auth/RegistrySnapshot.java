package dev.eden.artifacts.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.server.internal.Pbkdf2;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One immutable reading of a registry, file or database: the workers with their hashes and their
 * groups — transitively closed (every group reachable through nested groups, computed once per
 * reading) — and, for the file, the stamp it was read at, so a reader can tell whether the file
 * changed since ({@link FileStamp#ABSENT} for the database, which has its own change counter).
 */
final class RegistrySnapshot {
  /** A worker's stored hash and every group it belongs to, directly or through nested groups. */
  record Worker(String secretHash, Set<String> groups) {}

  record FileStamp(long modifiedNanos, long size, Object fileKey) {
    static final FileStamp ABSENT = new FileStamp(-1, -1, null);

    static FileStamp of(Path file) throws IOException {
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return new FileStamp(a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.size(), a.fileKey());
      } catch (NoSuchFileException e) {
        return ABSENT;
      }
    }
  }

  static final RegistrySnapshot EMPTY = new RegistrySnapshot(FileStamp.ABSENT, Map.of(), 0);

  final FileStamp stamp;
  final Map<String, Worker> workers;
  final long generation;

  RegistrySnapshot(FileStamp stamp, Map<String, Worker> workers, long generation) {
    this.stamp = stamp;
    this.workers = workers;
    this.generation = generation;
  }

  static RegistrySnapshot parse(JsonNode root, FileStamp stamp, long generation) throws IOException {
    return of(StoredRegistry.fromJson(root), stamp, generation);
  }

  /**
   * Checks {@code stored} (well-formed worker ids and hashes) and resolves every worker's groups
   * through the nested groups.
   *
   * @throws IOException naming the first worker that is malformed
   */
  static RegistrySnapshot of(StoredRegistry stored, FileStamp stamp, long generation) throws IOException {
    Map<String, Worker> workers = new HashMap<>();
    for (Map.Entry<String, StoredRegistry.StoredWorker> e : stored.workers().entrySet()) {
      if (!Principal.isWorkerId(e.getKey())) {
        throw new IOException("credential registry holds a malformed worker id");
      }
      String hash = e.getValue().secretHash();
      if (hash == null || Pbkdf2.iterations(hash).isEmpty()) {
        throw new IOException("credential registry holds a malformed hash for " + e.getKey());
      }
      workers.put(e.getKey(), new Worker(hash, reachable(e.getValue().groups(), stored.groupParents())));
    }
    return new RegistrySnapshot(stamp, Map.copyOf(workers), generation);
  }

  /** {@code start} and every group reachable from it through {@code parents}; cycles are harmless. */
  private static Set<String> reachable(Set<String> start, Map<String, Set<String>> parents) {
    Deque<String> todo = new ArrayDeque<>(start);
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      String group = todo.pop();
      if (seen.add(group)) {
        todo.addAll(parents.getOrDefault(group, Set.of()));
      }
    }
    return Set.copyOf(seen);
  }
}
