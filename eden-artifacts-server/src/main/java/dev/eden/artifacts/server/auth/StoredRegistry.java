package dev.eden.artifacts.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A registry as it is stored, in the file or in the database: each worker's hash and its own
 * groups, and each group's parents — before nested groups are resolved and before anything is
 * checked ({@link RegistrySnapshot#of} does both). Immutable.
 */
record StoredRegistry(Map<String, StoredWorker> workers, Map<String, Set<String>> groupParents) {
  /** One worker as stored; the hash may be null or malformed until checked. */
  record StoredWorker(String secretHash, Set<String> groups) {
    StoredWorker {
      groups = Collections.unmodifiableSet(new LinkedHashSet<>(groups));
    }

    @Override
    public String toString() {
      return "StoredWorker[groups=" + groups + "]";
    }
  }

  StoredRegistry {
    workers = Map.copyOf(workers);
    Map<String, Set<String>> parents = new HashMap<>();
    groupParents.forEach((g, p) -> parents.put(g, Collections.unmodifiableSet(new LinkedHashSet<>(p))));
    groupParents = Map.copyOf(parents);
  }

  /** The content of a registry file's JSON root (see {@link CredentialRegistry}). */
  static StoredRegistry fromJson(JsonNode root) {
    Map<String, Set<String>> parents = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("groups").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      parents.put(e.getKey(), strings(e.getValue().path("groups")));
    }
    Map<String, StoredWorker> workers = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("workers").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      workers.put(e.getKey(), new StoredWorker(
          e.getValue().path("secret_hash").asText(null), strings(e.getValue().path("groups"))));
    }
    return new StoredRegistry(workers, parents);
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> out = new LinkedHashSet<>();
    if (array.isArray()) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }
}
