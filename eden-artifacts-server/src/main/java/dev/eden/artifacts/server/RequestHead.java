package dev.eden.artifacts.server;

import dev.eden.artifacts.BadRequestException;
import java.util.List;

/**
 * The checks of a request head every endpoint runs first, whatever the transport: exactly one
 * {@code Host} (see {@link SingleHeader#HOST}), and a body framing the endpoints can read.
 *
 * <p>The only transfer coding accepted is {@code chunked}, alone, on one header line (RFC 9112
 * §6.1, §7). A transport reads {@code chunked} and hands every other coding listed before it
 * ({@code gzip, chunked}) to the application undecoded: Jetty de-chunks such a body and passes the
 * still-compressed bytes on, so a body declared {@code gzip} but sent plain was stored as sent,
 * and a really compressed one reached the multipart reader as noise. No endpoint decodes transfer
 * codings, so every other list is a 400 {@code bad-request} that closes the connection (its body
 * framing cannot be trusted) and stores nothing. Stateless.
 */
final class RequestHead {
  private static final String TRANSFER_ENCODING = "Transfer-Encoding";

  private RequestHead() {}

  /**
   * @throws BadRequestException if {@code Host} is repeated or the transfer codings are other than
   *     {@code chunked} alone; the connection is then closed after the answer
   */
  static void check(ServerExchange exchange) {
    SingleHeader.HOST.valueIn(exchange);
    List<String> codings = exchange.requestHeaders(TRANSFER_ENCODING);
    if (!codings.isEmpty() && !(codings.size() == 1 && codings.get(0).strip().equalsIgnoreCase("chunked"))) {
      exchange.closeConnectionAfterResponse();
      throw new BadRequestException(
          "the only transfer coding accepted is chunked, alone; the request's " + TRANSFER_ENCODING
              + " lists others, or is sent more than once");
    }
  }
}
