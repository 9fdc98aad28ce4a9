package dev.eden.artifacts.server.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A rate in bytes per second as an operator writes it: {@code 50MB}, {@code 1.5GiB/s}, {@code
 * 500kB}, {@code 1000000} (bytes), or {@code unlimited}. Units follow the common convention: kB, MB,
 * GB, TB are powers of 1000 (SI), KiB, MiB, GiB, TiB powers of 1024 (IEC); the prefix letter may
 * be in either case but the {@code B} must be a capital, since {@code b} means bits, which it
 * does not take. A trailing {@code /s} is allowed. Immutable.
 *
 * @param bytesPerSecond at least 1; 0 only for {@link #UNLIMITED}
 */
record ByteRate(long bytesPerSecond) {
  /** No bound. */
  static final ByteRate UNLIMITED = new ByteRate(0);

  private static final String EXAMPLES = "e.g. 50MB, 1GiB, 500kB, 1000000 (bytes) or unlimited";
  private static final Pattern FORM = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z]*)");
  private static final Map<String, Long> PREFIXES = Map.of(
      "", 1L,
      "k", 1_000L, "m", 1_000_000L, "g", 1_000_000_000L, "t", 1_000_000_000_000L,
      "ki", 1L << 10, "mi", 1L << 20, "gi", 1L << 30, "ti", 1L << 40);

  boolean isUnlimited() {
    return bytesPerSecond == 0;
  }

  /**
   * Reads {@code text}.
   *
   * @throws IllegalArgumentException with a message for the operator if it is not a rate of at
   *     least one byte per second
   */
  static ByteRate parse(String text) {
    String rate = text.strip();
    if (rate.equalsIgnoreCase("unlimited")) {
      return UNLIMITED;
    }
    if (rate.endsWith("/s")) {
      rate = rate.substring(0, rate.length() - 2).strip();
    }
    Matcher m = FORM.matcher(rate);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a byte rate (" + EXAMPLES + ")");
    }
    long multiplier = multiplier(m.group(2), text);
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(multiplier))
        .setScale(0, RoundingMode.DOWN);
    if (bytes.signum() == 0) {
      throw new IllegalArgumentException("'" + text + "' is less than one byte per second (unlimited lifts the bound)");
    }
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return new ByteRate(bytes.longValueExact());
  }

  private static long multiplier(String unit, String text) {
    if (unit.isEmpty()) {
      return 1;
    }
    if (unit.endsWith("b")) {
      throw new IllegalArgumentException("'" + text + "': 'b' would be bits; the rate is in bytes, written B (" + EXAMPLES + ")");
    }
    Long multiplier = unit.endsWith("B") ? PREFIXES.get(unit.substring(0, unit.length() - 1).toLowerCase(Locale.ROOT)) : null;
    if (multiplier == null) {
      throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + unit + "' (" + EXAMPLES + ")");
    }
    return multiplier;
  }

  /** {@code 50 MB/s}, {@code 1 MiB/s}, {@code 1234 B/s} or {@code unlimited}. */
  @Override
  public String toString() {
    if (isUnlimited()) {
      return "unlimited";
    }
    for (String unit : new String[] {"TB", "GB", "MB", "kB", "TiB", "GiB", "MiB", "KiB"}) {
      long size = PREFIXES.get(unit.substring(0, unit.length() - 1).toLowerCase(Locale.ROOT));
      if (bytesPerSecond % size == 0) {
        return bytesPerSecond / size + " " + unit + "/s";
      }
    }
    return bytesPerSecond + " B/s";
  }

  /** For picocli: a bad value is a usage error naming the option. */
  static final class Converter implements ITypeConverter<ByteRate> {
    @Override
    public ByteRate convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
