package dev.eden.artifacts.benchmarks;

import java.util.ArrayList;
import java.util.List;

/** How a multipart upload cuts a file: whole parts of one size, then the rest. */
final class Parts {
  /** S3's limit on the number of parts of one upload. */
  static final int MAX_PARTS = 10_000;

  /**
   * One part.
   *
   * @param number 1-based, as S3 numbers them
   * @param offset where it starts in the file
   * @param length its size in bytes
   */
  record Part(int number, long offset, int length) {}

  private Parts() {}

  /**
   * The parts of {@code size} bytes cut into {@code partSize} pieces, the last one shorter; an
   * empty file is one empty part (S3 needs at least one).
   *
   * @throws IllegalArgumentException for a negative size, a part size that is not positive or
   *     does not fit an int, or more than {@link #MAX_PARTS} parts
   */
  static List<Part> of(long size, long partSize) {
    if (size < 0 || partSize <= 0 || partSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("size " + size + ", part size " + partSize);
    }
    long count = Math.max(1, (size + partSize - 1) / partSize);
    if (count > MAX_PARTS) {
      throw new IllegalArgumentException(size + " bytes in parts of " + partSize + " make " + count
          + " parts; S3 allows " + MAX_PARTS);
    }
    List<Part> parts = new ArrayList<>((int) count);
    for (int i = 0; i < count; i++) {
      long offset = i * partSize;
      parts.add(new Part(i + 1, offset, (int) Math.min(partSize, size - offset)));
    }
    return parts;
  }
}
