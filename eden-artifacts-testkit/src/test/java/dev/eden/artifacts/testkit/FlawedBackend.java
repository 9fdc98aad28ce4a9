package dev.eden.artifacts.testkit;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.CommittedBlob;
import dev.eden.artifacts.spi.PendingBlob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** An in-memory backend with one deliberate flaw, to show that the contract catches it. */
final class FlawedBackend implements ArtifactBackend {
  enum Flaw {
    /** A second commit replaces the first bytes. */
    OVERWRITES,
    /** Aborting (or closing) publishes the bytes anyway. */
    PUBLISHES_ON_ABORT,
    /** Bytes are visible while still being written. */
    VISIBLE_BEFORE_COMMIT,
    /** {@code open} ignores the offset. */
    IGNORES_OFFSET,
    /** Blobs over 64 KiB lose their last byte. */
    TRUNCATES_LARGE_BLOBS,
    /** The ranged {@code open} reads to the end, past the requested length. */
    RANGE_READS_TOO_MUCH,
    /** The ranged {@code open} starts at the beginning, whatever the offset. */
    RANGE_IGNORES_OFFSET,
    /** {@code openChannel} starts at the beginning, whatever the offset. */
    CHANNEL_IGNORES_OFFSET,
    /** {@code delete} reports a blob whether or not there was one. */
    DELETE_LIES,
    /** {@code blobs()} reports the time of the first write instead of the commit's: the epoch here. */
    LISTS_WRITE_TIME,
  }

  private final Flaw flaw;
  private final Map<ArtifactId, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<ArtifactId, Instant> committedAt = new ConcurrentHashMap<>();

  FlawedBackend(Flaw flaw) {
    this.flaw = flaw;
  }

  @Override
  public PendingBlob begin(ArtifactId id) {
    java.util.Objects.requireNonNull(id, "id");
    return new PendingBlob() {
      private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      private boolean done;
      private boolean committed;
      private boolean published;

      private final OutputStream output = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          check();
          buffer.write(b);
          publishEarly();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          check();
          buffer.write(b, off, len);
          publishEarly();
        }
      };

      private void check() throws IOException {
        if (done) {
          throw new IOException("finished");
        }
      }

      private void publishEarly() {
        if (flaw == Flaw.VISIBLE_BEFORE_COMMIT && !published) {
          published = true;
          blobs.putIfAbsent(id, buffer.toByteArray());
        }
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
        if (done) {
          throw new IllegalStateException("finished");
        }
        done = true;
        byte[] bytes = buffer.toByteArray();
        if (flaw == Flaw.TRUNCATES_LARGE_BLOBS && bytes.length > 65_536) {
          bytes = Arrays.copyOf(bytes, bytes.length - 1);
        }
        committedAt.put(id, flaw == Flaw.LISTS_WRITE_TIME ? Instant.EPOCH : Instant.now());
        if (flaw == Flaw.OVERWRITES || flaw == Flaw.VISIBLE_BEFORE_COMMIT) {
          blobs.put(id, bytes);
        } else if (blobs.putIfAbsent(id, bytes) != null) {
          throw new ArtifactAlreadyExistsException(id);
        }
        committed = true;
      }

      @Override
      public void abort() {
        if (!done && flaw == Flaw.PUBLISHES_ON_ABORT) {
          blobs.putIfAbsent(id, buffer.toByteArray());
        }
        if (!committed && flaw == Flaw.VISIBLE_BEFORE_COMMIT) {
          blobs.remove(id);
        }
        done = true;
      }

      @Override
      public void close() {
        abort();
      }
    };
  }

  @Override
  public Optional<InputStream> open(ArtifactId id, long offset) {
    java.util.Objects.requireNonNull(id, "id");
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset");
    }
    byte[] bytes = blobs.get(id);
    if (bytes == null) {
      return Optional.empty();
    }
    int from = flaw == Flaw.IGNORES_OFFSET ? 0 : (int) Math.min(offset, bytes.length);
    return Optional.of(new ByteArrayInputStream(bytes, from, bytes.length - from));
  }

  @Override
  public Optional<InputStream> open(ArtifactId id, long offset, long length) {
    java.util.Objects.requireNonNull(id, "id");
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative range");
    }
    byte[] bytes = blobs.get(id);
    if (bytes == null) {
      return Optional.empty();
    }
    int from = flaw == Flaw.RANGE_IGNORES_OFFSET ? 0 : (int) Math.min(offset, bytes.length);
    int count = flaw == Flaw.RANGE_READS_TOO_MUCH ? bytes.length - from : (int) Math.min(length, bytes.length - from);
    return Optional.of(new ByteArrayInputStream(bytes, from, count));
  }

  @Override
  public Optional<ReadableByteChannel> openChannel(ArtifactId id, long offset, long length) {
    return open(id, flaw == Flaw.CHANNEL_IGNORES_OFFSET ? 0 : offset, length).map(Channels::newChannel);
  }

  @Override
  public boolean delete(ArtifactId id) {
    boolean existed = blobs.remove(java.util.Objects.requireNonNull(id, "id")) != null;
    return existed || flaw == Flaw.DELETE_LIES;
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.BLOB_LISTING);
  }

  @Override
  public Stream<CommittedBlob> blobs() {
    return List.copyOf(blobs.entrySet()).stream()
        .map(e -> new CommittedBlob(e.getKey(), e.getValue().length, committedAt.get(e.getKey())));
  }

  @Override
  public Stream<ArtifactId> ids() {
    return List.copyOf(blobs.keySet()).stream();
  }
}
