package dev.eden.artifacts.server.auth;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.Principal;
import dev.eden.artifacts.server.auth.CredentialRegistry.WorkerCredential;
import dev.eden.artifacts.server.internal.Pbkdf2;
import dev.eden.artifacts.server.internal.Secrets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What every worker registry, file or database, enforces on what it is given, and how it mints a
 * new worker. Stateless.
 */
final class RegistryRules {
  private static final Pattern GROUP_ID = Pattern.compile("grp_[0-9a-hjkmnp-tv-z]{26}");

  /** A freshly minted worker: the credential handed out once, and the hash that is stored. */
  record Minted(WorkerCredential credential, String secretHash) {
    @Override
    public String toString() {
      return "Minted[" + credential + "]";
    }
  }

  private RegistryRules() {}

  /** A new worker id, a 256-bit random secret and its slow hash at {@code iterations}. */
  static Minted mint(int iterations) {
    String secret = Secrets.randomToken(32);
    return new Minted(new WorkerCredential(Principal.mintWorkerId(), secret), Pbkdf2.hash(secret, iterations));
  }

  /** @throws IllegalArgumentException unless {@code iterations} is at least the PBKDF2 floor */
  static int checkIterations(int iterations) {
    if (iterations < Pbkdf2.MIN_ITERATIONS) {
      throw new IllegalArgumentException("iterations must be at least " + Pbkdf2.MIN_ITERATIONS);
    }
    return iterations;
  }

  /**
   * {@code groups} in order without repeats.
   *
   * @throws IllegalArgumentException for a name that is neither {@code admins} nor a {@code grp_} id
   */
  static Set<String> checkGroups(Collection<String> groups) {
    requireNonNull(groups, "groups");
    Set<String> checked = new LinkedHashSet<>();
    for (String g : groups) {
      requireNonNull(g, "group");
      if (!g.equals(CredentialRegistry.ADMINS) && !GROUP_ID.matcher(g).matches()) {
        throw new IllegalArgumentException("a group must be 'admins' or a grp_ id: " + g);
      }
      checked.add(g);
    }
    return checked;
  }

  /** @throws IllegalArgumentException unless {@code groupId} is a {@code grp_} id */
  static String checkGroupId(String groupId) {
    requireNonNull(groupId, "groupId");
    if (!GROUP_ID.matcher(groupId).matches()) {
      throw new IllegalArgumentException("group id must be 'grp_' followed by 26 lowercase Crockford base32 characters");
    }
    return groupId;
  }
}
