package dev.eden.artifacts.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.s3.S3ArtifactBackend;
import dev.eden.artifacts.s3.testing.S3TestServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code scrub} on a bucket of the real S3 test server, in its own JVM so that the AWS credentials
 * come from the environment as an operator gives them, and the blob-store options from {@code
 * EDEN_*} alone. Without the test server it is skipped (or fails under CI), as its fixture says.
 */
class ScrubCommandOnS3Test {
  private static final String PREFIX = "eden";

  @TempDir Path dir;

  record Run(int exit, List<String> out, String err) {}

  @Test
  void findsAFlippedByteATruncatedObjectAndAMissingOneAndWritesNothing() throws Exception {
    S3TestServer s3 = S3TestServer.shared();
    String bucket = s3.createBucket();
    Path data = dir.resolve("data");
    ExperimentId experiment = ExperimentId.mint();
    Files.createDirectories(data);
    Files.writeString(data.resolve(DataDirectory.EXPERIMENT_FILE), experiment.value());
    byte[] bytes = new byte[100_000];
    new Random(3).nextBytes(bytes);
    List<ArtifactMetadata> artifacts = new ArrayList<>();
    try (JdbiArtifactStore store = JdbiArtifactStore.sqlite(data.resolve("metadata.db"));
        S3ArtifactBackend backend = s3.backendBuilder(bucket).keyPrefix(PREFIX).build()) {
      ArtifactService service = ArtifactService.builder().backend(backend).store(store).build();
      for (int i = 0; i < 4; i++) {
        artifacts.add(service.deposit(experiment, Principal.admin(), "a.bin", null, new ByteArrayInputStream(bytes))
            .metadata());
      }
    }
    Map<String, String> environment = Map.of(
        "EDEN_BLOB_STORE", "s3://" + bucket + "/" + PREFIX,
        "EDEN_S3_ENDPOINT", s3.endpoint().toString(),
        "EDEN_S3_PATH_STYLE", "true",
        "AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_ACCESS_KEY);

    Run clean = scrub(environment, "--data-dir", data.toString());
    assertThat(clean.exit()).as(clean.err()).isZero();
    assertThat(clean.out()).singleElement().asString()
        .startsWith("scrub clean: 4 artifacts checked, 400000 bytes read, 0 damaged, 0 missing, 0 unreadable, ");

    ArtifactMetadata flipped = artifacts.get(1);
    ArtifactMetadata truncated = artifacts.get(2);
    ArtifactMetadata missing = artifacts.get(3);
    byte[] changed = bytes.clone();
    changed[0] ^= 0x40;
    // A PutObject without If-None-Match overwrites, as nothing going through the backend can.
    s3.client().putObject(r -> r.bucket(bucket).key(key(flipped)), RequestBody.fromBytes(changed));
    s3.client().putObject(r -> r.bucket(bucket).key(key(truncated)), RequestBody.fromBytes(Arrays.copyOf(bytes, 99_999)));
    s3.client().deleteObject(r -> r.bucket(bucket).key(key(missing)));
    List<String> objectsBefore = objects(s3, bucket);

    Run damaged = scrub(environment, "--data-dir", data.toString(), "--rate", "10MiB");

    assertThat(damaged.exit()).as(damaged.err()).isEqualTo(1);
    assertThat(damaged.out()).hasSize(4);
    assertThat(damaged.out().subList(0, 3)).containsExactlyInAnyOrder(
        "damaged " + flipped.uri() + " digest mismatch: recorded sha256 " + flipped.sha256() + ", found "
            + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(changed)),
        "damaged " + truncated.uri() + " size mismatch: recorded 100000 bytes, found 99999 bytes",
        "missing " + missing.uri() + " blob missing: recorded 100000 bytes");
    assertThat(damaged.out().get(3)).startsWith("scrub found problems: 4 artifacts checked, 299999 bytes read, "
        + "2 damaged (1 size mismatch, 1 digest mismatch), 1 missing, 0 unreadable, ");
    assertThat(damaged.err()).contains("blobs s3://" + bucket + "/" + PREFIX + " at " + s3.endpoint())
        .contains("at most 10 MiB/s");
    assertThat(objects(s3, bucket)).as("objects after the scrub").isEqualTo(objectsBefore);
  }

  private static String key(ArtifactMetadata artifact) {
    String id = artifact.id().value();
    return PREFIX + "/" + id.substring(0, 2) + "/" + id;
  }

  /** Every object of the bucket, with its ETag, size and modification time. */
  private static List<String> objects(S3TestServer s3, String bucket) {
    return s3.client().listObjectsV2(r -> r.bucket(bucket)).contents().stream()
        .map((S3Object o) -> o.key() + " " + o.eTag() + " " + o.size() + " " + o.lastModified()).sorted().toList();
  }

  /** {@code ServerMain scrub ...} in a JVM of its own, with no {@code EDEN_*} variable but {@code environment}. */
  private Run scrub(Map<String, String> environment, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        ServerMain.class.getName(), "scrub"));
    command.addAll(List.of(args));
    Path err = Files.createTempFile(dir, "scrub", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("EDEN_"));
    builder.environment().putAll(environment);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("scrub finished").isTrue();
    return new Run(process.exitValue(), out.lines().toList(), Files.readString(err));
  }
}
