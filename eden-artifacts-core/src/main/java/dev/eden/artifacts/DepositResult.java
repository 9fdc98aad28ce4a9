package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

/**
 * What a successful deposit answers: the issued URI and what was recorded. Immutable and
 * thread-safe.
 *
 * @param metadata the row that was committed
 */
public record DepositResult(ArtifactMetadata metadata) {
  public DepositResult {
    requireNonNull(metadata, "metadata");
  }

  /** The issued {@code eden://artifacts/<id>} URI. */
  public String artifactsUri() {
    return metadata.uri();
  }

  public long sizeBytes() {
    return metadata.sizeBytes();
  }

  public String contentType() {
    return metadata.contentType();
  }

  /** Lowercase hex SHA-256 of the deposited bytes. */
  public String sha256() {
    return metadata.sha256();
  }
}
