package dev.eden.artifacts.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What a writer that crashed left behind in a backend, as {@link ArtifactBackend#stalePending}
 * lists it: a temporary file, an incomplete multipart upload. Immutable and thread-safe; every
 * component is non-null.
 *
 * @param location where it is, in the backend's own terms (a temp file's name, an object key and
 *     upload id); for people and for {@link ArtifactBackend#removeStalePending} of the backend
 *     that listed it, which parses it back
 * @param sizeBytes the bytes it holds, {@code >= 0}
 * @param lastModified when its writer last made progress (a temp file's modification time, the
 *     latest part of an upload); what its age is judged by
 */
public record PendingLeftover(String location, long sizeBytes, Instant lastModified) {

  /**
   * @throws NullPointerException if {@code location} or {@code lastModified} is null
   * @throws IllegalArgumentException if {@code sizeBytes} is negative
   */
  public PendingLeftover {
    requireNonNull(location, "location");
    requireNonNull(lastModified, "lastModified");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must not be negative: " + sizeBytes);
    }
  }
}
