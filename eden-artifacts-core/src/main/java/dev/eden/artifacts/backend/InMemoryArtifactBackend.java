package dev.eden.artifacts.backend;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.CommittedBlob;
import dev.eden.artifacts.spi.PendingBlob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;

/**
 * Blobs held on the heap, with the same semantics as {@link FileArtifactBackend} but no
 * durability. For tests and small in-process use: it holds every artifact in memory by design.
 * Lists its blobs ({@link Capability#BLOB_LISTING}); it has no stale pending blobs to sweep, since a
 * pending blob that is dropped is garbage-collected with its buffer. Thread-safe.
 */
public final class InMemoryArtifactBackend implements ArtifactBackend {
  private final ConcurrentMap<ArtifactId, Blob> blobs = new ConcurrentHashMap<>();
  private final Clock clock;

  /** Commit times from the UTC system clock. */
  public InMemoryArtifactBackend() {
    this(Clock.systemUTC());
  }

  /** Commit times (listed by {@link #blobs()}) from {@code clock}; for tests of garbage collection. */
  public InMemoryArtifactBackend(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  private record Blob(byte[] bytes, Instant committedAt) {}

  @Override
  public PendingBlob begin(ArtifactId id) {
    return new MemoryPendingBlob(requireNonNull(id, "id"));
  }

  @Override
  public Optional<InputStream> open(ArtifactId id, long offset) {
    return open(id, offset, Long.MAX_VALUE);
  }

  @Override
  public Optional<InputStream> open(ArtifactId id, long offset, long length) {
    requireNonNull(id, "id");
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative: " + offset);
    }
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative: " + length);
    }
    Blob blob = blobs.get(id);
    if (blob == null) {
      return Optional.empty();
    }
    byte[] bytes = blob.bytes();
    int from = (int) Math.min(offset, bytes.length);
    int count = (int) Math.min(length, bytes.length - from);
    return Optional.of(new ByteArrayInputStream(bytes, from, count));
  }

  @Override
  public boolean delete(ArtifactId id) {
    return blobs.remove(requireNonNull(id, "id")) != null;
  }

  @Override
  public Stream<ArtifactId> ids() {
    return List.copyOf(blobs.keySet()).stream();
  }

  /** {@link Capability#BLOB_LISTING}. */
  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.BLOB_LISTING);
  }

  /** {@inheritDoc} A snapshot taken when called. */
  @Override
  public Stream<CommittedBlob> blobs() {
    List<CommittedBlob> listed = new ArrayList<>();
    blobs.forEach((id, blob) -> listed.add(new CommittedBlob(id, blob.bytes().length, blob.committedAt())));
    return listed.stream();
  }

  private final class MemoryPendingBlob implements PendingBlob {
    private final ArtifactId id;
    private ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private boolean committed;

    private final OutputStream output = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        open().write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        open().write(b, off, len);
      }
    };

    MemoryPendingBlob(ArtifactId id) {
      this.id = id;
    }

    private ByteArrayOutputStream open() throws IOException {
      if (buffer == null) {
        throw new IOException("pending blob " + id + " is already " + (committed ? "committed" : "aborted"));
      }
      return buffer;
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
      if (buffer == null) {
        throw new IllegalStateException("pending blob " + id + " is already " + (committed ? "committed" : "aborted"));
      }
      byte[] bytes = buffer.toByteArray();
      buffer = null;
      if (blobs.putIfAbsent(id, new Blob(bytes, clock.instant())) != null) {
        throw new ArtifactAlreadyExistsException(id);
      }
      committed = true;
    }

    @Override
    public void abort() {
      buffer = null;
    }

    @Override
    public void close() {
      abort();
    }
  }
}
