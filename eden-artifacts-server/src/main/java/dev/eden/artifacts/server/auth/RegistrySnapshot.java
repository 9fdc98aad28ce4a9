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
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One immutable reading of the registry file: the workers with their hashes and their groups —
 * transitively closed (every group reachable through nested groups, computed once per reading) —
 * and the file stamp it was read at, so a reader can tell whether the file changed since.
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
    Map<String, Set<String>> parents = new HashMap<>();
    JsonNode g = root.path("groups");
    for (Iterator<Map.Entry<String, JsonNode>> it = g.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      parents.put(e.getKey(), strings(e.getValue().path("groups")));
    }
    Map<String, Worker> workers = new HashMap<>();
    JsonNode w = root.path("workers");
    for (Iterator<Map.Entry<String, JsonNode>> it = w.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!Principal.isWorkerId(e.getKey())) {
        throw new IOException("credential registry holds a malformed worker id");
      }
      String hash = e.getValue().path("secret_hash").asText(null);
      if (hash == null || Pbkdf2.iterations(hash).isEmpty()) {
        throw new IOException("credential registry holds a malformed hash for " + e.getKey());
      }
      workers.put(e.getKey(), new Worker(hash, reachable(strings(e.getValue().path("groups")), parents)));
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

  private static Set<String> strings(JsonNode array) {
    Set<String> out = new LinkedHashSet<>();
    if (array.isArray()) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }
}
