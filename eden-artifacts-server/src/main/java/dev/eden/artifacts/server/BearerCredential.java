package dev.eden.artifacts.server;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The credential of an {@code Authorization: Bearer <principal>:<secret>} header, split on the
 * first {@code :}. The principal part is only a claim until an {@link Authenticator} verifies the
 * secret.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never reveals the secret, so a credential that
 * ends up in a log line or exception message leaks nothing.
 */
public final class BearerCredential {
  private static final String SCHEME = "bearer";

  private final String principalName;
  private final String secret;

  private BearerCredential(String principalName, String secret) {
    this.principalName = principalName;
    this.secret = secret;
  }

  /**
   * A credential made of its two parts.
   *
   * @throws IllegalArgumentException if {@code principalName} is empty or contains {@code :}
   */
  public static BearerCredential of(String principalName, String secret) {
    requireNonNull(principalName, "principalName");
    requireNonNull(secret, "secret");
    if (principalName.isEmpty() || principalName.indexOf(':') >= 0) {
      throw new IllegalArgumentException("principal name must be non-empty and free of ':'");
    }
    return new BearerCredential(principalName, secret);
  }

  /**
   * Parses an {@code Authorization} header value: the scheme {@code Bearer} (any case), one or more
   * spaces, then {@code <principal>:<secret>} with a non-empty principal and secret. Anything else
   * — including a {@code null} header — is empty. Never throws and never echoes the value.
   */
  public static Optional<BearerCredential> parseAuthorization(String headerValue) {
    if (headerValue == null || headerValue.length() <= SCHEME.length()
        || !headerValue.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        || headerValue.charAt(SCHEME.length()) != ' ') {
      return Optional.empty();
    }
    String token = headerValue.substring(SCHEME.length()).trim();
    int colon = token.indexOf(':');
    if (colon <= 0 || colon == token.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(new BearerCredential(token.substring(0, colon), token.substring(colon + 1)));
  }

  /** The claimed principal: {@code admin}, a worker id, or anything a client sent. */
  public String principalName() {
    return principalName;
  }

  /** The secret. Never log it. */
  public String secret() {
    return secret;
  }

  /** The wire form {@code <principal>:<secret>}, as cache keys and verifiers need it. Never log it. */
  public String token() {
    return principalName + ":" + secret;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BearerCredential
        && ((BearerCredential) o).principalName.equals(principalName)
        && ((BearerCredential) o).secret.equals(secret);
  }

  @Override
  public int hashCode() {
    return principalName.hashCode() * 31 + secret.hashCode();
  }

  /** Names the principal and hides the secret. */
  @Override
  public String toString() {
    return "BearerCredential[" + principalName + ":<redacted>]";
  }
}
