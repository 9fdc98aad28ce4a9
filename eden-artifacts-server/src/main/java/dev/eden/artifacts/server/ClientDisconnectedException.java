package dev.eden.artifacts.server;

import java.io.IOException;

/**
 * The response could not be written because the client's connection is gone. Routine (a cancelled
 * download, a client refusing an answer larger than it wants), so it is logged as one DEBUG line
 * rather than as a server fault. The cause is the transport's own exception.
 */
final class ClientDisconnectedException extends IOException {
  private static final long serialVersionUID = 1L;

  ClientDisconnectedException(IOException transportFailure) {
    super("the client connection is gone: " + transportFailure, transportFailure);
  }

  /** The exception the transport threw, for the adapter, which knows its own kinds. */
  IOException transportFailure() {
    return (IOException) getCause();
  }
}
