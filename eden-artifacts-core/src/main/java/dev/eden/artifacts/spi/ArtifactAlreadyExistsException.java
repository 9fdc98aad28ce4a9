package dev.eden.artifacts.spi;

import dev.eden.artifacts.ArtifactId;
import java.io.IOException;

/** A blob or metadata row already exists under this id; nothing was overwritten. */
public class ArtifactAlreadyExistsException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient ArtifactId id;

  public ArtifactAlreadyExistsException(ArtifactId id) {
    super("artifact already exists: " + id);
    this.id = id;
  }

  public ArtifactId id() {
    return id;
  }
}
