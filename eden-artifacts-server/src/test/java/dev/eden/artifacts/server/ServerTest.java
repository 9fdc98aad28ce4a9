package dev.eden.artifacts.server;

import dev.eden.artifacts.server.internal.MultipartReader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Base of the end-to-end tests: a fresh {@link ServerFixture} on a real socket for every test. */
abstract class ServerTest {
  @TempDir Path tempDir;
  ServerFixture fixture;

  /** The server's artifact cap; 1 MiB unless a test class needs another. */
  long maxArtifactBytes() {
    return 1024 * 1024;
  }

  /** How long the server waits on a silent connection; 30 s unless a test class needs another. */
  Duration idleTimeout() {
    return Duration.ofSeconds(30);
  }

  /** The deposit body parser; null (the default) lets the Jetty server use Jetty's own. */
  MultipartReader.Factory multipartReader() {
    return null;
  }

  @BeforeEach
  final void startServer() {
    fixture = new ServerFixture(tempDir, maxArtifactBytes(), idleTimeout(), multipartReader());
  }

  @AfterEach
  final void stopServer() {
    fixture.close();
  }
}
