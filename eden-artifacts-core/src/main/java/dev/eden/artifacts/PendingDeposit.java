package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.internal.DigestFields;
import dev.eden.artifacts.maintenance.GarbageCollector;
import dev.eden.artifacts.spi.PendingBlob;
import dev.eden.artifacts.spi.RowNotWrittenException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A deposit in progress, from {@link ArtifactService#beginDeposit}: feed it bytes with
 * {@link #transferFrom(InputStream)}, then {@link #complete()} it (or {@link #complete(String)} it
 * against the SHA-256 the sender declared), or close it to abandon it (which leaves nothing
 * behind). Used by one thread at a time.
 */
public final class PendingDeposit implements Closeable {
  private static final int BUFFER_SIZE = 64 * 1024;
  /** The first read's buffer: most deposits of a busy fleet are small, and zeroing 64 KiB costs more than their bytes. */
  private static final int FIRST_BUFFER_SIZE = 8 * 1024;

  private final ArtifactService service;
  private final PendingBlob blob;
  private final ExperimentId experimentId;
  private final Principal depositor;
  private final String filename;
  private final String contentType;
  private final long maxBytes;
  private final MessageDigest sha256;
  private long size;
  private boolean finished;

  PendingDeposit(ArtifactService service, PendingBlob blob, ExperimentId experimentId,
      Principal depositor, String filename, String contentType, long maxBytes) {
    this.service = service;
    this.blob = blob;
    this.experimentId = experimentId;
    this.depositor = depositor;
    this.filename = filename;
    this.contentType = contentType;
    this.maxBytes = maxBytes;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  /** The id this deposit will be issued under. */
  public ArtifactId id() {
    return blob.id();
  }

  /** Bytes accepted so far. */
  public long size() {
    return size;
  }

  /** The sanitised content type that will be recorded. */
  public String contentType() {
    return contentType;
  }

  /**
   * Reads {@code in} to its end (without closing it) into the pending blob, counting and hashing.
   * May be called more than once; the bytes append.
   *
   * @return bytes read from {@code in}
   * @throws PayloadTooLargeException as soon as the total passes the cap; the deposit is abandoned
   * @throws ArtifactStorageException if the backend fails; the deposit is abandoned
   * @throws IOException if reading {@code in} fails; the deposit is left open for the caller to
   *     close
   */
  public long transferFrom(InputStream in) throws IOException {
    requireNonNull(in, "in");
    requireOpen();
    OutputStream out = blob.output();
    byte[] buffer = new byte[FIRST_BUFFER_SIZE];
    long read = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      if (n == 0) {
        continue;
      }
      if (size + n > maxBytes) {
        throw abandonWith(new PayloadTooLargeException(maxBytes, size + n));
      }
      try {
        out.write(buffer, 0, n);
      } catch (IOException e) {
        throw abandonWith(new ArtifactStorageException("could not store the artifact", e));
      }
      sha256.update(buffer, 0, n);
      size += n;
      read += n;
      if (n == buffer.length && n < BUFFER_SIZE) {
        buffer = new byte[BUFFER_SIZE]; // a read filled the small buffer: the artifact is not small
      }
    }
    return read;
  }

  /**
   * Makes the bytes durable, then records the metadata row, and returns what was recorded. If the
   * row cannot be recorded, the row is deleted in case it was written all the same, then the blob
   * (best effort), so no metadata ever points at missing bytes: should the row's delete fail, the
   * blob is kept. When the store reports that it wrote nothing ({@link RowNotWrittenException}) only
   * the blob is deleted, so a store that is down or locked is not waited for a second time. A blob
   * left behind without a row is an orphan for garbage collection. If recording the row took {@link GarbageCollector#DEPOSIT_ROW_DEADLINE} or longer
   * after the bytes were committed, the deposit fails too and removes its row and blob again: a garbage
   * collection may have taken the bytes for an orphan meanwhile.
   *
   * @throws ArtifactStorageException if the backend or store fails
   * @throws IllegalStateException if already completed or abandoned
   */
  public DepositResult complete() {
    requireOpen();
    return commit(HexFormat.of().formatHex(sha256.digest()));
  }

  /**
   * As {@link #complete()}, once the bytes are known to be the ones the sender meant: their SHA-256
   * must equal {@code expectedSha256} (for example from an RFC 9530 {@code Content-Digest} sent
   * with them). If it does not, the deposit is abandoned before anything is committed — the blob
   * is aborted, never published, and no row is written — and the call throws.
   *
   * @param expectedSha256 the SHA-256 the sender declared, as 64 lowercase hex digits
   * @throws BadRequestException if the bytes accepted hash to anything else; the detail names both
   *     digests, and the deposit is abandoned
   * @throws IllegalArgumentException if {@code expectedSha256} is not 64 lowercase hex digits; the
   *     deposit is left open for the caller to close
   * @throws ArtifactStorageException if the backend or store fails
   * @throws IllegalStateException if already completed or abandoned
   */
  public DepositResult complete(String expectedSha256) {
    requireNonNull(expectedSha256, "expectedSha256");
    if (!DigestFields.isSha256Hex(expectedSha256)) {
      throw new IllegalArgumentException("expectedSha256 must be 64 lowercase hex digits");
    }
    requireOpen();
    String actual = HexFormat.of().formatHex(sha256.digest());
    if (!actual.equals(expectedSha256)) {
      throw abandonWith(new BadRequestException("the bytes received do not match the SHA-256 digest"
          + " declared for them (declared " + expectedSha256 + ", received " + actual + ")"));
    }
    return commit(actual);
  }

  private DepositResult commit(String sha256Hex) {
    finished = true;
    Instant commitStarted = service.clock().instant();
    long commitStartedNanos = System.nanoTime();
    try {
      blob.commit();
    } catch (IOException e) {
      closeQuietly(blob, e);
      throw new ArtifactStorageException("could not store the artifact", e);
    }
    ArtifactMetadata metadata = new ArtifactMetadata(experimentId, blob.id(), depositor, size,
        contentType, service.clock().instant(), sha256Hex, filename);
    try {
      service.store().create(metadata);
    } catch (RowNotWrittenException e) {
      // Nothing was recorded: deleting the row too would only wait on the same unavailable store again.
      throw deleteBlob(new ArtifactStorageException("could not record the artifact", e));
    } catch (IOException | RuntimeException e) {
      // The row may have been written all the same (a connection lost after the commit): remove it too.
      throw undo(new ArtifactStorageException("could not record the artifact", e));
    }
    // By the clock that dates rows, and by elapsed time should that clock have been set back.
    Duration took = max(Duration.between(commitStarted, service.clock().instant()),
        Duration.ofNanos(System.nanoTime() - commitStartedNanos));
    if (took.compareTo(GarbageCollector.DEPOSIT_ROW_DEADLINE) >= 0) {
      // A garbage collection may have seen the blob without its row and taken it.
      throw undo(new ArtifactStorageException("could not record the artifact in time", new IOException(
          "recording the row took " + took + " after the bytes were committed, not less than "
              + GarbageCollector.DEPOSIT_ROW_DEADLINE)));
    }
    return new DepositResult(metadata);
  }

  /**
   * Removes what a failed commit may have recorded, the row first, then the blob (best effort). If
   * the row cannot be deleted (the store is down), the blob stays: the row may have been recorded
   * after all, and its bytes must then be there; if it was not, the blob is an orphan that garbage
   * collection removes once it finds no row.
   */
  private ArtifactStorageException undo(ArtifactStorageException reason) {
    try {
      service.store().delete(blob.id());
    } catch (IOException | RuntimeException suppressed) {
      reason.addSuppressed(suppressed);
      return reason;
    }
    return deleteBlob(reason);
  }

  /**
   * Removes the committed blob of a deposit that has no row (best effort); a blob left behind is
   * an orphan that garbage collection removes later.
   */
  private ArtifactStorageException deleteBlob(ArtifactStorageException reason) {
    try {
      service.backend().delete(blob.id());
    } catch (IOException | RuntimeException suppressed) {
      reason.addSuppressed(suppressed);
    }
    return reason;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Abandons the deposit unless it completed. Idempotent. */
  @Override
  public void close() throws IOException {
    if (!finished) {
      abandon();
    }
  }

  private void abandon() throws IOException {
    finished = true;
    blob.abort();
  }

  /** Abandons the deposit; a failing clean-up must not hide why the deposit was abandoned. */
  private ArtifactException abandonWith(ArtifactException reason) {
    finished = true;
    closeQuietly(blob, reason);
    return reason;
  }

  private void requireOpen() {
    if (finished) {
      throw new IllegalStateException("deposit " + blob.id() + " is already finished");
    }
  }

  private static void closeQuietly(PendingBlob blob, Exception primary) {
    try {
      blob.abort();
    } catch (IOException | RuntimeException e) {
      primary.addSuppressed(e);
    }
  }
}
