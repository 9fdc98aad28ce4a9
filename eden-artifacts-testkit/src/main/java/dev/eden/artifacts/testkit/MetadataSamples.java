package dev.eden.artifacts.testkit;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import java.time.Instant;
import java.util.HexFormat;

/** Ready-made {@link ArtifactMetadata} rows for store tests. Stateless and thread-safe. */
public final class MetadataSamples {
  /** A fixed, millisecond-precise instant the samples are created at unless told otherwise. */
  public static final Instant CREATED_AT = Instant.parse("2024-02-29T23:59:59.123Z");

  private MetadataSamples() {}

  /** A row with a fresh id in {@code experimentId}, created at {@link #CREATED_AT}. */
  public static ArtifactMetadata row(ExperimentId experimentId) {
    return row(experimentId, ArtifactId.mint(), CREATED_AT);
  }

  /** A row with a fresh id in {@code experimentId}, created at {@code createdAt}. */
  public static ArtifactMetadata row(ExperimentId experimentId, Instant createdAt) {
    return row(experimentId, ArtifactId.mint(), createdAt);
  }

  /** A row for {@code id} in {@code experimentId}, created at {@code createdAt}. */
  public static ArtifactMetadata row(ExperimentId experimentId, ArtifactId id, Instant createdAt) {
    return new ArtifactMetadata(experimentId, id, Principal.worker(Principal.mintWorkerId()), 1234,
        "application/json", createdAt, sha256Of(id), "result.json");
  }

  /** A plausible 64-hex digest, different for every id. */
  public static String sha256Of(ArtifactId id) {
    return id.value() + new StringBuilder(id.value()).reverse();
  }

  /** 64 hex characters from {@code seed}. */
  public static String sha256Of(long seed) {
    byte[] bytes = Blobs.generated(32, seed);
    return HexFormat.of().formatHex(bytes);
  }
}
