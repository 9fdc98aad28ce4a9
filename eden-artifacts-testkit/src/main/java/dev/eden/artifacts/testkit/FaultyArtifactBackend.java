package dev.eden.artifacts.testkit;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.CommittedBlob;
import dev.eden.artifacts.spi.PendingBlob;
import dev.eden.artifacts.spi.PendingLeftover;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Wraps a real backend and makes chosen operations fail with an {@link IOException}, to test what
 * the code above a backend does when storage breaks (disk full, fsync error, a bucket gone).
 * Without faults it behaves exactly like the backend it wraps. Thread-safe; faults can be switched
 * on and off while it is in use.
 *
 * <pre>{@code
 * FaultyArtifactBackend backend = new FaultyArtifactBackend(new FileArtifactBackend(dir));
 * backend.failOn(FaultyArtifactBackend.Operation.COMMIT);
 * // a deposit now fails with ArtifactStorageException and leaves nothing in dir
 * }</pre>
 */
public final class FaultyArtifactBackend implements ArtifactBackend {
  /** The message of every injected failure. */
  public static final String MESSAGE = "injected backend failure";

  /** Where a failure can be injected. */
  public enum Operation {
    /** {@link ArtifactBackend#begin}. */
    BEGIN,
    /** Writes to {@link PendingBlob#output()}. */
    WRITE,
    /** {@link PendingBlob#commit()}; the pending blob is aborted first, as a real failure would leave it. */
    COMMIT,
    /** {@link PendingBlob#abort()} and {@code close()}; the blob is really aborted, then the failure is thrown. */
    ABORT,
    /** {@link ArtifactBackend#open}, plain and ranged. */
    OPEN,
    /** Reads from a stream returned by either {@code open}, after its first byte. */
    READ,
    /** {@link ArtifactBackend#delete}. */
    DELETE,
    /** {@link ArtifactBackend#ids()}. */
    IDS,
    /** {@link ArtifactBackend#blobs()}. */
    BLOBS,
    /** {@link ArtifactBackend#sweepStalePending}. */
    SWEEP,
  }

  private final ArtifactBackend delegate;
  private final InjectedFaults<Operation> failing = new InjectedFaults<>(MESSAGE);

  /** Wraps {@code delegate}, which stays owned by the caller. */
  public FaultyArtifactBackend(ArtifactBackend delegate) {
    this.delegate = requireNonNull(delegate, "delegate");
  }

  /** Makes {@code operations} fail from now on (in addition to those already failing). */
  public FaultyArtifactBackend failOn(Operation... operations) {
    failing.add(List.of(operations));
    return this;
  }

  /** Makes every operation succeed again. */
  public FaultyArtifactBackend heal() {
    failing.clear();
    return this;
  }

  private void maybeFail(Operation operation) throws IOException {
    failing.maybeFail(operation);
  }

  @Override
  public PendingBlob begin(ArtifactId id) throws IOException {
    maybeFail(Operation.BEGIN);
    PendingBlob real = delegate.begin(id);
    OutputStream out = real.output();
    OutputStream faultyOut = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        maybeFail(Operation.WRITE);
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        maybeFail(Operation.WRITE);
        out.write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }
    };
    return new PendingBlob() {
      @Override
      public ArtifactId id() {
        return real.id();
      }

      @Override
      public OutputStream output() {
        return faultyOut;
      }

      @Override
      public void commit() throws IOException {
        if (failing.isOn(Operation.COMMIT)) {
          real.abort();
          maybeFail(Operation.COMMIT);
        }
        real.commit();
      }

      @Override
      public void abort() throws IOException {
        real.abort();
        maybeFail(Operation.ABORT);
      }

      @Override
      public void close() throws IOException {
        real.close();
        maybeFail(Operation.ABORT);
      }
    };
  }

  @Override
  public Optional<InputStream> open(ArtifactId id, long offset) throws IOException {
    maybeFail(Operation.OPEN);
    return delegate.open(id, offset).map(this::faultyReads);
  }

  /** Forwards to the wrapped backend's ranged open, so its own range handling is what runs. */
  @Override
  public Optional<InputStream> open(ArtifactId id, long offset, long length) throws IOException {
    maybeFail(Operation.OPEN);
    return delegate.open(id, offset, length).map(this::faultyReads);
  }

  private InputStream faultyReads(InputStream in) {
    return new FilterInputStream(in) {
      private long passed;

      @Override
      public int read() throws IOException {
        if (passed > 0) {
          maybeFail(Operation.READ);
        }
        int b = super.read();
        if (b != -1) {
          passed++;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (passed > 0) {
          maybeFail(Operation.READ);
        }
        // While reads fail, let exactly one byte through first so the failure is mid-stream.
        int n = super.read(b, off, passed == 0 && len > 0 && failing.isOn(Operation.READ) ? 1 : len);
        if (n > 0) {
          passed += n;
        }
        return n;
      }
    };
  }

  @Override
  public boolean delete(ArtifactId id) throws IOException {
    maybeFail(Operation.DELETE);
    return delegate.delete(id);
  }

  @Override
  public Stream<ArtifactId> ids() throws IOException {
    maybeFail(Operation.IDS);
    return delegate.ids();
  }

  @Override
  public Set<Capability> capabilities() {
    return delegate.capabilities();
  }

  @Override
  public Stream<CommittedBlob> blobs() throws IOException {
    maybeFail(Operation.BLOBS);
    return delegate.blobs();
  }

  @Override
  public Stream<PendingLeftover> stalePending(Duration olderThan) throws IOException {
    maybeFail(Operation.SWEEP);
    return delegate.stalePending(olderThan);
  }

  @Override
  public boolean removeStalePending(PendingLeftover leftover) throws IOException {
    maybeFail(Operation.SWEEP);
    return delegate.removeStalePending(leftover);
  }

  @Override
  public String toString() {
    return "FaultyArtifactBackend[" + delegate + ", failing " + failing + "]";
  }
}
