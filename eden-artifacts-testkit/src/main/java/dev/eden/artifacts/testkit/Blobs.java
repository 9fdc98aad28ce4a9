package dev.eden.artifacts.testkit;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.CommittedBlob;
import dev.eden.artifacts.spi.PendingBlob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.io.OutputStream;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Small helpers the contracts use to write and read blobs; public so that backend-specific tests
 * can use them too. Stateless and thread-safe.
 */
public final class Blobs {
  private Blobs() {}

  /** {@code size} deterministic pseudo-random bytes derived from {@code seed}. */
  public static byte[] generated(int size, long seed) {
    byte[] bytes = new byte[size];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  /** The 256 byte values, in order. */
  public static byte[] everyByteValue() {
    byte[] bytes = new byte[256];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    return bytes;
  }

  /** Begins, writes {@code bytes} in one call and commits. */
  public static void commit(ArtifactBackend backend, ArtifactId id, byte[] bytes)
      throws IOException {
    try (PendingBlob blob = backend.begin(id)) {
      blob.output().write(bytes);
      blob.commit();
    }
  }

  /**
   * Begins, writes {@code bytes} in chunks of {@code chunk} bytes (the first byte of each chunk
   * through {@link OutputStream#write(int)}, the rest as an array) and commits.
   */
  public static void commitInChunks(ArtifactBackend backend, ArtifactId id, byte[] bytes, int chunk)
      throws IOException {
    if (chunk < 1) {
      throw new IllegalArgumentException("chunk must be positive: " + chunk);
    }
    try (PendingBlob blob = backend.begin(id)) {
      OutputStream out = blob.output();
      for (int from = 0; from < bytes.length; from += chunk) {
        int len = Math.min(chunk, bytes.length - from);
        out.write(bytes[from]);
        out.write(bytes, from + 1, len - 1);
      }
      blob.commit();
    }
  }

  /** The whole blob from {@code offset}, or empty if {@code backend} has no blob under {@code id}. */
  public static Optional<byte[]> read(ArtifactBackend backend, ArtifactId id, long offset)
      throws IOException {
    Optional<InputStream> in = backend.open(requireNonNull(id, "id"), offset);
    if (in.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream stream = in.get()) {
      return Optional.of(readAll(stream));
    }
  }

  /**
   * The bytes of the ranged open {@code [offset, offset + length)}, or empty if {@code backend}
   * has no blob under {@code id}.
   */
  public static Optional<byte[]> read(ArtifactBackend backend, ArtifactId id, long offset, long length)
      throws IOException {
    Optional<InputStream> in = backend.open(requireNonNull(id, "id"), offset, length);
    if (in.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream stream = in.get()) {
      return Optional.of(readAll(stream));
    }
  }

  /**
   * At most {@code length} bytes read from {@link ArtifactBackend#openChannel} at {@code offset}
   * (fewer if the channel ends first), or empty if {@code backend} holds no blob under {@code id}.
   * Reads with a small, odd buffer and never past {@code length}, as the SPI asks of its callers.
   */
  public static Optional<byte[]> readChannel(ArtifactBackend backend, ArtifactId id, long offset, long length)
      throws IOException {
    Optional<ReadableByteChannel> opened = backend.openChannel(requireNonNull(id, "id"), offset, length);
    if (opened.isEmpty()) {
      return Optional.empty();
    }
    try (ReadableByteChannel channel = opened.get()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(4093);
      for (long remaining = length; remaining > 0; ) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
        int n = channel.read(buffer);
        if (n < 0) {
          break;
        }
        out.write(buffer.array(), 0, n);
        remaining -= n;
      }
      return Optional.of(out.toByteArray());
    }
  }

  /** The whole blob, or empty if absent. */
  public static Optional<byte[]> read(ArtifactBackend backend, ArtifactId id) throws IOException {
    return read(backend, id, 0);
  }

  /**
   * Reads {@code in} to its end with a small, odd buffer (so reads straddle the backend's own
   * buffers) without closing it.
   */
  public static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[4093];
    int n;
    while ((n = in.read(buffer)) != -1) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /** Every blob {@code backend} lists, sorted by id; closes the listing. */
  public static List<CommittedBlob> blobs(ArtifactBackend backend) throws IOException {
    try (Stream<CommittedBlob> blobs = backend.blobs()) {
      return blobs.sorted(Comparator.comparing(CommittedBlob::id)).collect(Collectors.toList());
    }
  }

  /** Every id {@code backend} lists, sorted; closes the listing. */
  public static List<ArtifactId> ids(ArtifactBackend backend) throws IOException {
    try (Stream<ArtifactId> ids = backend.ids()) {
      return ids.sorted().collect(Collectors.toList());
    }
  }
}
