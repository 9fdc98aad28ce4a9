package dev.eden.artifacts.server.auth;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.server.internal.Pbkdf2;
import dev.eden.artifacts.server.internal.Secrets;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

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
 * in a group that is in {@code admins} is admin-class. Cycles are harmless.
 *
 * <p>The file is re-read when it changes on disk (modification time, size or inode), so workers
 * enrolled by {@code add-worker} while the server runs are seen without a restart. Writers replace
 * the file atomically under a lock file. Thread-safe.
 */
public final class CredentialRegistry {
  /** The reserved group whose (transitive) members are admin-class. */
  public static final String ADMINS = "admins";
  /** The conventional file name in a data directory. */
  public static final String FILE_NAME = "workers.json";

  private static final Pattern GROUP_ID = Pattern.compile("grp_[0-9a-hjkmnp-tv-z]{26}");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;
  private final int iterations;
  private volatile Snapshot snapshot = Snapshot.EMPTY;

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
    if (iterations < Pbkdf2.MIN_ITERATIONS) {
      throw new IllegalArgumentException("iterations must be at least " + Pbkdf2.MIN_ITERATIONS);
    }
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
  public WorkerCredential addWorker(Collection<String> groups) throws IOException {
    Set<String> checked = checkGroups(groups);
    String workerId = Principal.mintWorkerId();
    String secret = Secrets.randomToken(32);
    String hash = Pbkdf2.hash(secret, iterations);
    update(root -> {
      ObjectNode worker = ((ObjectNode) root.get("workers")).putObject(workerId);
      ArrayNode g = worker.putArray("groups");
      checked.forEach(g::add);
      worker.put("secret_hash", hash);
    });
    return new WorkerCredential(workerId, secret);
  }

  /**
   * Declares group {@code groupId} a member of {@code parents} (replacing earlier parents), for
   * nested groups.
   */
  public void setGroupParents(String groupId, Collection<String> parents) throws IOException {
    requireNonNull(groupId, "groupId");
    if (!GROUP_ID.matcher(groupId).matches()) {
      throw new IllegalArgumentException("group id must be 'grp_' followed by 26 lowercase Crockford base32 characters");
    }
    Set<String> checked = checkGroups(parents);
    update(root -> {
      ObjectNode group = ((ObjectNode) root.get("groups")).putObject(groupId);
      ArrayNode g = group.putArray("groups");
      checked.forEach(g::add);
    });
  }

  /** Removes a worker; returns whether it was enrolled. Its bearer stops working on the next reload. */
  public boolean removeWorker(String workerId) throws IOException {
    requireNonNull(workerId, "workerId");
    boolean[] removed = {false};
    update(root -> removed[0] = ((ObjectNode) root.get("workers")).remove(workerId) != null);
    return removed[0];
  }

  /** Whether {@code workerId} is enrolled (as of the last reload). */
  public boolean contains(String workerId) {
    return snapshot.workers.containsKey(workerId);
  }

  /**
   * Checks a worker's secret against its stored hash (slow by design). False for an unknown worker
   * or a wrong secret.
   */
  public boolean verify(String workerId, String secret) {
    Worker worker = snapshot.workers.get(workerId);
    return worker != null && Pbkdf2.verify(secret, worker.secretHash);
  }

  /** Whether {@code workerId} is a transitive member of {@link #ADMINS} (as of the last reload). */
  public boolean isAdminClass(String workerId) {
    return snapshot.adminClass.contains(workerId);
  }

  /** The stored hash of a worker, for inspection (never the secret). */
  public Optional<String> secretHash(String workerId) {
    return Optional.ofNullable(snapshot.workers.get(workerId)).map(w -> w.secretHash);
  }

  /** A number that changes whenever the registry's content was reloaded from a changed file. */
  public long generation() {
    return snapshot.generation;
  }

  /**
   * Re-reads the file if it changed since the last read.
   *
   * @return whether it was re-read
   * @throws IOException if the changed file cannot be read; the previous content stays in force
   */
  public synchronized boolean refresh() throws IOException {
    FileStamp stamp = FileStamp.of(file);
    if (stamp.equals(snapshot.stamp) && snapshot != Snapshot.EMPTY) {
      return false;
    }
    if (stamp.equals(FileStamp.ABSENT)) {
      snapshot = new Snapshot(stamp, Map.of(), Set.of(), snapshot.generation + 1);
      return true;
    }
    JsonNode root = readRoot();
    snapshot = Snapshot.parse(root, stamp, snapshot.generation + 1);
    return true;
  }

