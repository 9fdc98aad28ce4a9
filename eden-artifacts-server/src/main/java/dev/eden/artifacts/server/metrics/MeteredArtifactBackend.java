package dev.eden.artifacts.server.metrics;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.CommittedBlob;
import dev.eden.artifacts.spi.PendingBlob;
import dev.eden.artifacts.spi.PendingLeftover;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A backend that counts its delegate's failures by call: {@code begin}, {@code write}, {@code
 * commit}, {@code abort}, {@code open}, {@code read}, {@code delete}, {@code list} ({@code ids},
 * {@code blobs}), {@code sweep} (the stale-pending calls).
 * Everything else is the delegate's, unchanged; every method of {@link ArtifactBackend} is forwarded
 * (a default method left to its default here would bypass the delegate). A failure met while a
 * listing stream is consumed is not counted. Thread-safe if the delegate is.
 */
final class MeteredArtifactBackend implements ArtifactBackend {
  /** The names of the calls, as counted. */
  static final Set<String> CALLS =
      Set.of("begin", "write", "commit", "abort", "open", "read", "delete", "list", "sweep");

  private final ArtifactBackend delegate;
  private final StorageCalls calls;

  MeteredArtifactBackend(ArtifactBackend delegate, StorageCalls calls) {
    this.delegate = delegate;
    this.calls = calls;
  }

  @Override
  public PendingBlob begin(ArtifactId id) throws IOException {
    return new MeteredPendingBlob(calls.call("begin", () -> delegate.begin(id)));
  }

  @Override
  public Optional<InputStream> open(ArtifactId id, long offset) throws IOException {
    return calls.call("open", () -> delegate.open(id, offset)).map(in -> calls.reading("read", in));
  }

  @Override
  public Optional<InputStream> open(ArtifactId id, long offset, long length) throws IOException {
    return calls.call("open", () -> delegate.open(id, offset, length)).map(in -> calls.reading("read", in));
  }

  /**
   * The backend's own channel, so a file's stays a {@link FileChannel} the server can send without
   * reading it; then only a failing open counts, as nothing reads it. Any other channel counts its
   * read failures.
   */
  @Override
  public Optional<ReadableByteChannel> openChannel(ArtifactId id, long offset, long length) throws IOException {
    return calls.call("open", () -> delegate.openChannel(id, offset, length))
        .map(channel -> channel instanceof FileChannel ? channel : calls.reading("read", channel));
  }

  @Override
  public boolean delete(ArtifactId id) throws IOException {
    return calls.call("delete", () -> delegate.delete(id));
  }

  @Override
  public Stream<ArtifactId> ids() throws IOException {
    return calls.call("list", delegate::ids);
  }

  @Override
  public Set<Capability> capabilities() {
    return delegate.capabilities();
  }

  @Override
  public Stream<CommittedBlob> blobs() throws IOException {
    return calls.call("list", delegate::blobs);
  }

  @Override
  public Stream<PendingLeftover> stalePending(Duration olderThan) throws IOException {
    return calls.call("sweep", () -> delegate.stalePending(olderThan));
  }

  @Override
  public boolean removeStalePending(PendingLeftover leftover) throws IOException {
    return calls.call("sweep", () -> delegate.removeStalePending(leftover));
  }

  @Override
  public int sweepStalePending(Duration olderThan) throws IOException {
    return calls.call("sweep", () -> delegate.sweepStalePending(olderThan));
  }

  @Override
  public String toString() {
    return delegate.toString();
  }

  private final class MeteredPendingBlob implements PendingBlob {
    private final PendingBlob blob;
    private final OutputStream output;

    MeteredPendingBlob(PendingBlob blob) {
      this.blob = blob;
      this.output = calls.writing("write", blob.output());
    }

    @Override
    public ArtifactId id() {
      return blob.id();
    }

    @Override
    public OutputStream output() {
      return output;
    }

    @Override
    public void commit() throws IOException {
      calls.run("commit", blob::commit);
    }

    @Override
    public void abort() throws IOException {
      calls.run("abort", blob::abort);
    }

    @Override
    public void close() throws IOException {
      calls.run("abort", blob::close);
    }
  }
}
