package dev.eden.artifacts.spi;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in an experiment's listing: just after the row created at {@code createdAt} with id
 * {@code id}, in the listing's order (newest first, then by id descending). It names a place in
 * that order, not a row, so it stays valid while rows are inserted or deleted (the deleted row it
 * was taken from included) and on any server instance: a page read from it never skips or repeats
 * a row that existed when the first page was read ("keyset" pagination).
 *
 * <p>Callers outside a store treat it as opaque and carry it as its {@link #token()}, which {@link
 * #parse} reads back; the token's form may change between releases, so only tokens issued by the
 * same major version are accepted. Stores read {@link #createdAt()} and {@link #id()} to continue
 * the listing. Immutable and thread-safe.
 *
 * @param createdAt the creation time of the last row of the previous page, truncated to
 *     milliseconds like {@link ArtifactMetadata#createdAt()}
 * @param id the id of that row
 */
public record ArtifactCursor(Instant createdAt, ArtifactId id) {
  /** Longest token {@link #parse} accepts, so a hostile value is refused before any work. */
  public static final int MAX_TOKEN_LENGTH = 96;

  /**
   * The listing order of positions: newest {@code createdAt} first, then by id descending. A total
   * order on the rows of an experiment (ids are unique).
   */
  public static final Comparator<ArtifactCursor> ORDER =
      Comparator.comparing(ArtifactCursor::createdAt).thenComparing(ArtifactCursor::id).reversed();

  private static final String VERSION = "1";
  private static final Pattern PLAIN = Pattern.compile("1:(-?[0-9]{1,19}):([0-9a-f]{32})");

  /** @throws NullPointerException if an argument is null */
  public ArtifactCursor {
    requireNonNull(createdAt, "createdAt");
    requireNonNull(id, "id");
    createdAt = createdAt.truncatedTo(ChronoUnit.MILLIS);
  }

  /** The position just after {@code row}. */
  public static ArtifactCursor after(ArtifactMetadata row) {
    requireNonNull(row, "row");
    return new ArtifactCursor(row.createdAt(), row.id());
  }

  /**
   * Reads a token made by {@link #token()}.
   *
   * @throws NullPointerException if {@code token} is null
   * @throws IllegalArgumentException if it is not such a token (an HTTP binding answers 400)
   */
  public static ArtifactCursor parse(String token) {
    requireNonNull(token, "token");
    if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      throw new IllegalArgumentException("not a listing cursor");
    }
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a listing cursor");
    }
    Matcher m = PLAIN.matcher(plain);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a listing cursor");
    }
    try {
      return new ArtifactCursor(Instant.ofEpochMilli(Long.parseLong(m.group(1))), ArtifactId.parse(m.group(2)));
    } catch (RuntimeException e) { // out of range
      throw new IllegalArgumentException("not a listing cursor");
    }
  }

  /**
   * The opaque text form: unpadded base64url ({@code [A-Za-z0-9_-]}), safe in a query parameter
   * and in JSON without escaping.
   *
   * @throws ArithmeticException if {@code createdAt} is outside the epoch-millisecond range
   */
  public String token() {
    String plain = VERSION + ":" + createdAt.toEpochMilli() + ":" + id.value();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether {@code row} comes after this position in {@linkplain #ORDER listing order}. */
  public boolean precedes(ArtifactMetadata row) {
    return ORDER.compare(this, after(row)) < 0;
  }
}
