package dev.eden.artifacts.s3.internal;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.s3.internal.BucketOps.Outcome;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.PendingBlob;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One blob being written to S3. Bytes collect in a {@link PartBuffer}; when it holds a whole part
 * and more bytes arrive, the part is uploaded from the writing thread (the first one starts a
 * multipart upload) and the buffer released. Commit then writes what is left: a blob of at most one
 * part is a single {@code PutObject}, a larger one its last part and a {@code
 * CompleteMultipartUpload} — both with {@code If-None-Match: *}, so neither ever replaces an
 * object. Abort releases the buffer and aborts the multipart upload, if any.
 *
 * <p>A blob abandoned without abort or commit releases its budget when it is garbage collected;
 * its multipart upload, if any, stays until a sweep aborts it. Used by one thread at a time.
 */
public final class S3PendingBlob implements PendingBlob {
  /** S3's limit on the parts of one upload. */
  static final int MAX_PARTS = 10_000;
  private static final Cleaner CLEANER = Cleaner.create();

  private final BucketOps bucket;
  private final ArtifactId id;
  private final String key;
  private final PartBuffer buffer;
  private final Cleaner.Cleanable releaseOnCollect;
  private final String writerToken = UUID.randomUUID().toString();
  private final List<CompletedPart> parts = new ArrayList<>();
  private final OutputStream output = new Output();
  private String uploadId; // null until the first part goes up, and again once aborted
  private State state = State.OPEN;

  /**
   * @param bucket where the object goes
   * @param id the artifact
   * @param key the artifact's object key
   * @param holder this blob's share of the buffer budget
   * @param partSize the size of every part but the last, in bytes
   */
  public S3PendingBlob(BucketOps bucket, ArtifactId id, String key, BufferBudget.Holder holder, long partSize) {
    this.bucket = bucket;
    this.id = id;
    this.key = key;
    this.buffer = new PartBuffer(holder, partSize);
    this.releaseOnCollect = CLEANER.register(this, holder::releaseAll);
  }

  @Override
  public ArtifactId id() {
    return id;
  }

  @Override
  public OutputStream output() {
    return output;
  }

  @Override
  public void commit() throws IOException {
    if (state != State.OPEN) {
      throw new IllegalStateException("pending blob " + id + " is already " + state.label());
    }
    state = State.ABORTED; // until the object is there, any failure leaves it aborted
    try {
      Outcome outcome;
      if (uploadId == null) {
        outcome = bucket.putIfAbsent(key, writerToken, buffer);
      } else {
        uploadPart();
        outcome = bucket.completeIfAbsent(key, uploadId, parts);
      }
      if (outcome != Outcome.CREATED && !bucket.isWrittenBy(key, writerToken)) {
        if (outcome == Outcome.EXISTS) {
          throw new ArtifactAlreadyExistsException(id);
        }
        throw new IOException("the multipart upload to " + bucket.location(key)
            + " vanished before it completed (aborted by a stale-upload sweep?)");
      }
      state = State.COMMITTED; // created, or created by an attempt the SDK retried
    } catch (IOException | RuntimeException e) {
      abortUpload(e);
      throw e;
    } finally {
      release();
    }
  }

  @Override
  public void abort() throws IOException {
    if (state == State.COMMITTED) {
      return;
    }
    state = State.ABORTED;
    release();
    abortUpload(null);
  }

  @Override
  public void close() throws IOException {
    abort();
  }

  private void uploadPart() throws IOException {
    if (parts.size() == MAX_PARTS) {
      throw new IOException("blob " + id + " needs more than " + MAX_PARTS + " parts of "
          + buffer.size() + " bytes; configure a larger part size");
    }
    if (uploadId == null) {
      uploadId = bucket.createUpload(key, writerToken);
    }
    parts.add(bucket.uploadPart(key, uploadId, parts.size() + 1, buffer));
    buffer.clear();
  }

  /** Aborts the multipart upload, if any; a failure is added to {@code cause} if there is one. */
  private void abortUpload(Exception cause) throws IOException {
    String upload = uploadId;
    uploadId = null;
    if (upload == null) {
      return;
    }
    try {
      bucket.abortUpload(key, upload);
    } catch (IOException e) {
      if (cause == null) {
        throw e;
      }
      cause.addSuppressed(e);
    }
  }

  private void release() {
    buffer.clear();
    releaseOnCollect.clean();
  }

  private void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (state != State.OPEN) {
      throw new IOException("pending blob " + id + " is already " + state.label());
    }
    try {
      while (len > 0) {
        int n = buffer.write(b, off, len);
        if (n == 0) { // full, and there is more: this part is not the last
          uploadPart();
          continue;
        }
        off += n;
        len -= n;
      }
    } catch (IOException | RuntimeException e) {
      state = State.ABORTED;
      release();
      abortUpload(e);
      throw e;
    }
  }

  private final class Output extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      S3PendingBlob.this.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      S3PendingBlob.this.write(b, off, len);
    }
  }

  private enum State {
    OPEN, COMMITTED, ABORTED;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  @Override
  public String toString() {
    return "S3PendingBlob[" + bucket.location(key) + ", " + state.label() + "]";
  }
}
