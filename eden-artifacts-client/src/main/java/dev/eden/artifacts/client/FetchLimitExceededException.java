package dev.eden.artifacts.client;

/**
 * {@link StoreClient#fetchArtifactBytes(String, long)} refused an artifact larger than the caller's
 * limit. Decided from {@code Content-Length} before reading, or while counting the bytes when the
 * length was not announced; never more than the limit plus one byte is read.
 *
 * <p>Unchecked: the server's answer arrived intact, so this is not a transport failure, and the
 * same request would get the same answer, so it is never retried. Neither is it a refusal by the
 * server, so it is not an {@link dev.eden.artifacts.ArtifactException}: the caller's own limit
 * decided.
 */
public class FetchLimitExceededException extends RuntimeException {
  private static final long serialVersionUID = 2L;

  private final long maxBytes;

  public FetchLimitExceededException(long maxBytes, String detail) {
    super(detail);
    this.maxBytes = maxBytes;
  }

  /** The limit applied, in bytes: the caller's, or the largest byte array if that is smaller. */
  public long maxBytes() {
    return maxBytes;
  }
}
