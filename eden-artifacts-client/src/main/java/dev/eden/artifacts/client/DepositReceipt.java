package dev.eden.artifacts.client;

import static java.util.Objects.requireNonNull;

/**
 * What the server recorded for a deposit: the artifact URI to stamp on an idea or variant, and the
 * size and content type as the server saw them. Immutable and thread-safe.
 *
 * @param uri the artifact URI exactly as the server returned it; opaque, never parsed by the client,
 *     and presented verbatim to fetch the bytes back
 * @param sizeBytes the number of bytes the server stored
 * @param contentType the content type the server recorded (it may differ from the one sent: the
 *     server strips control characters and defaults to {@code application/octet-stream})
 */
public record DepositReceipt(String uri, long sizeBytes, String contentType) {
  public DepositReceipt {
    requireNonNull(uri, "uri");
    requireNonNull(contentType, "contentType");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must not be negative: " + sizeBytes);
    }
  }
}
