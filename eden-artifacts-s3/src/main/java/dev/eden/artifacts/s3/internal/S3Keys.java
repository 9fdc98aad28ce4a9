package dev.eden.artifacts.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where artifacts live in the bucket: {@code <prefix><first two characters of the id>/<id>} — the
 * file backend's layout ({@code <root>/<xx>/<id>}), so a blob directory and a bucket can be copied
 * into each other. Parsing is strict: a key is an artifact's only if it has exactly that shape, so
 * foreign objects under the prefix are ignored, never misread. Immutable and thread-safe.
 */
public final class S3Keys {
  /** Longest prefix in UTF-8 bytes: S3 keys are at most 1024, and an artifact adds 35. */
  static final int MAX_PREFIX_BYTES = 960;
  private static final int SHARD = 2;

  private final String prefix;

  private S3Keys(String prefix) {
    this.prefix = prefix;
  }

  /**
   * The layout under {@code keyPrefix}, normalised: leading slashes dropped, a trailing slash added
   * unless empty.
   *
   * @throws IllegalArgumentException unless every segment between slashes is non-empty, not
   *     {@code .} or {@code ..}, and made of S3's safe characters (letters, digits and {@code
   *     !-_.*'()}), and the whole is at most 960 bytes
   */
  public static S3Keys under(String keyPrefix) {
    requireNonNull(keyPrefix, "keyPrefix");
    String p = keyPrefix;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    if (p.isEmpty()) {
      return new S3Keys("");
    }
    if (!p.endsWith("/")) {
      p = p + "/";
    }
    for (String segment : p.substring(0, p.length() - 1).split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "keyPrefix must not have empty, '.' or '..' segments: '" + keyPrefix + "'");
      }
      for (int i = 0; i < segment.length(); i++) {
        if (!isSafe(segment.charAt(i))) {
          throw new IllegalArgumentException("keyPrefix may only use letters, digits, '/' and "
              + "!-_.*'() : '" + keyPrefix.replaceAll("\\p{Cntrl}", "?") + "'");
        }
      }
    }
    if (p.getBytes(StandardCharsets.UTF_8).length > MAX_PREFIX_BYTES) {
      throw new IllegalArgumentException("keyPrefix must be at most " + MAX_PREFIX_BYTES + " bytes");
    }
    return new S3Keys(p);
  }

  private static boolean isSafe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "!-_.*'()".indexOf(c) >= 0;
  }

  /** The normalised prefix: empty, or ending with {@code /}. */
  public String prefix() {
    return prefix;
  }

  /** The key of {@code id}'s object. */
  public String key(ArtifactId id) {
    String value = id.value();
    return prefix + value.substring(0, SHARD) + "/" + value;
  }

  /**
   * The artifact whose object {@code key} is, or empty for any other key (outside the prefix, in
   * the wrong shard, not an id, nested deeper). Never throws.
   */
  public Optional<ArtifactId> parse(String key) {
    int idStart = prefix.length() + SHARD + 1;
    if (key == null || key.length() != idStart + ArtifactId.LENGTH || !key.startsWith(prefix)
        || key.charAt(idStart - 1) != '/') {
      return Optional.empty();
    }
    String id = key.substring(idStart);
    if (!ArtifactId.isValid(id) || !key.regionMatches(prefix.length(), id, 0, SHARD)) {
      return Optional.empty();
    }
    return Optional.of(ArtifactId.parse(id));
  }

  /**
   * A key for the start-up check's probe object: under the prefix, but never an artifact's (it
   * starts with a dot), so listings ignore it.
   */
  public String probeKey(String unique) {
    return prefix + ".eden-write-check-" + unique;
  }
}
