package dev.eden.artifacts.client.internal;

import java.io.IOException;

/**
 * The connection ended before the announced {@code Content-Length}: the artifact (or the slice)
 * arrived incomplete. A transport failure, worth another attempt. Not API: callers see an
 * {@link IOException}.
 */
public final class TruncatedBodyException extends IOException {
  private static final long serialVersionUID = 1L;

  public TruncatedBodyException(long expected, long received) {
    super("artifact body truncated: received " + received + " of " + expected + " bytes");
  }
}
