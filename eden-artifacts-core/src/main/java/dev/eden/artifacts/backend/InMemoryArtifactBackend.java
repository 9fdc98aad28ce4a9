package dev.eden.artifacts.backend;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.PendingBlob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;

/**
 * Blobs held on the heap, with the same semantics as {@link FileArtifactBackend} but no
 * durability. For tests and small in-process use: it holds every artifact in memory by design.
 * Thread-safe.
 */
public final class InMemoryArtifactBackend implements ArtifactBackend {
  private final ConcurrentMap<ArtifactId, byte[]> blobs = new ConcurrentHashMap<>();

  @Override
  public PendingBlob begin(ArtifactId id) {
    return new MemoryPendingBlob(requireNonNull(id, "id"));
  }

  @Override
  public Optional<InputStream> open(ArtifactId id, long offset) {
    requireNonNull(id, "id");
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative: " + offset);
    }
    byte[] bytes = blobs.get(id);
    if (bytes == null) {
      return Optional.empty();
    }
    int from = (int) Math.min(offset, bytes.length);
    return Optional.of(new ByteArrayInputStream(bytes, from, bytes.length - from));
  }

  @Override
  public boolean delete(ArtifactId id) {
    return blobs.remove(requireNonNull(id, "id")) != null;
  }

  @Override
  public Stream<ArtifactId> ids() {
    return List.copyOf(blobs.keySet()).stream();
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
      if (blobs.putIfAbsent(id, bytes) != null) {
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
