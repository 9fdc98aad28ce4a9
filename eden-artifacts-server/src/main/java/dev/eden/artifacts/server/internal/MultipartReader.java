package dev.eden.artifacts.server.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Pull-style reading of one {@code multipart/form-data} body, part by part, in one pass: the
 * deposit asks for the first part, reads its headers and streams its content, then asks whether
 * another part follows. Implementations never hold more than a bounded buffer of the body.
 *
 * <p>Failures of the framing (malformed, truncated, a part header block above the bound) surface
 * as {@link IOException}s; failures of the underlying body stream propagate unchanged. Not API; an
 * instance serves one request on one thread.
 */
public interface MultipartReader {
  /** Skips the preamble up to the first boundary; false if the body holds no part at all. */
  boolean firstPart() throws IOException;

  /** The headers of the part at hand; call once per part, before its content. */
  Part readPart() throws IOException;

  /**
   * After a part's content was read to its end: whether another part follows. Stops as soon as
   * the next part begins; never reads that part's content.
   */
  boolean nextPart() throws IOException;

  /** Opens a reader over one request body. Implementations must be thread-safe. */
  @FunctionalInterface
  interface Factory {
    /**
     * Reads {@code body}, delimited by {@code boundary} (as returned by
     * {@link MultipartForm#boundary}); part header blocks above {@code maxPartHeaderBytes} fail.
     *
     * @param bodyBytes the body's declared length ({@code Content-Length}), or -1 if unknown
     *     (chunked); only sizes buffers, never trusted as the length
     */
    MultipartReader open(InputStream body, long bodyBytes, byte[] boundary, int maxPartHeaderBytes)
        throws IOException;
  }

  /**
   * The read buffer for a body of {@code bodyBytes} (-1: unknown): {@code maxBytes}, or less for a
   * smaller known body, so a small deposit does not allocate (and zero) a buffer it never fills;
   * never below 4 KiB, which holds any delimiter many times over.
   */
  static int bufferBytes(long bodyBytes, int maxBytes) {
    return bodyBytes < 0 ? maxBytes : (int) Math.max(4096, Math.min(maxBytes, bodyBytes));
  }

  /**
   * One part of the body.
   *
   * @param name the {@code form-data} field name, or null (not form-data, or no name)
   * @param filename the declared filename, or null if the part is not a file upload
   * @param contentType the declared content type as sent, or null
   * @param contentDigest the part's own {@code Content-Digest} header value as sent (RFC 9530: a
   *     digest of this part's bytes), or null if the part carries none
   * @param content the part's bytes up to the next boundary; read it to its end before moving on
   */
  record Part(String name, String filename, String contentType, String contentDigest,
      InputStream content) {}
}
