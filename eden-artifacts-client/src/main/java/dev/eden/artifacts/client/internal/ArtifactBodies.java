package dev.eden.artifacts.client.internal;

import dev.eden.artifacts.client.ProgressListener;
import dev.eden.artifacts.client.ProgressListener.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * Request bodies for the deposit's {@code file} part. Each streams in fixed-size chunks (nothing is
 * loaded whole), reports progress and, when asked, hashes what it writes
 * ({@link ArtifactBody#sentSha256()}). Only the {@code Path} and {@code byte[]} bodies can be
 * written twice; whether OkHttp may replay them is the caller's choice ({@code replayable}).
 */
public final class ArtifactBodies {
  static final int CHUNK = 64 * 1024;

  private ArtifactBodies() {
  }

  /** Streams {@code length} bytes of {@code file}; fails if the file shrinks while sending. */
  public static ArtifactBody ofFile(Path file, long length, MediaType type, boolean replayable,
      boolean hash, ProgressListener progress) {
    return new ArtifactBody(type, length, !replayable, hash, progress) {
      @Override
      void write(BufferedSink sink, Counter counter) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
          ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
          long remaining = length;
          while (remaining > 0) {
            buffer.clear().limit((int) Math.min(CHUNK, remaining));
            int read = channel.read(buffer);
            if (read < 0) {
              throw new IOException("file shrank while it was being sent: " + file.getFileName()
                  + " had " + length + " bytes, " + remaining + " are missing");
            }
            buffer.flip();
            counter.hash(buffer.duplicate());
            sink.write(buffer);
            remaining -= read;
            counter.add(read);
          }
        }
      }
    };
  }

  /**
   * Streams the caller's bytes; the array must not change while it is sent. They are not hashed
   * again: {@code sha256} (lowercase hex, computed by the caller) is what
   * {@link ArtifactBody#sentSha256()} reports once they were written; {@code null} for none.
   */
  public static ArtifactBody ofBytes(byte[] bytes, String sha256, MediaType type,
      boolean replayable, ProgressListener progress) {
    return new ArtifactBody(type, bytes.length, !replayable, sha256, progress) {
      @Override
      void write(BufferedSink sink, Counter counter) throws IOException {
        for (int offset = 0; offset < bytes.length; offset += CHUNK) {
          int count = Math.min(CHUNK, bytes.length - offset);
          counter.hash(bytes, offset, count);
          sink.write(bytes, offset, count);
          counter.add(count);
        }
      }
    };
  }

  /**
   * Streams {@code in} to its end, with unknown length (chunked transfer encoding). One-shot: OkHttp
   * never replays it. The stream is read, never closed: its owner closes it.
   */
  public static ArtifactBody ofStream(InputStream in, MediaType type, boolean hash,
      ProgressListener progress) {
    return new ArtifactBody(type, -1, true, hash, progress) {
      @Override
      void write(BufferedSink sink, Counter counter) throws IOException {
        byte[] buffer = new byte[CHUNK];
        for (int read; (read = in.read(buffer)) != -1; ) {
          counter.hash(buffer, 0, read);
          sink.write(buffer, 0, read);
          counter.add(read);
        }
      }
    };
  }

  /** Counts bytes for the progress listener and hashes them. */
  static final class Counter {
    private final ProgressListener progress;
    private final long total;
    private final MessageDigest digest;
    private long sent;

    Counter(ProgressListener progress, long total, MessageDigest digest) {
      this.progress = progress;
      this.total = total;
      this.digest = digest;
    }

    /** Before the bytes are written (a written buffer is consumed). */
    void hash(byte[] bytes, int offset, int count) {
      if (digest != null) {
        digest.update(bytes, offset, count);
      }
    }

    /** Consumes {@code bytes}. */
    void hash(ByteBuffer bytes) {
      if (digest != null) {
        digest.update(bytes);
      }
    }

    /** After the bytes were written. */
    void add(long count) {
      sent += count;
      progress.onProgress(Direction.SENT, sent, total);
    }
  }

  /**
   * The artifact's bytes as the body of the {@code file} part. Written on the thread that runs the
   * call; {@link #sentSha256()} is read on that thread once the answer arrived.
   */
  public abstract static class ArtifactBody extends RequestBody {
    private final MediaType type;
    private final long length;
    private final boolean oneShot;
    private final boolean hash;
    /** The digest of bytes known in advance, or {@code null}: hash them while writing. */
    private final String knownSha256;
    private final ProgressListener progress;
    private volatile String sentSha256;

    ArtifactBody(MediaType type, long length, boolean oneShot, boolean hash,
        ProgressListener progress) {
      this(type, length, oneShot, hash, null, progress);
    }

    /** For bytes whose digest is already known ({@code null}: no digest): nothing is hashed. */
    ArtifactBody(MediaType type, long length, boolean oneShot, String knownSha256,
        ProgressListener progress) {
      this(type, length, oneShot, false, knownSha256, progress);
    }

    private ArtifactBody(MediaType type, long length, boolean oneShot, boolean hash,
        String knownSha256, ProgressListener progress) {
      this.type = type;
      this.length = length;
      this.oneShot = oneShot;
      this.hash = hash;
      this.knownSha256 = knownSha256;
      this.progress = progress;
    }

    abstract void write(BufferedSink sink, Counter counter) throws IOException;

    /**
     * The SHA-256 (lowercase hex) of the bytes the last complete write sent, or {@code null} if no
     * write completed or hashing was not asked for.
     */
    public String sentSha256() {
      return sentSha256;
    }

    @Override
    public MediaType contentType() {
      return type;
    }

    @Override
    public long contentLength() {
      return length;
    }

    @Override
    public boolean isOneShot() {
      return oneShot;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      sentSha256 = null;
      MessageDigest digest = hash ? Sha256.newDigest() : null;
      Counter counter = new Counter(progress, length, digest);
      progress.onProgress(Direction.SENT, 0, length);
      write(sink, counter);
      if (digest != null) {
        sentSha256 = HexFormat.of().formatHex(digest.digest());
      } else if (knownSha256 != null) {
        sentSha256 = knownSha256;
      }
    }
  }
}
