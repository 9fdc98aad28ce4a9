package dev.eden.artifacts.server;

import dev.eden.artifacts.Principal;
import java.util.Optional;

/**
 * Verifies bearer credentials and says who the caller is: the authentication SPI of the HTTP
 * binding. The reference implementations are
 * {@link dev.eden.artifacts.server.auth.InMemoryAuthenticator} (tests, embedding with fixed
 * credentials) and {@link dev.eden.artifacts.server.auth.FileAuthenticator} (the runnable server's
 * worker registry, in a file or in the metadata database); an orchestrator plugs in its own worker
 * registry here.
 *
 * <p>An authenticator only establishes identity; it never decides who may fetch what. It returns
 * the principal with every group or role it knows for it
 * ({@link Principal#withGroups(java.util.Collection)}, nested groups resolved), and the service's
 * {@link dev.eden.artifacts.AccessPolicy} decides with that principal — the default policy treats
 * the {@code admin} and members of {@value Principal#ADMINS_GROUP} as admin-class (WIRE-CONTRACT
 * §3, §5). Deposits are attributed to the principal's name only.
 *
 * <p>Implementations must be thread-safe and fast on the steady path (cache verified credentials,
 * keyed by a keyed hash, never by the secret itself). They must never put the secret into a log
 * line or exception message. A runtime exception thrown here is answered with a 500, never a 401,
 * except {@link ServerBusyException}, answered with a 503 and {@code Retry-After}: throw it to
 * refuse a slow verification the server cannot afford now rather than hold the request thread.
 */
public interface Authenticator {

  /**
   * The principal the credential proves, with the groups it belongs to (transitively), or empty if
   * the credential is unknown, malformed or wrong (answered with 401
   * {@code eden://error/unauthorized}).
   *
   * @param credential the parsed bearer; its principal part is only a claim
   * @return a principal whose {@linkplain Principal#name() name} is the one the credential proves
   */
  Optional<Principal> authenticate(BearerCredential credential);

  /**
   * Whether {@code principal} is a (transitive) member of the reserved {@code admins} group.
   *
   * @deprecated Return the principal with its groups from {@link #authenticate} instead; the
   *     access policy decides from them. Kept so that authenticators written before principals
   *     carried groups keep working: when this answers true for a principal that lacks
   *     {@value Principal#ADMINS_GROUP}, {@link ArtifactHandler} adds that group to it, and the
   *     policy decides as before. New implementations leave the default, which answers false.
   */
  @Deprecated
  default boolean isAdminClass(Principal principal) {
    return false;
  }
}
