package dev.eden.artifacts.client;

import dev.eden.artifacts.client.ProgressListener.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The bytes of a fetched artifact, streamed from the open HTTP answer, with the content type and
 * length the server announced.
 *
 * <p>One-shot and owned by the caller: read it once and close it (closing releases the connection;
 * closing before the end abandons the rest). Reaching the end with fewer bytes than announced throws
 * an {@link IOException}, never a silent short read. Not thread-safe.
 *
 * <p>When the answer carries a well-formed {@code X-Eden-Artifact-Sha256} (64 lowercase hex digits,
 * as this project's server sends), the bytes are hashed as they are read and, on reaching the end,
 * compared with it: a difference throws {@link ArtifactDigestMismatchException} instead of
 * returning {@code -1}. Without the header, or with a malformed one, nothing is checked (the wire
 * contract does not require it). A stream closed before its end is not checked.
 */
public final class ArtifactInputStream extends InputStream {
  private final InputStream body;
  private final AutoCloseable response;
  private final String contentType;
  private final long contentLength;
  private final ProgressListener progress;
  private final String expectedSha256;
  private final MessageDigest digest;
  private long received;
  private boolean ended;
  private ArtifactDigestMismatchException mismatch;
  private boolean closed;

  /**
   * @param expectedSha256 the announced digest if well-formed, else {@code null} (no check)
   */
  ArtifactInputStream(InputStream body, AutoCloseable response, String contentType,
      long contentLength, String expectedSha256, ProgressListener progress) {
    this.body = body;
    this.response = response;
    this.contentType = contentType;
    this.contentLength = contentLength;
    this.progress = progress;
    this.expectedSha256 = expectedSha256;
    this.digest = expectedSha256 == null ? null : newSha256();
  }

  /** Whether {@code value} is a digest this stream checks: exactly 64 lowercase hex digits. */
  static boolean isWellFormedSha256(String value) {
    if (value == null || value.length() != 64) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
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

  /**
   * The SHA-256 the server announced (lowercase hex), which this stream checks at the end of the
   * body; empty when the answer carried no well-formed {@code X-Eden-Artifact-Sha256}. Once
   * {@code read} has returned {@code -1}, the bytes read are known to match it.
   */
  public Optional<String> sha256() {
    return Optional.ofNullable(expectedSha256);
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
      verifyDigestOnce();
      return -1;
    }
    if (digest != null) {
      digest.update(buffer, offset, n);
    }
    received += n;
    if (contentLength >= 0 && received > contentLength) {
      throw new IOException("server sent more than the announced " + contentLength + " bytes");
    }
    progress.onProgress(Direction.RECEIVED, received, contentLength);
    return n;
  }

  /** Compares the digest at the first end of body; later reads at the end repeat the verdict. */
  private void verifyDigestOnce() throws ArtifactDigestMismatchException {
    if (!ended) {
      ended = true;
      if (digest != null) {
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(expectedSha256)) {
          mismatch = new ArtifactDigestMismatchException(expectedSha256, actual);
        }
      }
    }
    if (mismatch != null) {
      throw new ArtifactDigestMismatchException(mismatch.expectedSha256(), mismatch.actualSha256());
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
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
