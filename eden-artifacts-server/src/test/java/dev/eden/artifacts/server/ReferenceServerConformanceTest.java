package dev.eden.artifacts.server;

import dev.eden.artifacts.server.Mounts.Mount;
import dev.eden.artifacts.testkit.conformance.ConformanceConfig;
import dev.eden.artifacts.testkit.conformance.WireConformanceTests;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The testkit's wire conformance suite, every check including the optional ones, against the
 * reference server on a real socket: two served experiments, two workers, an admins-class worker
 * and a stated cap. Subclasses run the same suite against {@link ArtifactServlet} in servlet
 * containers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferenceServerConformanceTest extends WireConformanceTests {
  private static final long CAP = 1024 * 1024;
  private ServerFixture fixture;

  /** Where the endpoints run. */
  Mount mount() {
    return Mounts.jettyArtifactServer();
  }

  @BeforeAll
  void start(@TempDir Path tempDir) {
    fixture = new ServerFixture(tempDir, CAP, mount());
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  @Override
  protected ConformanceConfig config() {
    return fixture.conformanceConfig();
  }
}
