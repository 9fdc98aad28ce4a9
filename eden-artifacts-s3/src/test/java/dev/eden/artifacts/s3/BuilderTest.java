package dev.eden.artifacts.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.spi.ArtifactBackend.Capability;
import dev.eden.artifacts.testkit.Blobs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** What the builder accepts, refuses and defaults to, and who closes the client. */
class BuilderTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void defaults() {
    try (S3Client client = S3Client.builder().region(software.amazon.awssdk.regions.Region.US_EAST_1).build();
        S3ArtifactBackend backend = S3ArtifactBackend.builder().client(client).bucket("b").build()) {
      assertThat(backend.bucket()).isEqualTo("b");
      assertThat(backend.keyPrefix()).isEmpty();
      assertThat(backend.partSize()).isEqualTo(8 * MIB);
      assertThat(backend.bufferBudget()).isEqualTo(64 * MIB);
      assertThat(backend.capabilities()).containsExactlyInAnyOrder(Capability.BLOB_LISTING, Capability.STALE_PENDING_SWEEP);
      assertThat(backend).hasToString("S3ArtifactBackend[s3://b/]");
    }
  }

  @Test
  void settingsAreCheckedWhereTheyAreGiven() {
    S3ArtifactBackend.Builder b = S3ArtifactBackend.builder();
    assertThatThrownBy(() -> b.bucket("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket");
    assertThatThrownBy(() -> b.bucket("a/b")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket");
    assertThatThrownBy(() -> b.bucket("a b")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket");
    assertThatThrownBy(() -> b.bucket(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("bucket");
    assertThatThrownBy(() -> b.keyPrefix("a//b")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> b.partSize(5 * MIB - 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partSize");
    assertThatThrownBy(() -> b.partSize(5L * 1024 * MIB + 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partSize");
    assertThatThrownBy(() -> b.bufferBudget(MIB)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bufferBudget");
    assertThatThrownBy(() -> b.endpoint(URI.create("ftp://host"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endpoint");
    assertThatThrownBy(() -> b.endpoint(URI.create("http://host/?x=1"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endpoint");
    assertThatThrownBy(() -> b.endpoint(URI.create("/relative"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endpoint");
    assertThatThrownBy(() -> b.region(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("region");
    assertThatThrownBy(() -> b.maxConnections(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxConnections");
    assertThatThrownBy(() -> b.requestTimeout(java.time.Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("requestTimeout must be positive: PT0S");
    assertThatThrownBy(() -> b.requestTimeout(java.time.Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("requestTimeout");
    assertThatThrownBy(() -> b.readTimeout(java.time.Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("readTimeout must be positive: PT0S");
    assertThatThrownBy(() -> b.readTimeout(java.time.Duration.ofDays(30))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("readTimeout must be at most");
  }

  @Test
  void buildChecksWhatDependsOnSeveralSettings() {
    assertThatThrownBy(() -> S3ArtifactBackend.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("bucket is required");
    assertThatThrownBy(() -> S3ArtifactBackend.builder().bucket("b").partSize(16 * MIB).bufferBudget(8 * MIB).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("bufferBudget");
    try (S3Client client = S3Client.builder().region(software.amazon.awssdk.regions.Region.US_EAST_1).build()) {
      assertThatThrownBy(() -> S3ArtifactBackend.builder().bucket("b").client(client).endpoint(URI.create("http://h")).build())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("client excludes");
      assertThatThrownBy(() -> S3ArtifactBackend.builder().bucket("b").client(client).pathStyleAccess(false).build())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("client excludes");
      assertThatThrownBy(() -> S3ArtifactBackend.builder().bucket("b").client(client).maxConnections(8).build())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("client excludes");
      assertThatThrownBy(() -> S3ArtifactBackend.builder().bucket("b").client(client)
              .requestTimeout(java.time.Duration.ofSeconds(5)).build())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("client excludes");
      assertThatThrownBy(() -> S3ArtifactBackend.builder().bucket("b").client(client)
              .readTimeout(java.time.Duration.ofSeconds(5)).build())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("client excludes");
    }
  }

  @Test
  void openReadsHoldConnectionsUpToTheLimitAndAThirdWaitsForOne() throws Exception {
    String bucket = TestStorage.server().createBucket();
    try (S3ArtifactBackend backend = TestStorage.server().backendBuilder(bucket).maxConnections(2).build()) {
      ArtifactId id = ArtifactId.mint();
      Blobs.commit(backend, id, new byte[256 * 1024]);
      InputStream first = backend.open(id, 0).orElseThrow();
      InputStream second = backend.open(id, 0).orElseThrow();
      CompletableFuture<InputStream> third = CompletableFuture.supplyAsync(() -> {
        try {
          return backend.open(id, 0).orElseThrow();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      Thread.sleep(1_000);
      assertThat(third).as("a third read while two hold both connections").isNotDone();
      first.close();
      try (InputStream in = third.get(5, TimeUnit.SECONDS)) {
        assertThat(in.readAllBytes()).hasSize(256 * 1024);
      }
      second.close();
    }
  }

  @Test
  void thePrefixIsNormalised() {
    try (S3Client client = S3Client.builder().region(software.amazon.awssdk.regions.Region.US_EAST_1).build()) {
      assertThat(S3ArtifactBackend.builder().client(client).bucket("b").keyPrefix("/eden/blobs").build().keyPrefix())
          .isEqualTo("eden/blobs/");
      assertThat(S3ArtifactBackend.builder().client(client).bucket("b").keyPrefix("/").build().keyPrefix()).isEmpty();
    }
  }

  @Test
  void anEndpointWithoutARegionSignsForUsEast1() throws Exception {
    String bucket = TestStorage.server().createBucket();
    try (S3ArtifactBackend backend = S3ArtifactBackend.builder()
        .endpoint(TestStorage.server().endpoint()).pathStyleAccess(true)
        .credentials(TestStorage.server().credentials()).bucket(bucket).build()) {
      backend.checkBucket();
    }
  }

  @Test
  void aBackendClosesTheClientItBuiltAndOnlyThat() throws Exception {
    String bucket = TestStorage.server().createBucket();
    S3ArtifactBackend owning = TestStorage.server().backendBuilder(bucket).build();
    ArtifactId id = ArtifactId.mint();
    Blobs.commit(owning, id, new byte[] {4});
    owning.close();
    owning.close(); // idempotent
    assertThatThrownBy(() -> owning.open(id, 0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");

    try (S3Client client = TestStorage.server().newClient()) {
      S3ArtifactBackend borrowing = S3ArtifactBackend.builder().client(client).bucket(bucket).build();
      borrowing.close();
      assertThat(client.headObject(r -> r.bucket(bucket).key(id.value().substring(0, 2) + "/" + id)).contentLength())
          .as("the caller's client still works").isEqualTo(1);
    }
  }
}
