package dev.eden.artifacts.testkit;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import java.time.Instant;
import java.util.function.Consumer;

/** Mutable field bag that jqwik's builder fills in before it becomes an {@link ArtifactMetadata}. */
final class RowDraft {
  Principal createdBy = Principal.admin();
  long size;
  String contentType = "application/octet-stream";
  Instant createdAt = MetadataSamples.CREATED_AT;
  String sha256 = MetadataSamples.sha256Of(0);
  String filename = "artifact";

  RowDraft with(Consumer<RowDraft> change) {
    change.accept(this);
    return this;
  }

  ArtifactMetadata toMetadata() {
    return new ArtifactMetadata(ExperimentId.mint(), ArtifactId.mint(), createdBy, size, contentType,
        createdAt, sha256, filename);
  }
}
