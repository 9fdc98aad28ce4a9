package dev.eden.artifacts.jdbc;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/** Metadata rows for tests, each field derived from the id so that a mixed-up column shows. */
final class TestRows {
  private TestRows() {}

  static ArtifactMetadata row(ExperimentId experiment, Instant createdAt) {
    ArtifactId id = ArtifactId.mint();
    return new ArtifactMetadata(
        experiment,
        id,
        Principal.worker(Principal.mintWorkerId()),
        id.value().charAt(0) * 1000L + 7,
        "text/plain; charset=utf-8",
        createdAt,
        sha256(id.value()),
        "report-" + id.value().substring(0, 6) + " ünïcødé.txt");
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
