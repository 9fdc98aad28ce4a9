package dev.eden.artifacts.client.internal;

import dev.eden.artifacts.client.ArtifactInfo;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import okhttp3.Response;

/**
 * Reads an {@link ArtifactInfo} from the headers of a successful {@code HEAD} or {@code GET}
 * answer (a {@code 200}, or the {@code 206} of {@code Range: bytes=0-0}), never from its body. A header that is missing, repeated or malformed counts as not
 * announced: the facts beyond the content type are extras a conforming server may omit. Stateless.
 */
public final class StatHeaders {
  /** This project's extras (wire protocol §9.6). */
  static final String CREATED_AT = "X-Eden-Artifact-Created-At";
  static final String CREATED_BY = "X-Eden-Artifact-Created-By";

  private StatHeaders() {}

  /** The facts {@code response}'s headers announce about the artifact behind {@code uri}. */
  public static ArtifactInfo read(String uri, Response response) {
    String contentType = single(response, "Content-Type").orElse(ContentTypes.OCTET_STREAM);
    return new ArtifactInfo(uri, size(response), contentType,
        single(response, CREATED_BY).filter(v -> !v.isEmpty()),
        single(response, CREATED_AT).flatMap(StatHeaders::instant),
        // The same reading as a fetch's check: Repr-Digest, else X-Eden-Artifact-Sha256.
        Optional.ofNullable(FetchHeaders.announcedSha256(response)));
  }

  private static long size(Response response) {
    // A stat's GET asks for the first byte: its 206 names the size after the slash. A 206 of any
    // other slice is not that answer.
    if (response.code() == 206) {
      return FetchHeaders.contentRange(response)
          .filter(range -> range.first() == 0 && range.last() == 0)
          .map(FetchHeaders.ContentRange::complete)
          .orElse(-1L);
    }
    if (response.code() != 200) {
      return -1;
    }
    return single(response, "Content-Length").map(v -> {
      try {
        long n = Long.parseLong(v);
        return n >= 0 ? n : -1;
      } catch (NumberFormatException e) {
        return -1L;
      }
    }).orElse(-1L);
  }

  private static Optional<Instant> instant(String value) {
    try {
      return Optional.of(Instant.parse(value));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> single(Response response, String name) {
    List<String> values = response.headers(name);
    return values.size() == 1 ? Optional.of(values.get(0).strip()) : Optional.empty();
  }
}
