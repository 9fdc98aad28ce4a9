package dev.eden.artifacts.client;

import static java.util.Objects.requireNonNull;

import java.io.IOException;

/**
 * Bytes and the SHA-256 announced for them disagree. On a fetch: the bytes received do not hash to
 * the digest the server announced ({@code Repr-Digest}, else {@code X-Eden-Artifact-Sha256}), so
 * the artifact arrived corrupted (on the way, or already at rest on the server); thrown at the end
 * of the body, after every byte was read, and a download to a file leaves no file behind. On a
 * deposit: the server's {@code 201} records, in {@code X-Eden-Artifact-Sha256}, a digest other than
 * that of the bytes sent, so what it stored is not what was sent (the URI it returned is not
 * handed out; that artifact is an orphan). The message names both digests and nothing else.
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

  private ArtifactDigestMismatchException(String message, String expectedSha256,
      String actualSha256) {
    super(message);
    this.expectedSha256 = expectedSha256;
    this.actualSha256 = actualSha256;
  }

  /** For a deposit whose answer records {@code recordedSha256} for bytes hashing to {@code sentSha256}. */
  static ArtifactDigestMismatchException ofDeposit(String recordedSha256, String sentSha256) {
    return new ArtifactDigestMismatchException("deposit digest mismatch: server recorded sha256 "
        + recordedSha256 + " but the bytes sent hash to " + sentSha256, recordedSha256, sentSha256);
  }

  /** The digest the server announced (fetch) or recorded (deposit), 64 lowercase hex digits. */
  public String expectedSha256() {
    return expectedSha256;
  }

  /** The digest of the bytes actually received (fetch) or sent (deposit), 64 lowercase hex digits. */
  public String actualSha256() {
    return actualSha256;
  }
}
