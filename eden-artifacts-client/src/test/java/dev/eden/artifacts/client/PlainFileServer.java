package dev.eden.artifacts.client;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server without byte ranges, on the JDK's own HTTP server: every GET gets the whole file with
 * 200, {@code Content-Length} and {@code X-Eden-Artifact-Sha256}, and neither {@code ETag} nor
 * {@code Accept-Ranges}; a {@code Range} header is ignored (and recorded). Thread-safe.
 */
final class PlainFileServer implements AutoCloseable {
  private final HttpServer server;
  /** The {@code Range} header of each request, or {@code ""} when it had none. */
  final List<String> ranges = new CopyOnWriteArrayList<>();

  PlainFileServer(GeneratedArtifact artifact) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String range = exchange.getRequestHeaders().getFirst("Range");
      ranges.add(range == null ? "" : range);
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      exchange.getResponseHeaders().set("X-Eden-Artifact-Sha256", artifact.sha256());
      exchange.sendResponseHeaders(200, artifact.size());
      try (OutputStream out = exchange.getResponseBody()) {
        Files.copy(artifact.file(), out);
      } catch (IOException cut) {
        // The proxy cut the connection: expected.
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
