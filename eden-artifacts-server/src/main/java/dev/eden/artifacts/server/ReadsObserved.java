package dev.eden.artifacts.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * A view of a channel that reports each read, its count ({@code -1} at the end) or its failure, and
 * never closes the channel: whoever opened it does. Used by one thread.
 */
final class ReadsObserved implements ReadableByteChannel {
  private final ReadableByteChannel source;
  private final IntConsumer onRead;
  private final Consumer<IOException> onFailure;

  ReadsObserved(ReadableByteChannel source, IntConsumer onRead, Consumer<IOException> onFailure) {
    this.source = source;
    this.onRead = onRead;
    this.onFailure = onFailure;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int n;
    try {
      n = source.read(dst);
    } catch (IOException e) {
      onFailure.accept(e);
      throw e;
    }
    onRead.accept(n);
    return n;
  }

  @Override
  public boolean isOpen() {
    return source.isOpen();
  }

  @Override
  public void close() {
    // The source's owner closes it.
  }
}
