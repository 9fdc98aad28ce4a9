package dev.eden.artifacts.client.internal;

import dev.eden.artifacts.client.ProgressListener;
import dev.eden.artifacts.client.ProgressListener.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * Request bodies for the deposit's {@code file} part. Each streams in fixed-size chunks (nothing is
 * loaded whole) and reports progress. Only the {@code Path} and {@code byte[]} bodies can be written
 * twice; whether OkHttp may replay them is the caller's choice ({@code replayable}).
 */
public final class ArtifactBodies {
  static final int CHUNK = 64 * 1024;

  private ArtifactBodies() {
  }

  /** Streams {@code length} bytes of {@code file}; fails if the file shrinks while sending. */
  public static RequestBody ofFile(Path file, long length, MediaType type, boolean replayable,
      ProgressListener progress) {
    return new Base(type, length, !replayable, progress) {
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
            sink.write(buffer);
            remaining -= read;
            counter.add(read);
          }
        }
      }
    };
  }

  /** Streams the caller's bytes; the array must not change while it is sent. */
  public static RequestBody ofBytes(byte[] bytes, MediaType type, boolean replayable,
      ProgressListener progress) {
    return new Base(type, bytes.length, !replayable, progress) {
      @Override
      void write(BufferedSink sink, Counter counter) throws IOException {
        for (int offset = 0; offset < bytes.length; offset += CHUNK) {
          int count = Math.min(CHUNK, bytes.length - offset);
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
  public static RequestBody ofStream(InputStream in, MediaType type, ProgressListener progress) {
    return new Base(type, -1, true, progress) {
      @Override
      void write(BufferedSink sink, Counter counter) throws IOException {
        byte[] buffer = new byte[CHUNK];
        for (int read; (read = in.read(buffer)) != -1; ) {
          sink.write(buffer, 0, read);
          counter.add(read);
        }
      }
    };
  }

  /** Counts bytes for the progress listener. */
  static final class Counter {
    private final ProgressListener progress;
    private final long total;
    private long sent;

    Counter(ProgressListener progress, long total) {
      this.progress = progress;
      this.total = total;
    }

    void add(long count) {
      sent += count;
      progress.onProgress(Direction.SENT, sent, total);
    }
  }

  private abstract static class Base extends RequestBody {
    private final MediaType type;
    private final long length;
    private final boolean oneShot;
    private final ProgressListener progress;

    Base(MediaType type, long length, boolean oneShot, ProgressListener progress) {
      this.type = type;
      this.length = length;
      this.oneShot = oneShot;
      this.progress = progress;
    }

    abstract void write(BufferedSink sink, Counter counter) throws IOException;

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
      Counter counter = new Counter(progress, length);
      progress.onProgress(Direction.SENT, 0, length);
      write(sink, counter);
    }
  }
}
