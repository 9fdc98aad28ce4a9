package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is acting — the deployment {@linkplain #admin() admin}, or a worker identified by its
 * {@code wkr_} id — together with the groups (or roles) its authenticator resolved for it.
 *
 * <p>The <em>name</em> is the identity: it is what a deposit records as {@code created_by}
 * (WIRE-CONTRACT §4), and {@link #equals}, {@link #hashCode} and {@link #toString} use it alone, so
 * {@code principal.equals(artifact.createdBy())} compares identities whatever groups either side
 * carries. The <em>groups</em> are what an {@link AccessPolicy} needs beyond the name: the
 * reserved {@value #ADMINS_GROUP} group of the contract (§3) and any group or role an embedding
 * application defines. They are never recorded with an artifact.
 *
 * <p>Groups are resolved, not declared: an authenticator lists every group the principal belongs
 * to, directly or through nested groups (membership is transitive, §3), so a policy only ever asks
 * {@link #isMemberOf(String)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Principal {
  /** The literal name of the admin principal. */
  public static final String ADMIN_NAME = "admin";
  /**
   * The reserved group whose (transitive) members are admin-class for the fetch ACL
   * (WIRE-CONTRACT §3, §5).
   */
  public static final String ADMINS_GROUP = "admins";

  private static final String WORKER_PREFIX = "wkr_";
  private static final Principal ADMIN = new Principal(ADMIN_NAME, Set.of());

  private final String name;
  private final Set<String> groups;

  private Principal(String name, Set<String> groups) {
    this.name = name;
    this.groups = groups;
  }

  /** The deployment admin, in no group. */
  public static Principal admin() {
    return ADMIN;
  }

  /**
   * A worker in no group; add the groups its authenticator resolved with {@link #withGroups}.
   *
   * @throws IllegalArgumentException if {@code workerId} is not {@code wkr_} + 26 lowercase
   *     Crockford base32 characters
   */
  public static Principal worker(String workerId) {
    requireNonNull(workerId, "workerId");
    if (!isWorkerId(workerId)) {
      throw new IllegalArgumentException(
          "worker id must be 'wkr_' followed by 26 lowercase Crockford base32 characters");
    }
    return new Principal(workerId, Set.of());
  }

  /**
   * Parses a principal name — {@code admin} or a worker id — into a principal in no group, as a
   * store does when it reads a recorded {@code created_by}.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static Principal parse(String name) {
    requireNonNull(name, "name");
    return ADMIN_NAME.equals(name) ? ADMIN : worker(name);
  }

  /** Whether {@code text} is a well-formed worker id. Never throws. */
  public static boolean isWorkerId(String text) {
    return Crockford.matches(text, WORKER_PREFIX);
  }

  /** Mints a fresh random worker id, for registries that enrol workers. */
  public static String mintWorkerId() {
    return Crockford.mint(WORKER_PREFIX);
  }

  /** {@code admin} or the worker id: the identity, and the value recorded as {@code created_by}. */
  public String name() {
    return name;
  }

  /**
   * The groups and roles the authenticator resolved, transitively closed: an unmodifiable set,
   * iterated in name order, possibly empty, never null.
   */
  public Set<String> groups() {
    return groups;
  }

  /** Whether the authenticator resolved {@code group} for this principal. Never throws for a non-null name. */
  public boolean isMemberOf(String group) {
    return groups.contains(requireNonNull(group, "group"));
  }

  /**
   * This principal, same name, in exactly {@code groups} (replacing any it had). Authenticators
   * call it with every group the principal belongs to, nested groups already resolved.
   *
   * @param groups group or role names; each non-empty and free of control characters; duplicates
   *     are ignored
   * @throws IllegalArgumentException for an empty name or one with control characters
   * @throws NullPointerException if {@code groups} or one of its elements is null
   */
  public Principal withGroups(Collection<String> groups) {
    requireNonNull(groups, "groups");
    Set<String> checked = new TreeSet<>();
    for (String group : groups) {
      requireNonNull(group, "group");
      if (group.isEmpty() || group.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException("a group name must be non-empty and free of control characters");
      }
      checked.add(group);
    }
    if (checked.equals(this.groups)) {
      return this;
    }
    return new Principal(name, checked.isEmpty() ? Set.of() : Collections.unmodifiableSet(checked));
  }

  /** This principal with {@code group} added to its groups. */
  public Principal withGroup(String group) {
    requireNonNull(group, "group");
    if (groups.contains(group)) {
      return this;
    }
    Set<String> more = new TreeSet<>(groups);
    more.add(group);
    return withGroups(more);
  }

  /** Whether this is the deployment admin (by name; an {@code admins} member is not the admin). */
  public boolean isAdmin() {
    return name.equals(ADMIN_NAME);
  }

  /**
   * Whether this principal is admin-class (WIRE-CONTRACT §3): the {@linkplain #admin() admin}
   * itself, or a member of the reserved {@value #ADMINS_GROUP} group as its authenticator resolved
   * it (transitively). Only the reserved name counts; a look-alike group such as {@code Admins} does
   * not. A fact about the principal, not a permission: the {@link AccessPolicy} decides what
   * admin-class principals may do.
   */
  public boolean isAdminClass() {
    return isAdmin() || isMemberOf(ADMINS_GROUP);
  }

  /** Equal when the names are equal; groups play no part (they are not part of the identity). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Principal && ((Principal) o).name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  /** The name, exactly as recorded in {@code created_by}; never the groups. */
  @Override
  public String toString() {
    return name;
  }
}
