package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What the metadata store records about one artifact. The bytes themselves live in the
 * {@linkplain dev.eden.artifacts.spi.ArtifactBackend backend}. Immutable and thread-safe; every
 * component is non-null (the constructor throws {@link NullPointerException} otherwise).
 *
 * @param experimentId the experiment the artifact was deposited in; it is only visible there
 * @param id the opaque id
 * @param createdBy who deposited it, from the authenticated bearer; only its name is kept (the
 *     constructor drops any {@linkplain Principal#groups() groups}, which describe a request, not
 *     the artifact)
 * @param sizeBytes exact number of bytes
 * @param contentType the sanitised declared content type, echoed verbatim on fetch; at most
 *     {@link #MAX_CONTENT_TYPE_LENGTH} characters
 * @param createdAt deposit time, in UTC, truncated to milliseconds (the wire's precision)
 * @param sha256 lowercase hex SHA-256 of the bytes, computed while they streamed in
 * @param filename the sanitised original filename of the uploaded part, offered back on fetch; at
 *     most {@link #MAX_FILENAME_UTF8_BYTES} bytes in UTF-8
 */
public record ArtifactMetadata(
    ExperimentId experimentId,
    ArtifactId id,
    Principal createdBy,
    long sizeBytes,
    String contentType,
    Instant createdAt,
    String sha256,
    String filename) {

  /**
   * The longest content type a deposit records, in characters (all printable ASCII once
   * sanitised). A longer declared type is refused with {@link BadRequestException}, never cut.
   * Bounded so that the fetch answer, which echoes it as {@code Content-Type} beside the
   * {@code Content-Disposition} below, fits in the 8 KiB response header buffer that Jetty and
   * Tomcat use by default.
   */
  public static final int MAX_CONTENT_TYPE_LENGTH = 1024;

  /**
   * The longest filename a deposit records, in bytes of its UTF-8 encoding. A longer name is
   * refused with {@link BadRequestException}, never cut. Bounded in bytes because the fetch answer
   * offers it back percent-encoded (up to three characters per byte) in {@code
   * Content-Disposition}; with {@link #MAX_CONTENT_TYPE_LENGTH} that stays under 8 KiB of headers.
   */
  public static final int MAX_FILENAME_UTF8_BYTES = 1024;

  private static final DateTimeFormatter WIRE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * Validates every field, keeps only the name of {@code createdBy} and truncates
   * {@code createdAt} to milliseconds.
   */
  public ArtifactMetadata {
    requireNonNull(experimentId, "experimentId");
    requireNonNull(id, "id");
    requireNonNull(createdBy, "createdBy");
    requireNonNull(contentType, "contentType");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(sha256, "sha256");
    requireNonNull(filename, "filename");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must not be negative: " + sizeBytes);
    }
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("sha256 must be 64 lowercase hex characters");
    }
    createdAt = createdAt.truncatedTo(ChronoUnit.MILLIS);
    createdBy = createdBy.withGroups(List.of()); // created_by is the literal name (WIRE-CONTRACT §4)
  }

  /** The URI under which this artifact was issued. */
  public String uri() {
    return ArtifactUris.toUri(id);
  }

  /** {@code createdAt} in the wire format {@code YYYY-MM-DDTHH:MM:SS.fffZ}. */
  public String createdAtText() {
    return WIRE_TIME.format(createdAt);
  }
}
