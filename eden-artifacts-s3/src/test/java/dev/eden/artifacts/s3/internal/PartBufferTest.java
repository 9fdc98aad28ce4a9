package dev.eden.artifacts.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.testkit.Blobs;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** How {@link PartBuffer} grows, fills, reads back and releases. */
class PartBufferTest {

  @Test
  void growsInDoublingChunksAndNeverPastThePart() throws Exception {
    int part = 5 * 1024 * 1024;
    BufferBudget budget = new BufferBudget(part, part);
    PartBuffer buffer = new PartBuffer(budget.newHolder(), part);
    buffer.write(new byte[1], 0, 1);
    assertThat(budget.reservedBytes()).isEqualTo(8 * 1024);
    byte[] bytes = Blobs.generated(part + 100, 1);
    int taken = 1;
    while (taken < bytes.length) {
      int n = buffer.write(bytes, taken, Math.min(7777, bytes.length - taken));
      if (n == 0) {
        break;
      }
      taken += n;
    }
    assertThat(taken).isEqualTo(part);
    assertThat(buffer.isFull()).isTrue();
    assertThat(budget.reservedBytes()).isEqualTo(part);
    assertThat(buffer.write(bytes, 0, 10)).isZero();
    byte[] expected = Arrays.copyOf(bytes, part);
    expected[0] = 0;
    assertThat(readAll(buffer.newInputStream())).isEqualTo(expected);
    assertThat(readAll(buffer.newInputStream())).as("every stream starts afresh").isEqualTo(expected);
    buffer.clear();
    assertThat(budget.reservedBytes()).isZero();
    assertThat(buffer.size()).isZero();
  }

  @Test
  void aSmallBlobHoldsOneSmallChunk() throws Exception {
    BufferBudget budget = new BufferBudget(10 << 20, 5 << 20);
    PartBuffer buffer = new PartBuffer(budget.newHolder(), 5 << 20);
    byte[] bytes = Blobs.generated(4096, 2);
    assertThat(buffer.write(bytes, 0, bytes.length)).isEqualTo(4096);
    assertThat(budget.reservedBytes()).isEqualTo(8192);
    InputStream in = buffer.newInputStream();
    assertThat(in.read()).isEqualTo(bytes[0] & 0xff);
    assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, 1, 4096));
    assertThat(in.read()).isEqualTo(-1);
  }

  private static byte[] readAll(InputStream in) throws Exception {
    return in.readAllBytes();
  }
}
