package dev.eden.artifacts.jdbc.internal;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/** The prefixed names of the store's tables and indexes. Immutable. Not API. */
public final class TableNames {
  /**
   * Lowercase so that unquoted identifiers mean the same on PostgreSQL (which folds to lowercase)
   * and SQLite; at most 32 characters so that the longest derived name stays within PostgreSQL's
   * 63-byte identifier limit.
   */
  private static final Pattern PREFIX = Pattern.compile("|[a-z][a-z0-9_]{0,31}");

  private final String prefix;

  private TableNames(String prefix) {
    this.prefix = prefix;
  }

  /**
   * @throws IllegalArgumentException if {@code prefix} is neither empty nor a lowercase letter
   *     followed by up to 31 lowercase letters, digits or underscores
   */
  public static TableNames withPrefix(String prefix) {
    requireNonNull(prefix, "tablePrefix");
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "tablePrefix must be empty or a lowercase letter followed by up to 31 lowercase letters,"
              + " digits or underscores: '"
              + prefix
              + "'");
    }
    return new TableNames(prefix);
  }

  public String prefix() {
    return prefix;
  }

  public String artifacts() {
    return prefix + "artifacts";
  }

  public String schemaVersion() {
    return prefix + "schema_version";
  }

  public String experimentCreatedIndex() {
    return prefix + "artifacts_by_experiment_created";
  }

  public String experimentCreatorIndex() {
    return prefix + "artifacts_by_experiment_creator";
  }

  /** The worker registry: one row per enrolled worker. */
  public String workers() {
    return prefix + "workers";
  }

  /** The worker registry's nested groups: one row per group that has parents. */
  public String workerGroupParents() {
    return prefix + "worker_group_parents";
  }

  /** The worker registry's change counter: a single row. */
  public String workerRegistryGeneration() {
    return prefix + "worker_registry_generation";
  }
}
