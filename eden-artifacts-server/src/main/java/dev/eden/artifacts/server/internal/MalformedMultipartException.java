package dev.eden.artifacts.server.internal;

import java.io.IOException;

/**
 * The body breaks the {@code multipart/form-data} framing or a part header's syntax: the client's
 * fault. The message is a fixed description of the fault, fit to show the client as a 400 detail;
 * it never repeats bytes of the body. Not API.
 */
public final class MalformedMultipartException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Says the body ended before the closing delimiter (RFC 2046 §5.1.1). */
  public static final String ENDED_EARLY =
      "the multipart body ended before its closing boundary delimiter";

  public MalformedMultipartException(String detail) {
    super(detail);
  }

  public MalformedMultipartException(String detail, Throwable cause) {
    super(detail, cause);
  }
}
