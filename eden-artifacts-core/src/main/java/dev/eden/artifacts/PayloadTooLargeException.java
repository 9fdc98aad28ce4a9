package dev.eden.artifacts;

/**
 * A deposit went over the configured cap. Reported as {@link ProblemType#PAYLOAD_TOO_LARGE}.
 * Thrown as soon as the byte count passes the cap, so {@link #bytesSeen()} is a lower bound of the
 * upload's size, not its size.
 */
public class PayloadTooLargeException extends ArtifactException {
  private static final long serialVersionUID = 1L;

  private final long maxBytes;
  private final long bytesSeen;

  public PayloadTooLargeException(long maxBytes, long bytesSeen) {
    super(ProblemType.PAYLOAD_TOO_LARGE,
        "artifact exceeds the maximum size of " + maxBytes + " bytes");
    this.maxBytes = maxBytes;
    this.bytesSeen = bytesSeen;
  }

  /** The cap in force. */
  public long maxBytes() {
    return maxBytes;
  }

  /** How many bytes had arrived when the cap was found to be exceeded. */
  public long bytesSeen() {
    return bytesSeen;
  }
}
