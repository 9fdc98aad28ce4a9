package dev.eden.artifacts;

/**
 * A deposit went over the configured cap. Reported as {@link ProblemType#PAYLOAD_TOO_LARGE}.
 * Thrown as soon as the byte count passes the cap, so {@link #bytesSeen()} is a lower bound of the
 * upload's size, not its size. Rebuilt from a wire answer (by a client), the cap and the count are
 * usually unknown and reported as {@code -1}.
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

  /**
   * A too-large deposit whose cap and byte count are not known, for example one rebuilt by a client
   * from a problem+json answer: {@link #maxBytes()} and {@link #bytesSeen()} return {@code -1}.
   */
  public PayloadTooLargeException(String detail) {
    super(ProblemType.PAYLOAD_TOO_LARGE, detail);
    this.maxBytes = -1;
    this.bytesSeen = -1;
  }

  /** The cap in force, or {@code -1} if unknown. */
  public long maxBytes() {
    return maxBytes;
  }

  /** How many bytes had arrived when the cap was found to be exceeded, or {@code -1} if unknown. */
  public long bytesSeen() {
    return bytesSeen;
  }

  /**
   * Rebuilt from a server's {@link ProblemType#PAYLOAD_TOO_LARGE} answer, carrying it as
   * {@link #remoteProblem()}. The wire does not carry the cap or the size: {@link #maxBytes()} and
   * {@link #bytesSeen()} return {@code -1}.
   *
   * @throws IllegalArgumentException if {@code remote} is of another type
   */
  public PayloadTooLargeException(ProblemDetails remote) {
    super(ProblemType.PAYLOAD_TOO_LARGE, remote);
    this.maxBytes = -1;
    this.bytesSeen = -1;
  }
}
