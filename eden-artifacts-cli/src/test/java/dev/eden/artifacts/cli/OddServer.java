package dev.eden.artifacts.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A tiny JDK {@code HttpServer} that answers fetches the way a faulty or slow server would, each
 * under its own base-URL prefix (the client appends {@code /v0/experiments/E/artifacts}):
 * <ul>
 *   <li>{@code /corrupt} — {@link #BYTES} with one byte flipped, announced with the correct
 *       {@code X-Eden-Artifact-Sha256} of the intact bytes;
 *   <li>{@code /slow} — the intact bytes in 64 KiB pieces, {@link #SLOW_PAUSE_MS} apart;
 *   <li>{@code /broken} — {@code 500} with an {@code eden://error/internal} problem.
 * </ul>
 * It checks no credential: the command under test is what is observed.
 */
final class OddServer implements AutoCloseable {
  static final byte[] BYTES = bytes();
  static final long SLOW_PAUSE_MS = 150;

  private final HttpServer server;

  OddServer() throws IOException {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/corrupt/", this::corrupt);
    server.createContext("/slow/", this::slow);
    server.createContext("/broken/", this::broken);
    server.start();
  }

  String baseUrl(String prefix) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + prefix;
  }

  private static byte[] bytes() {
    byte[] bytes = new byte[20 * 64 * 1024];
    new java.util.Random(42).nextBytes(bytes);
    return bytes;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static void headers(HttpExchange exchange) {
    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
    exchange.getResponseHeaders().set("X-Eden-Artifact-Sha256", sha256(BYTES));
  }

  private void corrupt(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] wrong = BYTES.clone();
      wrong[wrong.length / 2] ^= 1;
      headers(exchange);
      exchange.sendResponseHeaders(200, wrong.length);
      exchange.getResponseBody().write(wrong);
    }
  }

  private void slow(HttpExchange exchange) throws IOException {
    try (exchange) {
      headers(exchange);
      exchange.sendResponseHeaders(200, BYTES.length);
      OutputStream out = exchange.getResponseBody();
      for (int at = 0; at < BYTES.length; at += 64 * 1024) {
        out.write(BYTES, at, Math.min(64 * 1024, BYTES.length - at));
        out.flush();
        Thread.sleep(SLOW_PAUSE_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void broken(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] problem = ("{\"type\":\"eden://error/internal\",\"title\":\"Internal Server Error\","
          + "\"status\":500,\"detail\":\"incident 0f0e0d0c\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
      exchange.sendResponseHeaders(500, problem.length);
      exchange.getResponseBody().write(problem);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
