package dev.eden.artifacts.server.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP-dates (RFC 9110 §5.6.7): written as IMF-fixdate, read in all three formats a recipient must
 * accept (IMF-fixdate, the obsolete RFC 850 form and ANSI C's asctime form), always GMT. Stateless.
 */
public final class HttpDates {
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM uuuu HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC).withResolverStyle(ResolverStyle.STRICT);
  private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
      .appendPattern("EEEE, dd-MMM-")
      // "a timestamp that appears to be more than 50 years in the future" is in the past (§5.6.7)
      .appendValueReduced(ChronoField.YEAR, 2, 2, LocalDate.now(ZoneOffset.UTC).minusYears(49))
      .appendPattern(" HH:mm:ss 'GMT'")
      .toFormatter(Locale.US).withZone(ZoneOffset.UTC).withResolverStyle(ResolverStyle.STRICT);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss uuuu", Locale.US)
          .withZone(ZoneOffset.UTC).withResolverStyle(ResolverStyle.STRICT);
  private static final List<DateTimeFormatter> ACCEPTED = List.of(IMF_FIXDATE, RFC_850, ASCTIME);

  private HttpDates() {}

  /** {@code instant} as an IMF-fixdate, truncated to the second. */
  public static String format(Instant instant) {
    return IMF_FIXDATE.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  /** The instant a field value names, or empty if it is not a valid HTTP-date. */
  public static Optional<Instant> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    for (DateTimeFormatter format : ACCEPTED) {
      try {
        return Optional.of(Instant.from(format.parse(value)));
      } catch (DateTimeParseException e) {
        // try the next format
      }
    }
    return Optional.empty();
  }
}
