package dev.eden.artifacts.server;

import dev.eden.artifacts.Principal;

/**
 * Keeps authenticators written before principals carried groups working. Such an authenticator
 * returns a bare worker from {@link Authenticator#authenticate} and answers the deprecated
 * {@link Authenticator#isAdminClass} instead; this bridge asks it once per authenticated request and
 * turns a yes into membership of {@value Principal#ADMINS_GROUP}. It only translates what the
 * authenticator said into the principal — the access policy still decides who may fetch. An
 * authenticator that resolves groups itself leaves {@code isAdminClass} at its default (false), or
 * answers it from the same groups (as the project's own do), and its principals pass through
 * with the same meaning.
 */
final class LegacyAdminClass {
  private LegacyAdminClass() {}

  /** {@code authenticator}, with its legacy admin-class answer folded into the principal's groups. */
  @SuppressWarnings("deprecation") // the one caller of the deprecated SPI method, on purpose
  static Authenticator bridge(Authenticator authenticator) {
    return credential -> authenticator.authenticate(credential).map(principal ->
        !principal.isMemberOf(Principal.ADMINS_GROUP) && authenticator.isAdminClass(principal)
            ? principal.withGroup(Principal.ADMINS_GROUP)
            : principal);
  }
}
