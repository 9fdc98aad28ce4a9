package dev.eden.artifacts.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.server.internal.ByteRanges.Kind;
import dev.eden.artifacts.server.internal.ByteRanges.Selection;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ByteRangesTest {

  @Test
  void theThreeFormsOfASingleRange() {
    assertThat(select("bytes=0-499", 1000)).isEqualTo(new Selection(Kind.PARTIAL, 0, 500));
    assertThat(select("bytes=500-", 1000)).isEqualTo(new Selection(Kind.PARTIAL, 500, 500));
    assertThat(select("bytes=-200", 1000)).isEqualTo(new Selection(Kind.PARTIAL, 800, 200));
    assertThat(select("bytes=-2000", 1000)).isEqualTo(new Selection(Kind.PARTIAL, 0, 1000));
    assertThat(select("bytes=990-5000", 1000)).isEqualTo(new Selection(Kind.PARTIAL, 990, 10));
  }

  @Test
  void contentRangeNamesTheSliceOrOnlyTheSize() {
    assertThat(select("bytes=10-19", 1000).contentRange(1000)).isEqualTo("bytes 10-19/1000");
    assertThat(select("bytes=1000-", 1000).contentRange(1000)).isEqualTo("bytes */1000");
  }

  @Test
  void unsatisfiableRanges() {
    assertThat(select("bytes=1000-", 1000).kind()).isEqualTo(Kind.UNSATISFIABLE);
    assertThat(select("bytes=-0", 1000).kind()).isEqualTo(Kind.UNSATISFIABLE);
    assertThat(select("bytes=0-", 0).kind()).isEqualTo(Kind.UNSATISFIABLE);
    assertThat(select("bytes=92233720368547758070-", 1000).kind()).isEqualTo(Kind.UNSATISFIABLE);
  }

  @Test
  void whatIsNotOneValidByteRangeSelectsTheWhole() {
    for (String value : List.of("bytes=0-1,3-4", "bytes=5-4", "bytes=", "bytes=-", "bytes=a-b", "bytes=1-2-3",
        "lines=0-1", "bytes 0-1", "bytes=+0-1", "bytes=0-+1", "", "bytes=\u0661-2")) {
      assertThat(select(value, 1000)).as(value).isEqualTo(new Selection(Kind.WHOLE, 0, 1000));
    }
    assertThat(ByteRanges.select(List.of("bytes=0-1", "bytes=0-1"), 1000).kind()).isEqualTo(Kind.WHOLE);
    assertThat(select("bytes=-5", 0)).isEqualTo(new Selection(Kind.WHOLE, 0, 0));
  }

  @Test
  void emptyListElementsAndTheUnitsCaseAreTolerated() {
    assertThat(select("BYTES= , 3-4 ,", 10)).isEqualTo(new Selection(Kind.PARTIAL, 3, 2));
  }

  /** Any int-range, however long its digits, agrees with exact arithmetic (RFC 9110 §14.1.2). */
  @Property
  void intRangesAgreeWithExactArithmetic(
      @ForAll @NumericChars @StringLength(min = 1, max = 25) String first,
      @ForAll @NumericChars @StringLength(min = 0, max = 25) String last,
      @ForAll @LongRange(min = 0, max = 1L << 40) long size) {
    Selection selection = select("bytes=" + first + "-" + last, size);
    BigInteger f = new BigInteger(first);
    BigInteger l = last.isEmpty() ? null : new BigInteger(last);
    BigInteger n = BigInteger.valueOf(size);
    if (l != null && l.compareTo(f) < 0) {
      assertThat(selection.kind()).isEqualTo(Kind.WHOLE);
    } else if (f.compareTo(n) >= 0) {
      assertThat(selection.kind()).isEqualTo(Kind.UNSATISFIABLE);
    } else {
      BigInteger end = l == null ? n.subtract(BigInteger.ONE) : l.min(n.subtract(BigInteger.ONE));
      assertThat(selection).isEqualTo(
          new Selection(Kind.PARTIAL, f.longValueExact(), end.subtract(f).add(BigInteger.ONE).longValueExact()));
    }
  }

  /** Any suffix-range selects the last min(n, size) bytes, or nothing satisfiable for 0. */
  @Property
  void suffixRangesAgreeWithExactArithmetic(
      @ForAll @NumericChars @StringLength(min = 1, max = 25) String suffix,
      @ForAll @LongRange(min = 1, max = 1L << 40) long size) {
    Selection selection = select("bytes=-" + suffix, size);
    BigInteger s = new BigInteger(suffix);
    if (s.signum() == 0) {
      assertThat(selection.kind()).isEqualTo(Kind.UNSATISFIABLE);
    } else {
      long length = s.min(BigInteger.valueOf(size)).longValueExact();
      assertThat(selection).isEqualTo(new Selection(Kind.PARTIAL, size - length, length));
    }
  }

  private static Selection select(String value, long size) {
    return ByteRanges.select(List.of(value), size);
  }
}
