package dev.eden.artifacts.server;

import dev.eden.artifacts.Principal;
import java.util.Optional;

/**
 * Verifies bearer credentials and knows who is admin-class: the authentication SPI of the HTTP
 * binding. The reference implementations are
 * {@link dev.eden.artifacts.server.auth.InMemoryAuthenticator} (tests, embedding with fixed
 * credentials) and {@link dev.eden.artifacts.server.auth.FileAuthenticator} (the runnable server's
 * file-backed registry); an orchestrator plugs in its own worker registry here.
 *
 * <p>Implementations must be thread-safe and fast on the steady path (cache verified credentials,
 * keyed by a keyed hash, never by the secret itself). They must never put the secret into a log
 * line or exception message. A runtime exception thrown here is answered with a 500, never a 401.
 */
public interface Authenticator {

  /**
   * The principal the credential proves, or empty if the credential is unknown, malformed or wrong
   * (answered with 401 {@code eden://error/unauthorized}).
   *
   * @param credential the parsed bearer; its principal part is only a claim
   */
  Optional<Principal> authenticate(BearerCredential credential);

  /**
   * Whether {@code principal} is admin-class for the fetch ACL: the {@code admin} principal, or a
   * worker that is a (transitive) member of the reserved {@code admins} group.
   */
  boolean isAdminClass(Principal principal);
}
