package dev.eden.artifacts.maintenance;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactMetadata;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One damaged artifact, as a {@linkplain Scrubber scrub} found it: the recorded row, the kind of
 * {@link Damage}, and what was found instead. Immutable and thread-safe; every accessor returns
 * non-null.
 */
public final class ScrubFinding {
  private final ArtifactMetadata artifact;
  private final Damage damage;
  private final long foundSizeBytes; // -1: not known
  private final boolean foundSizeIsLowerBound;
  private final String foundSha256; // null unless DIGEST_MISMATCH
  private final IOException error; // null unless UNREADABLE

  private ScrubFinding(ArtifactMetadata artifact, Damage damage, long foundSizeBytes,
      boolean foundSizeIsLowerBound, String foundSha256, IOException error) {
    this.artifact = requireNonNull(artifact, "artifact");
    this.damage = damage;
    this.foundSizeBytes = foundSizeBytes;
    this.foundSizeIsLowerBound = foundSizeIsLowerBound;
    this.foundSha256 = foundSha256;
    this.error = error;
  }

  static ScrubFinding missing(ArtifactMetadata artifact) {
    return new ScrubFinding(artifact, Damage.MISSING, -1, false, null, null);
  }

  static ScrubFinding sizeMismatch(ArtifactMetadata artifact, long found, boolean lowerBound) {
    return new ScrubFinding(artifact, Damage.SIZE_MISMATCH, found, lowerBound, null, null);
  }

  static ScrubFinding digestMismatch(ArtifactMetadata artifact, String foundSha256) {
    return new ScrubFinding(artifact, Damage.DIGEST_MISMATCH, artifact.sizeBytes(), false,
        requireNonNull(foundSha256, "foundSha256"), null);
  }

  static ScrubFinding unreadable(ArtifactMetadata artifact, IOException error) {
    return new ScrubFinding(artifact, Damage.UNREADABLE, -1, false, null, requireNonNull(error, "error"));
  }

  /** The artifact's metadata row: what was recorded at deposit. */
  public ArtifactMetadata artifact() {
    return artifact;
  }

  /** The artifact's URI, {@code eden://artifacts/<id>}. */
  public String uri() {
    return artifact.uri();
  }

  public Damage damage() {
    return damage;
  }

  /**
   * How many bytes the blob holds: for {@link Damage#SIZE_MISMATCH} the bytes found (see {@link
   * #foundSizeIsLowerBound()}), for {@link Damage#DIGEST_MISMATCH} the recorded size, which
   * matched; empty for the other kinds.
   */
  public OptionalLong foundSizeBytes() {
    return foundSizeBytes < 0 ? OptionalLong.empty() : OptionalLong.of(foundSizeBytes);
  }

  /**
   * Whether the blob may hold more than {@link #foundSizeBytes()}: the scrub stops reading a blob
   * that runs well past its recorded size (see {@link Scrubber}), so its true size is only known
   * to be at least that.
   */
  public boolean foundSizeIsLowerBound() {
    return foundSizeIsLowerBound;
  }

  /** For {@link Damage#DIGEST_MISMATCH}: the SHA-256 of the bytes found, lowercase hex; else empty. */
  public Optional<String> foundSha256() {
    return Optional.ofNullable(foundSha256);
  }

  /** For {@link Damage#UNREADABLE}: what the backend threw; else empty. */
  public Optional<IOException> error() {
    return Optional.ofNullable(error);
  }

  /**
   * The damage in words, on one line, without the URI: {@code "blob missing: recorded 4 bytes"},
   * {@code "size mismatch: recorded 4 bytes, found 3 bytes"} (or {@code "found at least …"}),, {@code "digest mismatch: recorded
   * sha256 <hex>, found <hex>"}, {@code "storage error: <message>"}.
   */
  public String description() {
    String recorded = "recorded " + artifact.sizeBytes() + " bytes";
    return damage.label() + ": " + switch (damage) {
      case MISSING -> recorded;
      case SIZE_MISMATCH -> recorded + ", found " + (foundSizeIsLowerBound ? "at least " : "") + foundSizeBytes
          + " bytes";
      case DIGEST_MISMATCH -> "recorded sha256 " + artifact.sha256() + ", found " + foundSha256;
      case UNREADABLE -> oneLine(error);
    };
  }

  private static String oneLine(IOException error) {
    String message = error.getMessage() == null ? error.getClass().getName() : error.getMessage();
    return message.replaceAll("[\\r\\n]+", " ");
  }

  /** The URI and the {@linkplain #description() description}. */
  @Override
  public String toString() {
    return uri() + " " + description();
  }
}
