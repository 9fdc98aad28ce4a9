package dev.eden.artifacts.client.internal;

import java.net.URLConnection;
import java.util.Locale;
import java.util.Map;

/**
 * Guesses a deposit's content type from its filename, knowing first what workers deposit (logs,
 * diffs, bundles, data files) and then the JDK's own table; {@code application/octet-stream} when
 * nothing matches. Registered types are used where they exist. Stateless.
 */
public final class ContentTypes {
  public static final String OCTET_STREAM = "application/octet-stream";

  /**
   * Lower-case suffix → type, longest suffix checked first so {@code .tar.gz} wins over
   * {@code .gz} (both gzip today, but the rule stays right if they ever differ).
   */
  private static final Map<String, String> BY_SUFFIX = Map.ofEntries(
      Map.entry(".log", "text/plain"),
      Map.entry(".txt", "text/plain"),
      Map.entry(".diff", "text/x-diff"),
      Map.entry(".patch", "text/x-diff"),
      Map.entry(".md", "text/markdown"),                          // RFC 7763
      Map.entry(".csv", "text/csv"),                              // RFC 4180
      Map.entry(".json", "application/json"),                     // RFC 8259
      Map.entry(".jsonl", "application/jsonl"),                   // jsonlines.org
      Map.entry(".yaml", "application/yaml"),                     // RFC 9512
      Map.entry(".yml", "application/yaml"),
      Map.entry(".tar", "application/x-tar"),
      Map.entry(".tar.gz", "application/gzip"),                   // RFC 6713: the bytes are gzip
      Map.entry(".tgz", "application/gzip"),
      Map.entry(".gz", "application/gzip"),
      Map.entry(".zst", "application/zstd"),                      // RFC 8878
      Map.entry(".parquet", "application/vnd.apache.parquet"));   // IANA, 2024

  private static final int LONGEST_SUFFIX =
      BY_SUFFIX.keySet().stream().mapToInt(String::length).max().orElseThrow();

  private ContentTypes() {
  }

  /** The content type for {@code filename}, matched case-insensitively on its suffix. */
  public static String guess(String filename) {
    String name = filename.toLowerCase(Locale.ROOT);
    for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
      if (name.length() - dot <= LONGEST_SUFFIX) {
        String type = BY_SUFFIX.get(name.substring(dot));
        if (type != null) {
          return type;
        }
      }
    }
    String jdk = URLConnection.guessContentTypeFromName(filename);
    return jdk == null ? OCTET_STREAM : jdk;
  }
}
