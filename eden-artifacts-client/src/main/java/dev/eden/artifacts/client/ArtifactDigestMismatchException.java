package dev.eden.artifacts.client;

import static java.util.Objects.requireNonNull;

import java.io.IOException;

/**
 * The bytes received do not hash to the SHA-256 the server announced in
 * {@code X-Eden-Artifact-Sha256}: the artifact arrived corrupted (on the way, or already at rest on
 * the server). Thrown at the end of the body, after every byte was read; a download to a file
 * leaves no file behind. The message names both digests and nothing else.
 *
 * <p>An {@link IOException}, like a body cut short: the bytes did not arrive intact, and a stream
 * can only tell at its end, from {@code read()}. See the error policy on {@link StoreClient}.
 */
public class ArtifactDigestMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String expectedSha256;
  private final String actualSha256;

  /**
   * @param expectedSha256 the digest the server announced, lowercase hex
   * @param actualSha256 the digest of the bytes received, lowercase hex
   */
  public ArtifactDigestMismatchException(String expectedSha256, String actualSha256) {
    super("artifact digest mismatch: server announced sha256 "
        + requireNonNull(expectedSha256, "expectedSha256") + " but the bytes received hash to "
        + requireNonNull(actualSha256, "actualSha256"));
    this.expectedSha256 = expectedSha256;
    this.actualSha256 = actualSha256;
  }

  /** The digest announced in {@code X-Eden-Artifact-Sha256}, 64 lowercase hex digits. */
  public String expectedSha256() {
    return expectedSha256;
  }

  /** The digest of the bytes actually received, 64 lowercase hex digits. */
  public String actualSha256() {
    return actualSha256;
  }
}
