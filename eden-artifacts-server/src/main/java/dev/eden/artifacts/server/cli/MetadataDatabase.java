package dev.eden.artifacts.server.cli;

import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@code --db <jdbc url>} of the commands that work on the metadata database ({@code
 * add-worker --db}, {@code import-workers}): which database a URL names, and how to print it.
 */
final class MetadataDatabase {
  static final String SQLITE = "jdbc:sqlite:";
  private static final String POSTGRES = "jdbc:postgresql:";

  private MetadataDatabase() {}

  /** Whether {@code jdbcUrl} names a database {@link #open} can open. */
  static boolean isSupported(String jdbcUrl) {
    return jdbcUrl.startsWith(POSTGRES) || jdbcUrl.startsWith(SQLITE);
  }

  /**
   * A store on the database at {@code jdbcUrl}, its schema migrated; the caller closes it.
   *
   * @throws IllegalArgumentException unless the URL starts with {@code jdbc:postgresql:} or {@code
   *     jdbc:sqlite:}
   * @throws IOException if the database cannot be opened or migrated
   */
  static JdbiArtifactStore open(String jdbcUrl) throws IOException {
    return builder(jdbcUrl).build();
  }

  /**
   * A store builder on the database at {@code jdbcUrl}, for more options.
   *
   * @throws IllegalArgumentException unless the URL starts with {@code jdbc:postgresql:} or {@code
   *     jdbc:sqlite:}
   */
  static JdbiArtifactStore.Builder builder(String jdbcUrl) {
    if (jdbcUrl.startsWith(POSTGRES)) {
      return JdbiArtifactStore.builder().postgresUrl(jdbcUrl);
    }
    if (jdbcUrl.startsWith(SQLITE)) {
      return JdbiArtifactStore.builder().sqliteFile(Path.of(jdbcUrl.substring(SQLITE.length())));
    }
    throw new IllegalArgumentException("--db must be a jdbc:postgresql: or jdbc:sqlite: URL");
  }

  /** The URL without its query, which may carry a password. */
  static String redact(String jdbcUrl) {
    int q = jdbcUrl.indexOf('?');
    return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q) + "?<redacted>";
  }
}
