package dev.eden.artifacts.server;

import dev.eden.artifacts.Principal;
import dev.eden.artifacts.UnauthorizedException;

/**
 * Reads the one {@code Authorization: Bearer <principal>:<secret>} header of a request and asks the
 * {@link Authenticator} who it proves: the same rules for the artifact endpoints and the admin API.
 * Stateless.
 */
final class BearerAuthentication {
  private BearerAuthentication() {}

  /**
   * The authenticated principal, with its groups; noted on the exchange for its listeners.
   *
   * @throws UnauthorizedException if the header is missing, repeated or malformed, names a principal
   *     that is neither {@code admin} nor a worker id, or the credential is not valid
   */
  static Principal authenticate(ObservedExchange exchange, Authenticator authenticator) {
    BearerCredential credential = BearerCredential
        .parseAuthorization(SingleHeader.AUTHORIZATION.valueIn(exchange))
        .orElseThrow(() -> new UnauthorizedException(
            "an 'Authorization: Bearer <principal>:<secret>' header is required"));
    String name = credential.principalName();
    if (!name.equals(Principal.ADMIN_NAME) && !Principal.isWorkerId(name)) {
      throw new UnauthorizedException("the bearer principal must be 'admin' or a worker id");
    }
    Principal principal = authenticator.authenticate(credential)
        .orElseThrow(() -> new UnauthorizedException("the bearer credential is not valid"));
    exchange.principal(principal);
    return principal;
  }
}
