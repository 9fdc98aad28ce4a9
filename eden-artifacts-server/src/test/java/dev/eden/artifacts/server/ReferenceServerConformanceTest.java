package dev.eden.artifacts.server;

import dev.eden.artifacts.testkit.conformance.ConformanceConfig;
import dev.eden.artifacts.testkit.conformance.WireConformanceTests;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The testkit's wire conformance suite, every check including the optional ones, against the
 * reference server on a real socket: two served experiments, two workers, an admins-class worker
 * and a stated cap.
 */
class ReferenceServerConformanceTest extends WireConformanceTests {
  private static final long CAP = 1024 * 1024;
  @TempDir static Path tempDir;
  private static ServerFixture fixture;

  @BeforeAll
  static void start() {
    fixture = new ServerFixture(tempDir, CAP);
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @Override
  protected ConformanceConfig config() {
    return ConformanceConfig.builder()
        .baseUrl(fixture.baseUri())
        .experimentId(fixture.experiment.value())
        .otherExperimentId(fixture.otherServedExperiment.value())
        .adminBearer(credential(ServerFixture.admin()))
        .workerBearer(credential(ServerFixture.workerA()))
        .otherWorkerBearer(credential(ServerFixture.workerB()))
        .adminsGroupWorkerBearer(credential(ServerFixture.adminClassWorker()))
        .maxArtifactBytes(CAP)
        .build();
  }

  /** The conformance kit takes what follows {@code Bearer } in the header. */
  private static String credential(String authorization) {
    return authorization.substring("Bearer ".length());
  }
}
