package dev.eden.artifacts.client;

import dev.eden.artifacts.client.ProgressListener.Direction;
import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of a fetched artifact, streamed from the open HTTP answer, with the content type and
 * length the server announced.
 *
 * <p>One-shot and owned by the caller: read it once and close it (closing releases the connection;
 * closing before the end abandons the rest). Reaching the end with fewer bytes than announced throws
 * an {@link IOException}, never a silent short read. Not thread-safe.
 */
public final class ArtifactInputStream extends InputStream {
  private final InputStream body;
  private final AutoCloseable response;
  private final String contentType;
  private final long contentLength;
  private final ProgressListener progress;
  private long received;
  private boolean closed;

  ArtifactInputStream(InputStream body, AutoCloseable response, String contentType,
      long contentLength, ProgressListener progress) {
    this.body = body;
    this.response = response;
    this.contentType = contentType;
    this.contentLength = contentLength;
    this.progress = progress;
  }

  /**
   * The content type the server recorded, verbatim from the answer's {@code Content-Type};
   * {@code application/octet-stream} if the answer had none.
   */
  public String contentType() {
    return contentType;
  }

  /** The announced length in bytes, or {@code -1} if the server did not announce one. */
  public long contentLength() {
    return contentLength;
  }

  /** Bytes read so far. */
  public long bytesRead() {
    return received;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (length == 0) {
      return 0;
    }
    int n = body.read(buffer, offset, length);
    if (n == -1) {
      if (contentLength >= 0 && received != contentLength) {
        throw new TruncatedBodyException(contentLength, received);
      }
      return -1;
    }
    received += n;
    if (contentLength >= 0 && received > contentLength) {
      throw new IOException("server sent more than the announced " + contentLength + " bytes");
    }
    progress.onProgress(Direction.RECEIVED, received, contentLength);
    return n;
  }

  @Override
  public int available() throws IOException {
    return closed ? 0 : body.available();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      response.close();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  /** The connection ended before the announced {@code Content-Length}: the artifact is incomplete. */
  static final class TruncatedBodyException extends IOException {
    private static final long serialVersionUID = 1L;

    TruncatedBodyException(long expected, long received) {
      super("artifact body truncated: received " + received + " of " + expected + " bytes");
    }
  }
}