  private JsonNode readRoot() throws IOException {
    try {
      JsonNode root = JSON.readTree(Files.readAllBytes(file));
      if (root == null || !root.isObject()) {
        throw new IOException("credential registry " + file + " is not a JSON object");
      }
      return root;
    } catch (NoSuchFileException e) {
      return emptyRoot();
    }
  }

  private interface Mutation {
    void apply(ObjectNode root) throws IOException;
  }

  private void update(Mutation mutation) throws IOException {
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path lockFile = dir.resolve("." + file.getFileName() + ".lock");
    try (FileChannel lockChannel = openLockFile(lockFile);
        FileLock lock = lockChannel.lock()) {
      ObjectNode root = (ObjectNode) readRoot();
      if (!root.has("workers")) {
        root.putObject("workers");
      }
      if (!root.has("groups")) {
        root.putObject("groups");
      }
      root.put("version", 1);
      mutation.apply(root);
      Snapshot.parse(root, FileStamp.ABSENT, 0); // refuse to write what could not be read back
      Path temp = dir.resolve("." + file.getFileName() + "." + Secrets.randomToken(6) + ".tmp");
      try {
        Files.write(temp, JSON.writeValueAsBytes(root), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ownerOnly(temp);
        try (FileChannel c = FileChannel.open(temp, StandardOpenOption.WRITE)) {
          c.force(true);
        }
        try {
          Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    }
    refresh();
  }

  private static FileChannel openLockFile(Path lockFile) throws IOException {
    if (lockFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return FileChannel.open(lockFile, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  private static void ownerOnly(Path path) throws IOException {
    if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    }
  }

  private static Set<String> checkGroups(Collection<String> groups) {
    requireNonNull(groups, "groups");
    Set<String> checked = new LinkedHashSet<>();
    for (String g : groups) {
      requireNonNull(g, "group");
      if (!g.equals(ADMINS) && !GROUP_ID.matcher(g).matches()) {
        throw new IllegalArgumentException("a group must be 'admins' or a grp_ id: " + g);
      }
      checked.add(g);
    }
    return checked;
  }

  private static ObjectNode emptyRoot() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    root.putObject("workers");
    root.putObject("groups");
    return root;
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

  private record Worker(String secretHash, Set<String> groups) {}

  private record FileStamp(long modifiedNanos, long size, Object fileKey) {
    static final FileStamp ABSENT = new FileStamp(-1, -1, null);

    static FileStamp of(Path file) throws IOException {
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return new FileStamp(a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.size(), a.fileKey());
      } catch (NoSuchFileException e) {
        return ABSENT;
      }
    }
  }

  private static final class Snapshot {
    static final Snapshot EMPTY = new Snapshot(FileStamp.ABSENT, Map.of(), Set.of(), 0);

    final FileStamp stamp;
    final Map<String, Worker> workers;
    final Set<String> adminClass;
    final long generation;

    Snapshot(FileStamp stamp, Map<String, Worker> workers, Set<String> adminClass, long generation) {
      this.stamp = stamp;
      this.workers = workers;
      this.adminClass = adminClass;
      this.generation = generation;
    }

    static Snapshot parse(JsonNode root, FileStamp stamp, long generation) throws IOException {
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
        workers.put(e.getKey(), new Worker(hash, strings(e.getValue().path("groups"))));
      }
      Map<String, Set<String>> parents = new HashMap<>();
      JsonNode g = root.path("groups");
      for (Iterator<Map.Entry<String, JsonNode>> it = g.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        parents.put(e.getKey(), strings(e.getValue().path("groups")));
      }
      Set<String> adminClass = new HashSet<>();
      for (Map.Entry<String, Worker> e : workers.entrySet()) {
        if (reaches(e.getValue().groups, parents)) {
          adminClass.add(e.getKey());
        }
      }
      return new Snapshot(stamp, Map.copyOf(workers), Set.copyOf(adminClass), generation);
    }

    private static boolean reaches(Set<String> start, Map<String, Set<String>> parents) {
      Deque<String> todo = new ArrayDeque<>(start);
      Set<String> seen = new HashSet<>();
      while (!todo.isEmpty()) {
        String group = todo.pop();
        if (group.equals(ADMINS)) {
          return true;
        }
        if (seen.add(group)) {
          todo.addAll(parents.getOrDefault(group, Set.of()));
        }
      }
      return false;
    }

    private static Set<String> strings(JsonNode array) {
      Set<String> out = new LinkedHashSet<>();
      if (array.isArray()) {
        array.forEach(n -> out.add(n.asText()));
      }
      return out;
    }
  }

  @Override
  public String toString() {
    return "CredentialRegistry[" + file + "]";
  }
}
