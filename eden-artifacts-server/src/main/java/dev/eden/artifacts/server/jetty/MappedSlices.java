package dev.eden.artifacts.server.jetty;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maps read-only slices of blob files within a budget of mapped bytes. A mapping is undone only
 * when the garbage collector finds its buffer unreachable, and a server that sends large files
 * allocates little, so without a bound every slice sent since the last collection would stay
 * mapped (6 GiB of resident file pages after six 1 GiB fetches at {@code -Xmx64m}, all gone at the
 * next collection). Each slice counts against the budget until its buffer is collected; while the
 * budget is spent, {@link #map} answers empty and the caller sends through a buffer instead.
 * Thread-safe.
 */
final class MappedSlices {
  private static final Cleaner COLLECTED = Cleaner.create();

  private final long budget;
  private final AtomicLong mapped = new AtomicLong();
  private final AtomicLong slicesMapped = new AtomicLong();

  /** @param budget the most bytes mapped and not yet collected, {@code >= 0} */
  MappedSlices(long budget) {
    if (budget < 0) {
      throw new IllegalArgumentException("budget must not be negative: " + budget);
    }
    this.budget = budget;
  }

  /**
   * {@code size} bytes of {@code file} from {@code position}, mapped read-only; empty while the
   * budget is spent.
   */
  Optional<MappedByteBuffer> map(FileChannel file, long position, long size) throws IOException {
    if (mapped.addAndGet(size) > budget) {
      mapped.addAndGet(-size);
      return Optional.empty();
    }
    try {
      MappedByteBuffer slice = file.map(FileChannel.MapMode.READ_ONLY, position, size);
      COLLECTED.register(slice, () -> mapped.addAndGet(-size));
      slicesMapped.incrementAndGet();
      return Optional.of(slice);
    } catch (IOException | RuntimeException e) {
      mapped.addAndGet(-size);
      throw e;
    }
  }

  /** Bytes mapped and not yet collected, for tests. */
  long mapped() {
    return mapped.get();
  }

  /** How many slices were ever mapped, for tests. */
  long slicesMapped() {
    return slicesMapped.get();
  }
}
