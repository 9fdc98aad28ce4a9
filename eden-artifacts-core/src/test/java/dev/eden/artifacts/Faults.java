package dev.eden.artifacts;

import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.PendingBlob;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Delegating backends, stores and streams that fail on demand, for failure-path tests. */
final class Faults {
  private Faults() {}

  /** Where a {@link FaultyBackend} fails. */
  enum BackendFault { NONE, BEGIN, WRITE, COMMIT, OPEN }

  /** A backend that fails at one chosen step and otherwise delegates. */
  static final class FaultyBackend implements ArtifactBackend {
    private final ArtifactBackend delegate;
    volatile BackendFault fault = BackendFault.NONE;
    /** Whether {@code abort} throws (after really aborting, so nothing is left behind). */
    volatile boolean abortFails;

    FaultyBackend(ArtifactBackend delegate) {
      this.delegate = delegate;
    }

    @Override
    public PendingBlob begin(dev.eden.artifacts.ArtifactId id) throws IOException {
      if (fault == BackendFault.BEGIN) {
        throw new IOException("injected: begin failed");
      }
      PendingBlob real = delegate.begin(id);
      return new PendingBlob() {
        @Override
        public ArtifactId id() {
          return real.id();
        }

        @Override
        public OutputStream output() {
          OutputStream out = real.output();
          return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
              check();
              out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              check();
              out.write(b, off, len);
            }

            private void check() throws IOException {
              if (fault == BackendFault.WRITE) {
                throw new IOException("injected: disk full");
              }
            }
          };
        }

        @Override
        public void commit() throws IOException {
          if (fault == BackendFault.COMMIT) {
            real.abort(); // as a real backend would: the failed commit leaves nothing
            throw new IOException("injected: fsync failed");
          }
          real.commit();
        }

        @Override
        public void abort() throws IOException {
          real.abort();
          if (abortFails) {
            throw new IOException("injected: abort failed");
          }
        }

        @Override
        public void close() throws IOException {
          abort();
        }
      };
    }

    @Override
    public Optional<InputStream> open(ArtifactId id, long offset) throws IOException {
      if (fault == BackendFault.OPEN) {
        throw new IOException("injected: open failed");
      }
      return delegate.open(id, offset);
    }

    @Override
    public boolean delete(ArtifactId id) throws IOException {
      return delegate.delete(id);
    }

    @Override
    public Stream<ArtifactId> ids() throws IOException {
      return delegate.ids();
    }
  }

  /** A store whose {@code create} or {@code find} fails on demand and otherwise delegates. */
  static final class FaultyStore implements ArtifactStore {
    private final ArtifactStore delegate;
    volatile IOException createFailure;
    volatile RuntimeException createRuntimeFailure;
    volatile IOException findFailure;

    FaultyStore(ArtifactStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public void create(ArtifactMetadata metadata) throws IOException {
      if (createFailure != null) {
        throw createFailure;
      }
      if (createRuntimeFailure != null) {
        throw createRuntimeFailure;
      }
      delegate.create(metadata);
    }

    @Override
    public Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id) throws IOException {
      if (findFailure != null) {
        throw findFailure;
      }
      return delegate.find(experimentId, id);
    }

    @Override
    public boolean contains(ArtifactId id) throws IOException {
      return delegate.contains(id);
    }

    @Override
    public List<ArtifactId> idsCreatedBefore(ExperimentId experimentId, Instant cutoff, int limit)
        throws IOException {
      return delegate.idsCreatedBefore(experimentId, cutoff, limit);
    }

    @Override
    public boolean delete(ArtifactId id) throws IOException {
      return delegate.delete(id);
    }
  }

  /** Passes {@code limit} bytes through, then throws on every read; records whether it was closed. */
  static final class FailingInputStream extends FilterInputStream {
    private final long limit;
    private long passed;
    boolean closed;

    FailingInputStream(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (passed >= limit) {
        throw new IOException("injected: connection reset");
      }
      int n = super.read(b, off, (int) Math.min(len, limit - passed));
      if (n > 0) {
        passed += n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      closed = true;
      super.close();
    }
  }
}
