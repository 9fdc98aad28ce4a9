package dev.eden.artifacts.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConformanceConfigTest {
  private static final Map<String, String> VARIABLES = Map.of(
      "EDEN_CONFORMANCE_BASE_URL", "http://127.0.0.1:9000",
      "EDEN_CONFORMANCE_EXPERIMENT_ID", "exp_from_variable",
      "EDEN_CONFORMANCE_ADMIN_BEARER", "admin:variable-token",
      "EDEN_CONFORMANCE_WORKER_BEARER", "wkr_a:one",
      "EDEN_CONFORMANCE_OTHER_WORKER_BEARER", "wkr_b:two",
      "EDEN_CONFORMANCE_MAX_ARTIFACT_BYTES", "1048576");

  @Test
  void environmentVariablesFillEveryInput() {
    ConformanceConfig config = ConformanceConfig.builderFrom(k -> null, VARIABLES::get).build();

    assertThat(config.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(config.experimentId()).isEqualTo("exp_from_variable");
    assertThat(config.adminBearer()).isEqualTo("admin:variable-token");
    assertThat(config.workerBearer()).isEqualTo("wkr_a:one");
    assertThat(config.otherWorkerBearer()).isEqualTo("wkr_b:two");
    assertThat(config.maxArtifactBytes()).hasValue(1048576L);
    assertThat(config.adminsGroupWorkerBearer()).isEmpty();
    assertThat(config.otherExperimentId()).isEmpty();
    assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void systemPropertyWinsOverEnvironmentVariable() {
    Map<String, String> properties = Map.of("eden.conformance.experimentId", "exp_from_property");

    ConformanceConfig config = ConformanceConfig.builderFrom(properties::get, VARIABLES::get).build();

    assertThat(config.experimentId()).isEqualTo("exp_from_property");
  }

  @Test
  void missingInputsAreAllNamedWithBothNames() {
    assertThatThrownBy(() -> ConformanceConfig.builderFrom(k -> null, k -> null).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("conformance inputs missing: "
            + "eden.conformance.baseUrl / EDEN_CONFORMANCE_BASE_URL, "
            + "eden.conformance.experimentId / EDEN_CONFORMANCE_EXPERIMENT_ID, "
            + "eden.conformance.adminBearer / EDEN_CONFORMANCE_ADMIN_BEARER, "
            + "eden.conformance.workerBearer / EDEN_CONFORMANCE_WORKER_BEARER, "
            + "eden.conformance.otherWorkerBearer / EDEN_CONFORMANCE_OTHER_WORKER_BEARER");
  }

  @Test
  void malformedCapIsRejectedWithItsName() {
    Map<String, String> properties = Map.of("eden.conformance.maxArtifactBytes", "1MiB");

    assertThatThrownBy(() -> ConformanceConfig.builderFrom(properties::get, VARIABLES::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("eden.conformance.maxArtifactBytes / EDEN_CONFORMANCE_MAX_ARTIFACT_BYTES"
            + " must be a whole number: 1MiB");
  }

  @Test
  void baseUrlMustBeHttp() {
    Map<String, String> properties = Map.of("eden.conformance.baseUrl", "ftp://host/");

    assertThatThrownBy(() -> ConformanceConfig.builderFrom(properties::get, VARIABLES::get).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("base URL must be an absolute http(s) URL: ftp://host/");
  }

  @Test
  void toStringShowsNoBearer() {
    ConformanceConfig config = ConformanceConfig.builderFrom(k -> null, VARIABLES::get).build();

    assertThat(config.toString()).doesNotContain("variable-token", "one", "two");
  }
}
