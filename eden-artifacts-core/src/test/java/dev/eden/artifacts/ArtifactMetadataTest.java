package dev.eden.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ArtifactMetadataTest {
  private static final String SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static ArtifactMetadata at(Instant createdAt) {
    return new ArtifactMetadata(ExperimentId.mint(), ArtifactId.mint(), Principal.admin(), 0,
        "application/octet-stream", createdAt, SHA, "artifact");
  }

  @Test
  void createdAtTextAlwaysHasThreeFractionDigitsAndZ() {
    assertThat(at(Instant.parse("2024-01-02T03:04:05Z")).createdAtText()).isEqualTo("2024-01-02T03:04:05.000Z");
    assertThat(at(Instant.parse("2024-01-02T03:04:05.1Z")).createdAtText()).isEqualTo("2024-01-02T03:04:05.100Z");
    assertThat(at(Instant.parse("1970-01-01T00:00:00.001Z")).createdAtText()).isEqualTo("1970-01-01T00:00:00.001Z");
    assertThat(at(Instant.parse("9999-12-31T23:59:59.999Z")).createdAtText()).isEqualTo("9999-12-31T23:59:59.999Z");
  }

  @Test
  void createdAtIsTruncatedToMilliseconds() {
    ArtifactMetadata row = at(Instant.parse("2024-01-02T03:04:05.123987654Z"));
    assertThat(row.createdAt()).isEqualTo(Instant.parse("2024-01-02T03:04:05.123Z"));
    assertThat(row.createdAtText()).isEqualTo("2024-01-02T03:04:05.123Z");
    assertThat(row.createdAtText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
  }

  @Test
  void uriIsTheIssuedForm() {
    ArtifactMetadata row = at(Instant.EPOCH);
    assertThat(row.uri()).isEqualTo("eden://artifacts/" + row.id().value());
  }

  @Test
  void invalidFieldsAreRejected() {
    ExperimentId e = ExperimentId.mint();
    ArtifactId id = ArtifactId.mint();
    Principal p = Principal.admin();
    Instant t = Instant.EPOCH;
    assertThatThrownBy(() -> new ArtifactMetadata(e, id, p, -1, "a/b", t, SHA, "f"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sizeBytes");
    assertThatThrownBy(() -> new ArtifactMetadata(e, id, p, 0, "a/b", t, SHA.toUpperCase(), "f"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sha256");
    assertThatThrownBy(() -> new ArtifactMetadata(e, id, p, 0, "a/b", t, SHA.substring(1), "f"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sha256");
    assertThatThrownBy(() -> new ArtifactMetadata(null, id, p, 0, "a/b", t, SHA, "f"))
        .isInstanceOf(NullPointerException.class).hasMessage("experimentId");
    assertThatThrownBy(() -> new ArtifactMetadata(e, id, p, 0, "a/b", null, SHA, "f"))
        .isInstanceOf(NullPointerException.class).hasMessage("createdAt");
    assertThatThrownBy(() -> new ArtifactMetadata(e, id, p, 0, "a/b", t, SHA, null))
        .isInstanceOf(NullPointerException.class).hasMessage("filename");
  }
}
