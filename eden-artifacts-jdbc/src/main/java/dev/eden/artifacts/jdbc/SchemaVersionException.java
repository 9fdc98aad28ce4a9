package dev.eden.artifacts.jdbc;

import java.io.IOException;

/**
 * The database holds a schema this code cannot use, typically because a newer release of the
 * library already migrated it. Nothing was changed; upgrade the library (or point it at another
 * table prefix) to proceed.
 */
public final class SchemaVersionException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int found;
  private final int supported;

  public SchemaVersionException(String table, int found, int supported) {
    super(
        "table "
            + table
            + " records schema version "
            + found
            + " but this library only knows versions up to "
            + supported
            + "; refusing to start against a schema newer than the code"
            + " (upgrade eden-artifacts-jdbc or use another table prefix)");
    this.found = found;
    this.supported = supported;
  }

  /** The highest version recorded in the database. */
  public int found() {
    return found;
  }

  /** The highest version this library can migrate to. */
  public int supported() {
    return supported;
  }
}
