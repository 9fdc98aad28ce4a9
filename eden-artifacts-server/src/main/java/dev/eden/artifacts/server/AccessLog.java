package dev.eden.artifacts.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per exchange, at {@code INFO} on the SLF4J logger {@value #LOGGER_NAME}, in one of two
 * formats. Both carry the same fields: when the exchange ended (UTC, milliseconds), the method, the
 * {@linkplain ExchangeEvent#path() path with its query}, the status, the body bytes read and written,
 * the duration in milliseconds (three decimals), the authenticated principal, and the incident id
 * of an internal failure.
 *
 * <pre>
 * 2025-06-01T09:30:00.123Z POST /v0/experiments/exp_…/artifacts 201 bytes_in=1234 bytes_out=118 duration_ms=8.214 principal=wkr_…
 * {"timestamp":"2025-06-01T09:30:00.123Z","method":"POST","path":"/v0/experiments/exp_…/artifacts","status":201,"bytes_in":1234,"bytes_out":118,"duration_ms":8.214,"principal":"wkr_…"}
 * </pre>
 *
 * <p>Text: fields separated by one space; an unauthenticated exchange has {@code principal=-}; a
 * 500 ends with {@code incident=ID}. Any byte of the method or path outside printable ASCII, and a
 * space, is written as {@code %XX}, so a line is always one line of space-free fields. JSON: one
 * object per line written by Jackson, with exactly the keys {@code timestamp}, {@code method},
 * {@code path}, {@code status}, {@code bytes_in}, {@code bytes_out}, {@code duration_ms}, {@code
 * principal} (null when unauthenticated) and, on an internal failure only, {@code incident}.
 *
 * <p>No line holds a request header: never an {@code Authorization} value. The runnable server
 * writes this logger, and only it, to standard output. Thread-safe.
 */
public final class AccessLog implements ExchangeListener {
  /** The SLF4J logger the lines go to. */
  public static final String LOGGER_NAME = "dev.eden.artifacts.server.access";

  /** How a line is written. */
  public enum Format {
    /** {@code key=value} fields after the timestamp, method, path and status. */
    TEXT,
    /** One JSON object per line. */
    JSON
  }

  private static final JsonFactory JSON = new JsonFactory();
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final Format format;
  private final Consumer<String> sink;
  private final Clock clock;

  AccessLog(Format format, Consumer<String> sink, Clock clock) {
    this.format = requireNonNull(format, "format");
    this.sink = requireNonNull(sink, "sink");
    this.clock = requireNonNull(clock, "clock");
  }

  /** Lines in {@code format} to the logger {@value #LOGGER_NAME}. */
  public static AccessLog to(Format format) {
    Logger logger = LoggerFactory.getLogger(LOGGER_NAME);
    return new AccessLog(format, logger::info, Clock.systemUTC());
  }

  public Format format() {
    return format;
  }

  @Override
  public void exchangeFinished(ExchangeEvent event) {
    sink.accept(line(event));
  }

  /** The line for {@code event}, without a line break. */
  String line(ExchangeEvent event) {
    String timestamp = TIMESTAMP.format(clock.instant());
    BigDecimal millis = BigDecimal.valueOf(event.durationNanos(), 6).setScale(3, RoundingMode.HALF_UP);
    return format == Format.JSON ? json(event, timestamp, millis) : text(event, timestamp, millis);
  }

  private static String text(ExchangeEvent event, String timestamp, BigDecimal millis) {
    StringBuilder line = new StringBuilder(160)
        .append(timestamp).append(' ');
    token(line, event.method()).append(' ');
    token(line, event.path()).append(' ')
        .append(event.status())
        .append(" bytes_in=").append(event.bytesIn())
        .append(" bytes_out=").append(event.bytesOut())
        .append(" duration_ms=").append(millis.toPlainString())
        .append(" principal=");
    if (event.principal() == null) {
      line.append('-');
    } else {
      token(line, event.principal());
    }
    if (event.incident() != null) {
      token(line.append(" incident="), event.incident());
    }
    return line.toString();
  }

  /** Appends {@code value} with every byte outside printable ASCII, and space, as {@code %XX}. */
  private static StringBuilder token(StringBuilder line, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      if (b > 0x20 && b < 0x7f) {
        line.append((char) b);
      } else {
        line.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    return line;
  }

  private static String json(ExchangeEvent event, String timestamp, BigDecimal millis) {
    StringWriter out = new StringWriter(200);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("timestamp", timestamp);
      json.writeStringField("method", event.method());
      json.writeStringField("path", event.path());
      json.writeNumberField("status", event.status());
      json.writeNumberField("bytes_in", event.bytesIn());
      json.writeNumberField("bytes_out", event.bytesOut());
      json.writeNumberField("duration_ms", millis);
      json.writeStringField("principal", event.principal());
      if (event.incident() != null) {
        json.writeStringField("incident", event.incident());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("a StringWriter does not fail", e);
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "AccessLog[" + format + "]";
  }
}
