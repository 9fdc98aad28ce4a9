package dev.eden.artifacts.client;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * An artifact that {@link StoreClient#fetchArtifact(String, Path)} wrote completely and durably to a
 * file. Immutable and thread-safe.
 *
 * @param path the absolute path of the file that now holds the artifact's bytes
 * @param sizeBytes the number of bytes in the file, equal to the artifact's announced length
 * @param contentType the content type the server recorded, verbatim
 * @param sha256 the SHA-256 (lowercase hex) the server announced for the whole artifact
 *     ({@code Repr-Digest}, else {@code X-Eden-Artifact-Sha256}) and the whole file was verified
 *     against, across resumes; empty when the server announced none or verification was turned off
 *     (no check was made). Never null.
 */
public record FetchedFile(Path path, long sizeBytes, String contentType, Optional<String> sha256) {
  public FetchedFile {
    requireNonNull(path, "path");
    requireNonNull(contentType, "contentType");
    requireNonNull(sha256, "sha256");
  }

  /** A file whose bytes were not checked against a digest. */
  public FetchedFile(Path path, long sizeBytes, String contentType) {
    this(path, sizeBytes, contentType, Optional.empty());
  }
}
