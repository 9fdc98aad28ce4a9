package dev.eden.artifacts.server;

import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.BadRequestException;
import dev.eden.artifacts.ExperimentIdMismatchException;
import dev.eden.artifacts.UnauthorizedException;
import java.util.List;
import java.util.function.Function;

/**
 * Every request header the endpoints act on, and the problem it is to send one of them twice. The
 * handler reads request headers only through this type, so a header it starts to read must be
 * listed here; the one exception is {@code Transfer-Encoding}, a list rather than a singleton,
 * checked by {@link RequestHead}. Each is a singleton field (RFC 9110 §5.3): with two copies,
 * which one counts is a guess — Jetty, Tomcat and the JDK take the first, a proxy in front may
 * have checked the last — so a repeat is refused, even of an identical value.
 */
enum SingleHeader {
  /** Repeated: 401 {@code unauthorized} (contract: malformed bearer). */
  AUTHORIZATION("Authorization", UnauthorizedException::new),
  /** Repeated: 400 {@code experiment-id-mismatch} (contract: header ≠ path). */
  EXPERIMENT_ID(ArtifactHandler.EXPERIMENT_HEADER, ExperimentIdMismatchException::new),
  /** The deposit's media type and boundary. Repeated: 400 {@code bad-request}. */
  CONTENT_TYPE("Content-Type", BadRequestException::new),
  /**
   * Names the server in problem {@code instance} URLs. Repeated: 400 {@code bad-request}, as RFC
   * 9112 §3.2 requires; checked on every request because not every transport refuses it itself.
   */
  HOST("Host", BadRequestException::new);

  private final String name;
  private final Function<String, ArtifactException> repeated;

  SingleHeader(String name, Function<String, ArtifactException> repeated) {
    this.name = name;
    this.repeated = repeated;
  }

  /**
   * The header's value exactly as sent, or null if absent.
   *
   * @throws ArtifactException of this header's type if the request carries it more than once
   */
  String valueIn(ServerExchange exchange) {
    List<String> values = exchange.requestHeaders(name);
    if (values.size() > 1) {
      throw repeated.apply("the " + name + " header must be sent at most once");
    }
    return values.isEmpty() ? null : values.get(0);
  }
}
