package dev.eden.artifacts.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.ArtifactNotFoundException;
import dev.eden.artifacts.ArtifactStorageException;
import dev.eden.artifacts.BadRequestException;
import dev.eden.artifacts.ExperimentIdMismatchException;
import dev.eden.artifacts.ForbiddenException;
import dev.eden.artifacts.PayloadTooLargeException;
import dev.eden.artifacts.ProblemDetails;
import dev.eden.artifacts.ProblemType;
import dev.eden.artifacts.UnauthorizedException;
import dev.eden.artifacts.client.UnexpectedResponseException;
import dev.eden.artifacts.client.UnknownProblemTypeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;

/**
 * The one place where an error answer becomes an exception: problem+json keyed on its {@code type}
 * URI becomes the public core exception for that type itself (carrying the {@link ProblemDetails}),
 * an unknown type an {@link UnknownProblemTypeException}, anything else an
 * {@link UnexpectedResponseException}; all are {@link ArtifactException}s.
 *
 * <p>Every text taken from the answer is scrubbed of the bearer, so a server that echoes request
 * headers cannot leak it into a message. Thread-safe.
 */
public final class ErrorResponses {
  /** Error bodies are small; more than this is read by nobody. */
  static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
  static final int MAX_SNIPPET_CHARS = 200;

  private final ObjectMapper json;
  private final String bearer;
  private final String secret;

  public ErrorResponses(ObjectMapper json, String bearer) {
    this.json = json;
    this.bearer = bearer;
    this.secret = bearer.substring(bearer.indexOf(':') + 1);
  }

  /** Reads (a bounded prefix of) the error answer's body and builds its exception. Does not close. */
  public ArtifactException toException(Response response) throws IOException {
    byte[] body = readBounded(response.body().source(), MAX_ERROR_BODY_BYTES);
    String contentType = response.header("Content-Type");
    return toException(response.code(), contentType, body);
  }

  ArtifactException toException(int status, String contentType, byte[] body) {
    Optional<ProblemDetails> problem = parseProblem(status, contentType, body);
    if (problem.isPresent()) {
      return toException(problem.get());
    }
    return unexpected(status, contentType, body, "error answer without a problem+json body");
  }

  /** For a success answer whose body breaks the contract. */
  public UnexpectedResponseException unexpected(int status, String contentType, byte[] body,
      String reason) {
    return new UnexpectedResponseException(status, scrub(contentType), snippet(body), reason);
  }

  /** The public exception for {@code problem}'s type URI; the status never decides. */
  static ArtifactException toException(ProblemDetails problem) {
    Optional<ProblemType> type = ProblemType.fromUri(problem.type());
    if (type.isEmpty()) {
      return new UnknownProblemTypeException(problem);
    }
    switch (type.get()) {
      case NOT_FOUND:
        return new ArtifactNotFoundException(problem);
      case FORBIDDEN:
        return new ForbiddenException(problem);
      case UNAUTHORIZED:
        return new UnauthorizedException(problem);
      case BAD_REQUEST:
        return new BadRequestException(problem);
      case EXPERIMENT_ID_MISMATCH:
        return new ExperimentIdMismatchException(problem);
      case PAYLOAD_TOO_LARGE:
        return new PayloadTooLargeException(problem);
      case INTERNAL:
        return new ArtifactStorageException(problem);
      default:
        throw new AssertionError("unmapped problem type " + type.get());
    }
  }

  private Optional<ProblemDetails> parseProblem(int status, String contentType, byte[] body) {
    MediaType mediaType = contentType == null ? null : MediaType.parse(contentType);
    if (mediaType == null || !"application".equals(mediaType.type())) {
      return Optional.empty();
    }
    // application/problem+json is the contract; plain JSON with a "type" member is accepted too,
    // because some gateways relabel bodies.
    String subtype = mediaType.subtype();
    if (!"problem+json".equals(subtype) && !"json".equals(subtype)) {
      return Optional.empty();
    }
    JsonNode node;
    try {
      node = json.readTree(body);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (node == null || !node.isObject() || !node.path("type").isTextual()) {
      return Optional.empty();
    }
    return Optional.of(new ProblemDetails(
        scrub(node.get("type").asText()),
        status,
        text(node, "title"),
        text(node, "detail"),
        text(node, "instance")));
  }

  private String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isTextual() ? null : scrub(value.asText());
  }

  private String snippet(byte[] body) {
    String text = new String(body, 0, Math.min(body.length, MAX_SNIPPET_CHARS * 4),
        StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < MAX_SNIPPET_CHARS; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? ' ' : c);
    }
    if (text.length() > out.length() || body.length > MAX_SNIPPET_CHARS * 4) {
      out.append('…');
    }
    return scrub(out.toString().strip());
  }

  /** Removes the bearer and its secret from text that came from the server. */
  String scrub(String text) {
    if (text == null) {
      return null;
    }
    String result = text.replace(bearer, "[redacted]");
    if (!secret.isEmpty()) {
      result = result.replace(secret, "[redacted]");
    }
    return result;
  }

  /** Reads at most {@code limit} bytes: a hostile error body cannot exhaust memory. */
  public static byte[] readBounded(BufferedSource source, long limit) throws IOException {
    Buffer buffer = new Buffer();
    while (buffer.size() < limit) {
      long read = source.read(buffer, Math.min(8192, limit - buffer.size()));
      if (read == -1) {
        break;
      }
    }
    return buffer.readByteArray();
  }
}
