package dev.eden.artifacts.client;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * What a server says about an artifact without sending its bytes, as
 * {@link StoreClient#statArtifact(String)} read it from the answer's headers. Immutable and
 * thread-safe.
 *
 * <p>Only {@code contentType} is guaranteed by the wire contract; the other facts come from
 * headers a conforming server may omit ({@code Content-Length}, and this project's extras
 * {@code X-Eden-Artifact-Created-By}, {@code X-Eden-Artifact-Created-At},
 * {@code Repr-Digest} / {@code X-Eden-Artifact-Sha256}), so they are optional.
 *
 * @param uri the artifact URI exactly as it was asked about
 * @param sizeBytes the artifact's size in bytes, or {@code -1} when the server did not announce it
 * @param contentType the content type the server recorded, verbatim
 * @param createdBy the depositing principal ({@code admin} or a worker id), when announced
 * @param createdAt when the artifact was deposited, when announced
 * @param sha256 the SHA-256 of the artifact's bytes in lowercase hex, when announced (from
 *     {@code Repr-Digest}, else {@code X-Eden-Artifact-Sha256}); as the server announced it, not
 *     checked against the bytes, which a stat does not read
 */
public record ArtifactInfo(String uri, long sizeBytes, String contentType,
    Optional<String> createdBy, Optional<Instant> createdAt, Optional<String> sha256) {
  public ArtifactInfo {
    requireNonNull(uri, "uri");
    requireNonNull(contentType, "contentType");
    requireNonNull(createdBy, "createdBy");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(sha256, "sha256");
    if (sizeBytes < -1) {
      throw new IllegalArgumentException("sizeBytes must be -1 (unknown) or more: " + sizeBytes);
    }
  }
}
