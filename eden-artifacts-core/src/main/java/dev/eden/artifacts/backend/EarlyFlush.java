package dev.eden.artifacts.backend;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts writing a blob's bytes to disk while the rest of them still arrive. Without it the kernel
 * may keep a whole upload dirty in the page cache, and the fsync at commit pays for all of it at
 * once, after the last byte; with it the disk works while the request thread parses and hashes,
 * and the commit only flushes the tail. Advisory only: durability still comes from the fsync at
 * commit, which also reports any real write failure, so a failed early flush is ignored (it also
 * fails harmlessly when an abort closes the channel under it). One per pending blob, used by its
 * writing thread; at most one flush of a blob is in flight at a time.
 */
final class EarlyFlush {
  /** How many bytes may be written between two early flushes. */
  static final long EVERY_BYTES = 16L * 1024 * 1024;

  private static final ExecutorService FLUSHERS = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "eden-blob-flush");
    thread.setDaemon(true);
    return thread;
  });

  private final FileChannel channel;
  private long unflushed;
  private Future<?> inFlight;

  EarlyFlush(FileChannel channel) {
    this.channel = channel;
  }

  /** Records that {@code bytes} more were written; starts a flush once enough have piled up. */
  void wrote(long bytes) {
    unflushed += bytes;
    if (unflushed >= EVERY_BYTES && (inFlight == null || inFlight.isDone())) {
      unflushed = 0;
      inFlight = FLUSHERS.submit(this::flush);
    }
  }

  private void flush() {
    try {
      channel.force(false);
    } catch (IOException e) {
      // Advisory: the commit's own fsync reports real failures; an abort closes the channel.
    }
  }
}
