package dev.eden.artifacts.server.internal;

import dev.eden.artifacts.ArtifactNotFoundException;
import dev.eden.artifacts.server.ServerExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web console's static files, read once from this jar and served with the headers that keep
 * the page to itself: a {@code Content-Security-Policy} that admits only this origin's script,
 * style sheet, images and API calls (no inline script or style, no {@code eval}, no framing, no
 * form posts, no {@code <base>}), {@code X-Frame-Options: DENY}, {@code X-Content-Type-Options:
 * nosniff} and {@code Referrer-Policy: no-referrer}. Not API; immutable and thread-safe.
 */
public final class ConsoleResources {
  /** The policy of every console answer. */
  public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; "
      + "style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; "
      + "form-action 'none'; frame-ancestors 'none'";

  private static final String ROOT = "/dev/eden/artifacts/server/console/";
  private static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "console.js", "text/javascript; charset=utf-8",
      "console.css", "text/css; charset=utf-8",
      "favicon.svg", "image/svg+xml");

  private final Map<String, byte[]> bodies;

  private ConsoleResources(Map<String, byte[]> bodies) {
    this.bodies = bodies;
  }

  /** @throws IllegalStateException if a file is missing from the jar (a broken build) */
  public static ConsoleResources load() {
    Map<String, byte[]> bodies = new java.util.HashMap<>();
    for (String name : FILES.keySet()) {
      try (InputStream in = ConsoleResources.class.getResourceAsStream(ROOT + name)) {
        if (in == null) {
          throw new IllegalStateException("the console file " + name + " is missing from the jar");
        }
        bodies.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException("could not read the console file " + name, e);
      }
    }
    return new ConsoleResources(Map.copyOf(bodies));
  }

  /**
   * Answers a {@code GET} or {@code HEAD} of {@code path}, which is {@code /console} or starts
   * with {@code /console/}: {@code /console} is redirected to {@code /console/} (relative, so it
   * works under a mount prefix), {@code /console/} is the page.
   *
   * @throws ArtifactNotFoundException for any other file
   */
  public void serve(ServerExchange exchange, String path) throws IOException {
    securityHeaders(exchange);
    if (path.equals("/console")) {
      exchange.status(308);
      exchange.responseHeader("Location", "console/");
      exchange.responseContentLength(0);
      return;
    }
    String name = path.substring("/console/".length());
    if (name.isEmpty()) {
      name = "index.html";
    }
    byte[] body = bodies.get(name);
    if (body == null) {
      throw new ArtifactNotFoundException("the console has no such file");
    }
    exchange.status(200);
    exchange.responseHeader("Content-Type", FILES.get(name));
    exchange.responseContentLength(body.length);
    if (!exchange.method().equals("HEAD")) {
      exchange.responseBody().write(body);
    }
  }

  private static void securityHeaders(ServerExchange exchange) {
    exchange.responseHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    exchange.responseHeader("X-Frame-Options", "DENY");
    exchange.responseHeader("X-Content-Type-Options", "nosniff");
    exchange.responseHeader("Referrer-Policy", "no-referrer");
    exchange.responseHeader("Cross-Origin-Opener-Policy", "same-origin");
    exchange.responseHeader("Cross-Origin-Resource-Policy", "same-origin");
    exchange.responseHeader("Cache-Control", "no-cache");
  }
}
