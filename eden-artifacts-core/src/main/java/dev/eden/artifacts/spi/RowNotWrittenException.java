package dev.eden.artifacts.spi;

import java.io.IOException;

/**
 * A store write failed before anything was committed, so the store is exactly as it was: {@link
 * ArtifactStore#create} throws it when it knows the row was not recorded, for example when it gave
 * up waiting for a lock, a connection or a database that is down. A caller then has no row to
 * undo. Any other {@link IOException} from {@code create} leaves open whether the row was written
 * (say, a connection lost while the commit was under way).
 */
public class RowNotWrittenException extends IOException {
  private static final long serialVersionUID = 1L;

  public RowNotWrittenException(String message, Throwable cause) {
    super(message, cause);
  }
}
