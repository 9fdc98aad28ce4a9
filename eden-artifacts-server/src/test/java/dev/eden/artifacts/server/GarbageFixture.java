package dev.eden.artifacts.server;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.spi.PendingBlob;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

/**
 * A data directory on the embedded defaults (SQLite, blobs under {@code blobs/}) holding an
 * artifact deposited long ago (100 bytes, its blob dated 30 days back), an orphan blob of 2000
 * bytes and a temp file of 500 bytes dated two days back, and a young orphan of 3 bytes.
 */
public final class GarbageFixture {
  private static final Principal WORKER = Principal.worker("wkr_" + "2".repeat(26));

  public final Path data;
  public final Path artifact;
  public final Path oldOrphan;
  public final Path youngOrphan;
  public final Path oldTemp;

  private final Path blobs;

  public GarbageFixture(Path data) throws IOException {
    this.data = data;
    this.blobs = data.resolve("blobs");
    FileArtifactBackend backend = new FileArtifactBackend(blobs);
    try (JdbiArtifactStore store = JdbiArtifactStore.sqlite(data.resolve("metadata.db"))) {
      ArtifactService service = ArtifactService.builder().backend(backend).store(store).build();
      artifact = blobFile(service.deposit(ExperimentId.mint(), WORKER, "kept.bin", null,
          new ByteArrayInputStream(new byte[100])).metadata().id());
    }
    backdate(artifact, Duration.ofDays(30));
    oldOrphan = blobFile(commit(backend, 2000));
    backdate(oldOrphan, Duration.ofDays(2));
    youngOrphan = blobFile(commit(backend, 3));
    oldTemp = Files.write(blobs.resolve(".tmp-" + ArtifactId.mint().value() + "-00000000000000aa"), new byte[500]);
    backdate(oldTemp, Duration.ofDays(2));
  }

  private Path blobFile(ArtifactId id) {
    return blobs.resolve(id.value().substring(0, 2)).resolve(id.value());
  }

  private static ArtifactId commit(FileArtifactBackend backend, int size) throws IOException {
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob blob = backend.begin(id)) {
      blob.output().write(new byte[size]);
      blob.commit();
    }
    return id;
  }

  private static void backdate(Path file, Duration by) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(by)));
  }
}
