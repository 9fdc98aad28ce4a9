package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The URI scheme this library issues: {@code eden://artifacts/<32 lowercase hex>}. Clients treat
 * these URIs as opaque; only the issuing server maps them back to an {@link ArtifactId}.
 * Stateless and thread-safe.
 */
public final class ArtifactUris {
  /** Everything before the id. */
  public static final String PREFIX = "eden://artifacts/";

  private ArtifactUris() {}

  /** The URI issued for {@code id}. */
  public static String toUri(ArtifactId id) {
    requireNonNull(id, "id");
    return PREFIX + id.value();
  }

  /**
   * The id behind {@code uri}, or empty if {@code uri} is anything but exactly
   * {@code eden://artifacts/} followed by a valid id: another scheme, extra segments, a query or
   * fragment, percent-encoding, a malformed id. Never throws; {@code null} is not recognised.
   */
  public static Optional<ArtifactId> parse(String uri) {
    if (uri == null || !uri.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String rest = uri.substring(PREFIX.length());
    return ArtifactId.isValid(rest) ? Optional.of(ArtifactId.parse(rest)) : Optional.empty();
  }
}
