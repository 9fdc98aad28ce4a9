package dev.eden.artifacts.maintenance;

/**
 * What a {@linkplain Scrubber scrub} can find wrong with one artifact: each {@link ScrubFinding}
 * names exactly one. The wire contract promises that a fetch never returns bytes other than the
 * deposited ones and that an issued URI stays resolvable (WIRE-CONTRACT §7); each kind but {@link
 * #UNREADABLE} is a broken promise.
 */
public enum Damage {
  /**
   * The metadata row exists but the backend has no blob under its id: {@link
   * dev.eden.artifacts.spi.ArtifactBackend#open} answered empty, which the SPI allows only for a
   * genuine "no such blob". A fetch of it fails.
   */
  MISSING("blob missing"),
  /**
   * The blob holds fewer or more bytes than the row's {@code sizeBytes}: truncated, or appended
   * to. Its digest is not compared (it cannot match).
   */
  SIZE_MISMATCH("size mismatch"),
  /** The blob has the recorded size but its SHA-256 differs from the row's {@code sha256}. */
  DIGEST_MISMATCH("digest mismatch"),
  /**
   * The backend failed while opening or reading the blob (an I/O error, a denied request, a file
   * that is not a regular file). The bytes may be fine; the scrub could not tell, so it reports
   * this as a finding of its own and goes on with the next artifact.
   */
  UNREADABLE("storage error");

  private final String label;

  Damage(String label) {
    this.label = label;
  }

  /** A short lowercase name for output lines, such as {@code "digest mismatch"}. */
  public String label() {
    return label;
  }
}
