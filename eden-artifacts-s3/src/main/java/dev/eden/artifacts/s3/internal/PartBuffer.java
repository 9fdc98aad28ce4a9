package dev.eden.artifacts.s3.internal;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of one part being collected, in heap chunks that are reserved from a {@link
 * BufferBudget} before they are allocated. Chunks grow from 8 KiB, doubling up to 1 MiB, so a
 * small blob holds little (a 4 KiB blob holds 8 KiB) and a large one wastes at most one chunk.
 * The capacity never exceeds the part size. Used by one thread at a time.
 */
public final class PartBuffer {
  static final int FIRST_CHUNK = 8 * 1024;
  static final int LARGEST_CHUNK = 1024 * 1024;

  private final BufferBudget.Holder holder;
  private final long partSize;
  private final List<byte[]> chunks = new ArrayList<>();
  private long capacity;
  private long size;

  /**
   * @param holder this buffer's share of the budget; the buffer releases it in {@link #clear()}
   * @param partSize the most bytes the buffer holds
   */
  public PartBuffer(BufferBudget.Holder holder, long partSize) {
    this.holder = holder;
    this.partSize = partSize;
  }

  /** Bytes collected. */
  public long size() {
    return size;
  }

  /** Whether the buffer holds a whole part and takes no more bytes. */
  public boolean isFull() {
    return size == partSize;
  }

  /**
   * Copies as many of {@code b[off, off + len)} as fit, growing the buffer (which may wait for the
   * budget).
   *
   * @return how many bytes were taken; {@code 0} only if {@code len} is {@code 0} or the buffer is
   *     full
   * @throws InterruptedIOException if interrupted while waiting for the budget
   */
  public int write(byte[] b, int off, int len) throws InterruptedIOException {
    if (len == 0 || isFull()) {
      return 0;
    }
    if (size == capacity) {
      grow();
    }
    byte[] last = chunks.get(chunks.size() - 1);
    int used = (int) (last.length - (capacity - size));
    int n = Math.min(len, last.length - used);
    System.arraycopy(b, off, last, used, n);
    size += n;
    return n;
  }

  private void grow() throws InterruptedIOException {
    long next = chunks.isEmpty()
        ? FIRST_CHUNK
        : Math.min(LARGEST_CHUNK, 2L * chunks.get(chunks.size() - 1).length);
    next = Math.min(next, partSize - capacity);
    holder.acquire(next); // reserve first, then allocate: the heap stays within the budget
    chunks.add(new byte[(int) next]);
    capacity += next;
  }

  /**
   * A fresh stream over the bytes collected so far; it reads the chunks in place, so it must not
   * be read after {@link #clear()} (the SDK reads it, once per attempt, during the request).
   */
  public InputStream newInputStream() {
    List<byte[]> view = List.copyOf(chunks);
    long end = size;
    return new InputStream() {
      private int chunk; // index into view
      private int inChunk; // position within view.get(chunk)
      private long position;

      @Override
      public int read() {
        if (position >= end) {
          return -1;
        }
        advance();
        position++;
        return view.get(chunk)[inChunk++] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        if (position >= end) {
          return -1;
        }
        int total = 0;
        while (len > 0 && position < end) {
          advance();
          byte[] current = view.get(chunk);
          int n = (int) Math.min(Math.min(len, current.length - inChunk), end - position);
          System.arraycopy(current, inChunk, b, off, n);
          inChunk += n;
          position += n;
          off += n;
          len -= n;
          total += n;
        }
        return total;
      }

      /** Moves to the next chunk when the current one is used up; only while bytes are left. */
      private void advance() {
        if (inChunk == view.get(chunk).length) {
          chunk++;
          inChunk = 0;
        }
      }

      @Override
      public int available() {
        return (int) Math.min(Integer.MAX_VALUE, end - position);
      }
    };
  }

  /** Drops the bytes and releases the reservation. The buffer can be filled again. */
  public void clear() {
    chunks.clear();
    capacity = 0;
    size = 0;
    holder.releaseAll();
  }
}
