package dev.eden.artifacts.client;

import java.io.IOException;

/**
 * {@link StoreClient#fetchArtifactBytes(String, int)} refused an artifact larger than the caller's
 * limit. Decided from {@code Content-Length} before reading, or while counting the bytes when the
 * length was not announced; never more than the limit plus one byte is read.
 */
public class FetchLimitExceededException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long maxBytes;

  public FetchLimitExceededException(long maxBytes, String detail) {
    super(detail);
    this.maxBytes = maxBytes;
  }

  /** The limit the caller set. */
  public long maxBytes() {
    return maxBytes;
  }
}
