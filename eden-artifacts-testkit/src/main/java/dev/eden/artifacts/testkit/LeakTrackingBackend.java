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
import java.nio.channels.Channel;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Wraps a backend and remembers everything it hands out that its caller must release: every stream
 * from {@code open}, {@link #ids()} and {@link #blobs()} and every channel from {@link #openChannel}
 * until it is closed, and every pending blob until it is committed (successfully or not), aborted or
 * closed. {@link #assertNoLeaks()} then
 * proves that the code under test released them all — the ownership rules of {@link
 * ArtifactBackend} (whoever opens a stream closes it). Otherwise it behaves exactly like the
 * backend it wraps, including the ranged open, the backend's own kind of channel (a file backend's
 * {@code FileChannel} stays one) and the capabilities it declares.
 *
 * <pre>{@code
 * LeakTrackingBackend backend = new LeakTrackingBackend(new InMemoryArtifactBackend());
 * ArtifactService service = ArtifactService.builder().backend(backend).store(store).build();
 * // ... deposits and fetches, including failing ones ...
 * backend.assertNoLeaks();
 * }</pre>
 *
 * <p>The contracts ({@link ArtifactBackendContract}) run every backend through this wrapper.
 * Thread-safe.
 */
public final class LeakTrackingBackend implements ArtifactBackend {
  private final ArtifactBackend delegate;
  private final Set<Held> held = ConcurrentHashMap.newKeySet();

  /** Wraps {@code delegate}, which stays owned by the caller. */
  public LeakTrackingBackend(ArtifactBackend delegate) {
    this.delegate = requireNonNull(delegate, "delegate");
  }

  /**
   * What is still held, one line each ({@code "stream from open(<id>, 0, 10)"}), in no particular
   * order; empty when everything was released.
   */
  public List<String> leaks() {
    return stillHeld().stream().map(h -> h.what).sorted().collect(Collectors.toList());
  }

  private List<Held> stillHeld() {
    held.removeIf(h -> h.channel != null && !h.channel.isOpen());
    return List.copyOf(held);
  }

  /**
   * @throws AssertionError naming every unreleased stream and pending blob, with the stack trace of
   *     where the first one was handed out as its cause
   */
  public void assertNoLeaks() {
    List<Held> now = stillHeld();
    if (!now.isEmpty()) {
      throw new AssertionError("not released: " + leaks(), now.get(0).handedOutAt);
    }
  }

  private Held hold(String what) {
    return hold(what, null);
  }

  private Held hold(String what, Channel channel) {
    Held h = new Held(what, channel);
    held.add(h);
    return h;
  }

  @Override
  public PendingBlob begin(ArtifactId id) throws IOException {
    PendingBlob real = delegate.begin(id);
    Held h = hold("pending blob " + id);
    return new PendingBlob() {
      @Override
      public ArtifactId id() {
        return real.id();
      }

      @Override
      public OutputStream output() {
        return real.output();
      }

      @Override
      public void commit() throws IOException {
        try {
          real.commit();
        } finally {
          held.remove(h); // a failed commit discards the blob too (see PendingBlob#commit)
        }
      }

      @Override
      public void abort() throws IOException {
        held.remove(h);
        real.abort();
      }

      @Override
      public void close() throws IOException {
        held.remove(h);
        real.close();
      }
    };
  }

  @Override
  public Optional<InputStream> open(ArtifactId id, long offset) throws IOException {
    return tracked(delegate.open(id, offset), "open(" + id + ", " + offset + ")");
  }

  @Override
  public Optional<InputStream> open(ArtifactId id, long offset, long length) throws IOException {
    return tracked(delegate.open(id, offset, length), "open(" + id + ", " + offset + ", " + length + ")");
  }

  private Optional<InputStream> tracked(Optional<InputStream> opened, String call) {
    return opened.map(in -> {
      Held h = hold("stream from " + call);
      return new FilterInputStream(in) {
        @Override
        public void close() throws IOException {
          held.remove(h);
          super.close();
        }
      };
    });
  }

  /**
   * The delegate's own channel, unwrapped (a server may send a {@code FileChannel} without reading
   * it), held until it reports itself closed.
   */
  @Override
  public Optional<ReadableByteChannel> openChannel(ArtifactId id, long offset, long length) throws IOException {
    Optional<ReadableByteChannel> opened = delegate.openChannel(id, offset, length);
    opened.ifPresent(channel -> hold("channel from openChannel(" + id + ", " + offset + ", " + length + ")", channel));
    return opened;
  }

  @Override
  public boolean delete(ArtifactId id) throws IOException {
    return delegate.delete(id);
  }

  @Override
  public Stream<ArtifactId> ids() throws IOException {
    return tracked(delegate.ids(), "ids()");
  }

  @Override
  public Set<Capability> capabilities() {
    return delegate.capabilities();
  }

  @Override
  public Stream<CommittedBlob> blobs() throws IOException {
    return tracked(delegate.blobs(), "blobs()");
  }

  private <T> Stream<T> tracked(Stream<T> stream, String call) {
    Held h = hold("stream from " + call);
    return stream.onClose(() -> held.remove(h));
  }

  @Override
  public Stream<PendingLeftover> stalePending(Duration olderThan) throws IOException {
    return tracked(delegate.stalePending(olderThan), "stalePending()");
  }

  @Override
  public boolean removeStalePending(PendingLeftover leftover) throws IOException {
    return delegate.removeStalePending(leftover);
  }

  @Override
  public String toString() {
    return "LeakTrackingBackend[" + delegate + "]";
  }

  /** One thing handed out; identity matters, so equal descriptions stay distinct. */
  private static final class Held {
    final String what;
    final Channel channel; // null: released by an explicit call, not by closing a channel
    final Throwable handedOutAt;

    Held(String what, Channel channel) {
      this.what = what;
      this.channel = channel;
      this.handedOutAt = new Throwable("handed out here: " + what);
    }
  }
}
