package dev.eden.artifacts.s3;

import static dev.eden.artifacts.testkit.Blobs.generated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.spi.PendingBlob;
import dev.eden.artifacts.testkit.Blobs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Only "no such key" is absence: a missing bucket, refused credentials and an unreachable server
 * are {@link IOException}s from every operation, never an empty answer; the start-up check says
 * what is wrong in one line.
 */
class FailureModesTest {

  @Test
  void aMissingBucketIsAnIOExceptionNeverAbsence() throws Exception {
    try (S3ArtifactBackend backend = TestStorage.server().backendBuilder("eden-no-such-bucket").build()) {
      assertEveryOperationFails(backend, "NoSuchBucket");
      assertThatThrownBy(backend::checkBucket).isInstanceOf(IOException.class)
          .hasMessageStartingWith("S3 storage s3://eden-no-such-bucket/ is not usable: ")
          .hasMessageContaining("NoSuchBucket")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void refusedCredentialsAreAnIOException() throws Exception {
    String bucket = TestStorage.server().createBucket();
    ArtifactId id = ArtifactId.mint();
    try (S3ArtifactBackend good = TestStorage.server().backendBuilder(bucket).build()) {
      Blobs.commit(good, id, new byte[] {1, 2, 3});
    }
    try (S3ArtifactBackend backend = TestStorage.server().backendBuilder(bucket)
        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("eden-test-access-key", "wrong")))
        .build()) {
      assertThatThrownBy(() -> backend.open(id, 0)).isInstanceOf(IOException.class)
          .hasMessageContaining("SignatureDoesNotMatch").hasMessageContaining("403");
      assertEveryOperationFails(backend, "403");
      assertThatThrownBy(backend::checkBucket).isInstanceOf(IOException.class)
          .hasMessageContaining("403")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void anUnreachableServerIsAnIOException() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    try (S3ArtifactBackend backend = TestStorage.server().backendBuilder("any-bucket")
        .endpoint(URI.create("http://127.0.0.1:" + port)).build()) {
      assertEveryOperationFails(backend, "Unable to execute HTTP request");
      assertThatThrownBy(backend::checkBucket).isInstanceOf(IOException.class)
          .hasMessageContaining("S3 storage s3://any-bucket/ is not usable");
    }
  }

  @Test
  void theStartupCheckPassesOnAGoodBucketAndLeavesNothing() throws Exception {
    String bucket = TestStorage.server().createBucket();
    try (S3ArtifactBackend backend = TestStorage.server().backendBuilder(bucket).keyPrefix("check").build()) {
      backend.checkBucket();
      assertThat(TestStorage.keys(bucket, "")).isEmpty();
      assertThat(TestStorage.uploads(bucket, "")).isEmpty();
    }
  }

  private static void assertEveryOperationFails(S3ArtifactBackend backend, String why) throws Exception {
    ArtifactId id = ArtifactId.mint();
    assertFails(() -> backend.open(id, 0), why);
    assertFails(() -> backend.open(id, 10, 10), why);
    assertFails(() -> backend.delete(id), why);
    assertFails(backend::ids, why);
    assertFails(backend::blobs, why);
    assertFails(() -> backend.sweepStalePending(Duration.ZERO), why);
    try (PendingBlob small = backend.begin(id)) {
      small.output().write(generated(100, 1));
      assertFails(small::commit, why);
    }
    try (PendingBlob large = backend.begin(id)) {
      byte[] part = generated((int) backend.partSize(), 2);
      large.output().write(part);
      assertFails(() -> large.output().write(1), why); // the first part goes up here
    }
    assertThat(backend.reservedBufferBytes()).isZero();
  }

  private static void assertFails(ThrowingCallable call, String why) {
    assertThatThrownBy(call).isInstanceOf(IOException.class).hasMessageContaining(why);
  }
}
