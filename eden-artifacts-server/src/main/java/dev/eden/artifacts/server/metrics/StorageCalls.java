package dev.eden.artifacts.server.metrics;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.function.Consumer;

/**
 * Runs calls into a blob backend or metadata store and reports each one that fails, by the name
 * of the call, to {@code failed}. An {@link UnsupportedOperationException} (a capability the
 * storage does not have) is no storage failure and is not reported. Thread-safe if {@code failed}
 * is.
 */
final class StorageCalls {
  /** One call into storage. */
  @FunctionalInterface
  interface Call<T> {
    T run() throws IOException;
  }

  /** One call into storage without a result. */
  @FunctionalInterface
  interface VoidCall {
    void run() throws IOException;
  }

  private final Consumer<String> failed;

  StorageCalls(Consumer<String> failed) {
    this.failed = failed;
  }

  <T> T call(String name, Call<T> call) throws IOException {
    try {
      return call.run();
    } catch (UnsupportedOperationException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      failed.accept(name);
      throw e;
    }
  }

  void run(String name, VoidCall call) throws IOException {
    call(name, () -> {
      call.run();
      return null;
    });
  }

  /** {@code in}, whose read failures are reported as {@code name}. */
  InputStream reading(String name, InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        return call(name, super::read);
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return call(name, () -> super.read(b, off, len));
      }

      @Override
      public long skip(long n) throws IOException {
        return call(name, () -> super.skip(n));
      }
    };
  }

  /** {@code channel}, whose read failures are reported as {@code name}; closing it closes {@code channel}. */
  ReadableByteChannel reading(String name, ReadableByteChannel channel) {
    return new ReadableByteChannel() {
      @Override
      public int read(ByteBuffer dst) throws IOException {
        return call(name, () -> channel.read(dst));
      }

      @Override
      public boolean isOpen() {
        return channel.isOpen();
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }

  /** {@code out}, whose write failures are reported as {@code name}. */
  OutputStream writing(String name, OutputStream out) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        StorageCalls.this.run(name, () -> out.write(b));
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        StorageCalls.this.run(name, () -> out.write(b, off, len));
      }

      @Override
      public void flush() throws IOException {
        StorageCalls.this.run(name, out::flush);
      }

      @Override
      public void close() throws IOException {
        StorageCalls.this.run(name, out::close);
      }
    };
  }
}
