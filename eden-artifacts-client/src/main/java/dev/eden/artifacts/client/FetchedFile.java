package dev.eden.artifacts.client;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * An artifact that {@link StoreClient#fetchArtifact(String, Path)} wrote completely and durably to a
 * file. Immutable and thread-safe.
 *
 * @param path the absolute path of the file that now holds the artifact's bytes
 * @param sizeBytes the number of bytes written, equal to the response's {@code Content-Length}
 * @param contentType the content type the server recorded, verbatim
 */
public record FetchedFile(Path path, long sizeBytes, String contentType) {
  public FetchedFile {
    requireNonNull(path, "path");
    requireNonNull(contentType, "contentType");
  }
}
