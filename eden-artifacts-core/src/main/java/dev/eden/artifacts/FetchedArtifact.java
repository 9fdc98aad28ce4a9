package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * An artifact opened for reading: its metadata and a one-shot stream of its bytes. The caller
 * owns it and must {@linkplain #close() close} it (try-with-resources). Not thread-safe.
 */
public final class FetchedArtifact implements Closeable {
  private final ArtifactMetadata metadata;
  private final InputStream content;

  public FetchedArtifact(ArtifactMetadata metadata, InputStream content) {
    this.metadata = requireNonNull(metadata, "metadata");
    this.content = requireNonNull(content, "content");
  }

  public ArtifactMetadata metadata() {
    return metadata;
  }

  /** The bytes, exactly {@code metadata().sizeBytes()} of them. Read once; closed by {@link #close()}. */
  public InputStream content() {
    return content;
  }

  @Override
  public void close() throws IOException {
    content.close();
  }
}
