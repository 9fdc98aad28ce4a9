package dev.eden.artifacts.server.jetty;

import static java.util.Objects.requireNonNull;

import org.eclipse.jetty.server.HttpConfiguration;

/**
 * The one Jetty 12 setting the artifact endpoints need on every HTTP/1.1 connector that serves
 * them: request header values reach the application byte for byte.
 *
 * <p>Why: Jetty's HTTP/1.1 parser keeps a per-connection cache of recent header fields
 * ({@code Authorization}, {@code Host}, {@code Accept}, ...) plus a static table of common ones, and
 * by default matches a new line against them ignoring letter case — a hit hands back the
 * <em>earlier</em> value. On a kept-alive connection, {@code Authorization: Bearer ADMIN:<token>}
 * after {@code Bearer admin:} then reaches the application as {@code Bearer admin:<token>}, and a
 * worker id or secret differing only in case from an earlier one is read as that earlier one.
 * {@link HttpConfiguration#setHeaderCacheCaseSensitive(boolean) setHeaderCacheCaseSensitive(true)}
 * makes the parser take every cached value from the bytes on the wire, so the cache stays a
 * speed-up only.
 *
 * <p>{@link JettyArtifactServer} applies it; an application that builds its own Jetty connector for
 * {@link dev.eden.artifacts.server.ArtifactServlet} or {@link ArtifactJettyHandler} applies it too:
 *
 * <pre>{@code
 * HttpConfiguration http = ExactRequestHeaders.apply(new HttpConfiguration());
 * ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
 * }</pre>
 *
 * {@link ArtifactJettyHandler} refuses to start on a server with an HTTP/1.1 connector that lacks
 * it. Stateless and thread-safe.
 */
public final class ExactRequestHeaders {
  private ExactRequestHeaders() {}

  /**
   * Configures {@code http} so that request header values are byte-exact; other settings stay.
   *
   * @return {@code http}, for chaining
   */
  public static HttpConfiguration apply(HttpConfiguration http) {
    requireNonNull(http, "http").setHeaderCacheCaseSensitive(true);
    return http;
  }

  /** Whether connections configured by {@code http} hand header values over byte for byte. */
  public static boolean isApplied(HttpConfiguration http) {
    return requireNonNull(http, "http").isHeaderCacheCaseSensitive();
  }
}
