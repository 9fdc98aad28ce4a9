package dev.eden.artifacts.s3;

import static dev.eden.artifacts.testkit.Blobs.generated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.maintenance.Damage;
import dev.eden.artifacts.maintenance.ScrubFinding;
import dev.eden.artifacts.maintenance.ScrubListener;
import dev.eden.artifacts.maintenance.ScrubReport;
import dev.eden.artifacts.maintenance.Scrubber;
import dev.eden.artifacts.s3.RequestLog.Sent;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The scrub on a real S3-compatible server: objects changed behind the backend's back (a raw
 * {@code PutObject} without {@code If-None-Match} overwrites, {@code DeleteObject} removes) are
 * found with the right kind, the scrub sends one plain {@code GetObject} per artifact and nothing
 * else, and the read-only bucket check writes nothing.
 */
class ScrubOnS3Test {
  private static final RequestLog log = new RequestLog();
  private static S3Client client;
  private final ExperimentId experiment = ExperimentId.mint();
  private final InMemoryArtifactStore store = new InMemoryArtifactStore();
  private String bucket;
  private S3ArtifactBackend backend;
  private ArtifactService service;

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
  }

  @BeforeEach
  void newBackend() {
    synchronized (ScrubOnS3Test.class) {
      if (client == null) {
        client = TestStorage.server().newClient(log);
      }
    }
    bucket = TestStorage.bucketFor(getClass());
    backend = S3ArtifactBackend.builder().client(client).bucket(bucket).keyPrefix(TestStorage.freshPrefix())
        .partSize(S3ArtifactBackend.MIN_PART_SIZE).build();
    service = ArtifactService.builder().backend(backend).store(store).build();
  }

  private ArtifactMetadata deposit(byte[] bytes) throws IOException {
    return service.deposit(experiment, Principal.admin(), "a.bin", null, new ByteArrayInputStream(bytes)).metadata();
  }

  private String key(ArtifactMetadata artifact) {
    String id = artifact.id().value();
    return backend.keyPrefix() + id.substring(0, 2) + "/" + id;
  }

  /** Overwrites the object, as only something outside the backend can. */
  private void overwrite(ArtifactMetadata artifact, byte[] bytes) {
    TestStorage.server().client().putObject(r -> r.bucket(bucket).key(key(artifact)), RequestBody.fromBytes(bytes));
  }

  @Test
  void aFlippedByteATruncatedObjectAndAMissingOneAreFoundWithOneGetEach() throws Exception {
    byte[] original = generated(70_000, 7);
    ArtifactMetadata intact = deposit(original);
    ArtifactMetadata flipped = deposit(original);
    ArtifactMetadata truncated = deposit(original);
    ArtifactMetadata missing = deposit(original);
    byte[] changed = original.clone();
    changed[69_999] ^= 0x10;
    overwrite(flipped, changed);
    overwrite(truncated, Arrays.copyOf(original, 69_000));
    TestStorage.server().client().deleteObject(r -> r.bucket(bucket).key(key(missing)));
    List<ScrubFinding> found = new ArrayList<>();
    log.clear();

    ScrubReport report = Scrubber.builder().store(store).backend(backend).unthrottled().build()
        .scrub(experiment, new ScrubListener() {
          @Override
          public void damageFound(ScrubFinding finding) {
            found.add(finding);
          }
        });

    Map<Damage, String> byKind = found.stream()
        .collect(Collectors.toMap(ScrubFinding::damage, ScrubFinding::uri));
    assertThat(byKind).isEqualTo(Map.of(
        Damage.DIGEST_MISMATCH, flipped.uri(),
        Damage.SIZE_MISMATCH, truncated.uri(),
        Damage.MISSING, missing.uri()));
    assertThat(found).noneMatch(f -> f.uri().equals(intact.uri()));
    assertThat(report.artifactsChecked()).isEqualTo(4);
    assertThat(report.bytesRead()).isEqualTo(3 * 70_000L - 1_000);
    assertThat(found).filteredOn(f -> f.damage() == Damage.SIZE_MISMATCH).singleElement()
        .satisfies(f -> assertThat(f.description()).isEqualTo("size mismatch: recorded 70000 bytes, found 69000 bytes"));
    assertThat(log.all()).extracting(Sent::operation).containsOnly("GetObject").hasSize(4);
    assertThat(log.all()).extracting(Sent::range).containsOnlyNulls();
  }

  @Test
  void aCleanBucketPasses() throws Exception {
    deposit(generated(6_000_000, 1)); // a multipart upload
    deposit(new byte[0]);
    ScrubReport report = Scrubber.builder().store(store).backend(backend).unthrottled().build()
        .scrub(experiment, ScrubListener.NONE);
    assertThat(report.isClean()).isTrue();
    assertThat(report.bytesRead()).isEqualTo(6_000_000);
  }

  @Test
  void theReadOnlyBucketCheckSendsOneHeadBucketAndRefusesAMissingBucket() throws Exception {
    log.clear();
    backend.checkBucketReadable();
    assertThat(log.all()).extracting(Sent::operation).containsExactly("HeadBucket");
    try (S3ArtifactBackend absent = S3ArtifactBackend.builder().client(client).bucket("no-such-bucket-for-scrub")
        .keyPrefix("eden").build()) {
      assertThatThrownBy(absent::checkBucketReadable).isInstanceOf(IOException.class)
          .hasMessageStartingWith("S3 storage s3://no-such-bucket-for-scrub/eden/ is not readable: ")
          .hasMessageContaining("NoSuchBucket");
    }
  }
}
