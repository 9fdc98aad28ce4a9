package dev.eden.artifacts.client;

import dev.eden.artifacts.client.ProgressListener.Direction;
import dev.eden.artifacts.client.internal.Sha256;
import dev.eden.artifacts.client.internal.TruncatedBodyException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The bytes of a fetched artifact, or of a slice of it, streamed from the open HTTP answer, with
 * the content type and lengths the server announced.
 *
 * <p>One-shot and owned by the caller: read it once and close it (closing releases the connection;
 * closing before the end abandons the rest). Reaching the end with fewer bytes than announced throws
 * an {@link IOException}, never a silent short read. Not thread-safe.
 *
 * <p>A stream that covers the whole artifact is verified: when the answer announces the artifact's
 * SHA-256 (RFC 9530 {@code Repr-Digest} with a {@code sha-256} member, else a well-formed
 * {@code X-Eden-Artifact-Sha256}, 64 lowercase hex digits, as this project's server sends), the
 * bytes are hashed as they are read and, on reaching the end, compared with it: a difference throws
 * {@link ArtifactDigestMismatchException} instead of returning {@code -1}. Without such a field, or
 * with a malformed one, nothing is checked (the wire contract does not require it); nor when the
 * client was built with {@code verifyDigests(false)}, nor for a slice (a digest describes the whole
 * artifact), nor when the stream is closed before its end.
 */
public final class ArtifactInputStream extends InputStream {
  private final InputStream body;
  private final AutoCloseable response;
  private final String contentType;
  private final long contentLength;
  private final long limit;
  private final long offset;
  private final long artifactSize;
  private final ProgressListener progress;
  private final String expectedSha256;
  private final MessageDigest digest;
  private long received;
  private boolean ended;
  private ArtifactDigestMismatchException mismatch;
  private boolean closed;

  /**
   * @param contentLength the bytes this stream must deliver, or {@code -1} if unknown
   * @param limit the most bytes this stream delivers ({@code Long.MAX_VALUE}: all the body has)
   * @param offset where the first byte of this stream is in the artifact
   * @param artifactSize the whole artifact's length, or {@code -1} if unknown
   * @param expectedSha256 the digest to check at the end if well-formed and this stream covers the
   *     whole artifact, else {@code null} (no check)
   */
  ArtifactInputStream(InputStream body, AutoCloseable response, String contentType,
      long contentLength, long limit, long offset, long artifactSize, String expectedSha256,
      ProgressListener progress) {
    this.body = body;
    this.response = response;
    this.contentType = contentType;
    this.contentLength = contentLength;
    this.limit = limit;
    this.offset = offset;
    this.artifactSize = artifactSize;
    this.progress = progress;
    this.expectedSha256 = expectedSha256;
    this.digest = expectedSha256 == null ? null : Sha256.newDigest();
  }

  /**
   * The content type the server recorded, verbatim from the answer's {@code Content-Type};
   * {@code application/octet-stream} if the answer had none, and for the empty stream at the end
   * of an artifact (see {@link StoreClient#openArtifact(String, long)}), whose answer does not
   * carry it.
   */
  public String contentType() {
    return contentType;
  }

  /**
   * The number of bytes this stream delivers, or {@code -1} if the server did not announce it: the
   * artifact's size for a whole artifact, the slice's length for a slice.
   */
  public long contentLength() {
    return contentLength;
  }

  /** Where this stream's first byte is in the artifact: {@code 0} unless a slice was asked for. */
  public long offset() {
    return offset;
  }

  /**
   * The whole artifact's size in bytes, as announced ({@code Content-Length} of a whole answer, the
   * complete length of a {@code Content-Range}), or {@code -1} if the server did not announce it.
   */
  public long artifactSize() {
    return artifactSize;
  }

  /**
   * The SHA-256 of the whole artifact the server announced (lowercase hex), which this stream
   * checks at the end of the body; empty when there is nothing to check (no well-formed field,
   * verification turned off, or a slice). Once {@code read} has returned {@code -1}, the bytes read
   * are known to match it.
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
    long left = limit - received;
    int n = left <= 0 ? -1 : body.read(buffer, offset, (int) Math.min(length, left));
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

  @Override
  public int available() throws IOException {
    return closed ? 0 : (int) Math.min(body.available(), Math.max(0, limit - received));
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
}
