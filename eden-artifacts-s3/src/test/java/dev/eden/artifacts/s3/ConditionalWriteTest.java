package dev.eden.artifacts.s3;

import static dev.eden.artifacts.testkit.Blobs.generated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.PendingBlob;
import dev.eden.artifacts.testkit.Blobs;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Create-only on the real server, on both write paths: a blob of at most one part is a PutObject,
 * a larger one a multipart upload; whichever path wrote an id first, a second commit through
 * either path is an {@link ArtifactAlreadyExistsException} that leaves the first bytes and no
 * upload behind. This fails on a server that ignores {@code If-None-Match: *} on either request
 * (s3proxy 3.x on CompleteMultipartUpload); {@link #theCheckCatchesAServerThatIgnoresThePrecondition}
 * proves it can.
 */
class ConditionalWriteTest {
  private static final int PART = (int) S3ArtifactBackend.MIN_PART_SIZE;

  private static String bucket() {
    return TestStorage.bucketFor(ConditionalWriteTest.class);
  }

  @ParameterizedTest(name = "first by {0}, then by {1}")
  @CsvSource({"put, put", "put, multipart", "multipart, put", "multipart, multipart"})
  void aSecondCommitThroughEitherPathNeverReplacesTheFirst(String first, String second) throws Exception {
    S3ArtifactBackend backend = TestStorage.onSharedClient(bucket()).build();
    assertCreateOnly(backend, first, second);
  }

  @Test
  void theCheckCatchesAServerThatIgnoresThePrecondition() throws Exception {
    ExecutionInterceptor dropPrecondition = new ExecutionInterceptor() {
      @Override
      public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        return "CompleteMultipartUpload".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
            ? context.httpRequest().toBuilder().removeHeader("If-None-Match").build()
            : context.httpRequest();
      }
    };
    try (S3Client client = TestStorage.server().newClient(dropPrecondition)) {
      S3ArtifactBackend backend = S3ArtifactBackend.builder().client(client).bucket(bucket())
          .keyPrefix(TestStorage.freshPrefix()).partSize(PART).build();
      assertCreateOnly(backend, "put", "put");
      assertThatThrownBy(() -> assertCreateOnly(backend, "put", "multipart")).isInstanceOf(AssertionError.class);
      assertThatThrownBy(() -> backend.checkBucket())
          .hasMessageContaining("ignores If-None-Match: * on CompleteMultipartUpload");
    }
  }

  @Test
  void aPutThatLandedBeforeTheSdkRetriedItIsNotAConflict() throws Exception {
    assertRetriedCommitSucceeds("PutObject", 1000);
  }

  @Test
  void aCompleteThatLandedBeforeTheSdkRetriedItIsNotAConflict() throws Exception {
    assertRetriedCommitSucceeds("CompleteMultipartUpload", PART + 1000);
  }

  /**
   * The first attempt of {@code operation} reaches the server and succeeds, but the client sees a
   * 500 and retries. A retried PutObject is refused with 412 (the object now exists), and the
   * writer token shows the object is this commit's own; a retried CompleteMultipartUpload is
   * answered as a repeat by s3proxy (and by S3), or refused the same way.
   */
  private static void assertRetriedCommitSucceeds(String operation, int size) throws Exception {
    AtomicBoolean failedOnce = new AtomicBoolean();
    ExecutionInterceptor loseFirstAnswer = new ExecutionInterceptor() {
      @Override
      public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        if (operation.equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
            && context.httpResponse().isSuccessful() && failedOnce.compareAndSet(false, true)) {
          return context.httpResponse().toBuilder().statusCode(500).build();
        }
        return context.httpResponse();
      }
    };
    try (S3Client client = TestStorage.server().newClient(loseFirstAnswer)) {
      S3ArtifactBackend backend = S3ArtifactBackend.builder().client(client).bucket(bucket())
          .keyPrefix(TestStorage.freshPrefix()).partSize(PART).build();
      ArtifactId id = ArtifactId.mint();
      byte[] bytes = generated(size, 7);
      Blobs.commit(backend, id, bytes);
      assertThat(failedOnce).isTrue();
      assertThat(Blobs.read(backend, id)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
      assertThat(TestStorage.uploads(bucket(), backend.keyPrefix())).isEmpty();
      // A genuine second commit is still refused.
      try (PendingBlob again = backend.begin(id)) {
        again.output().write(generated(size, 8));
        assertThatThrownBy(again::commit).isInstanceOf(ArtifactAlreadyExistsException.class);
      }
    }
  }

  /** Commits an id by {@code first}, again by {@code second}; the second must fail and change nothing. */
  private static void assertCreateOnly(S3ArtifactBackend backend, String first, String second) throws Exception {
    ArtifactId id = ArtifactId.mint();
    byte[] original = generated(sizeFor(first), 1);
    Blobs.commitInChunks(backend, id, original, 64 * 1024);
    try (PendingBlob again = backend.begin(id)) {
      byte[] other = generated(sizeFor(second), 2);
      for (int off = 0; off < other.length; off += 64 * 1024) {
        again.output().write(other, off, Math.min(64 * 1024, other.length - off));
      }
      assertThatThrownBy(again::commit)
          .as("second commit of %s (%s after %s)", id, second, first)
          .isInstanceOf(ArtifactAlreadyExistsException.class);
    }
    assertThat(Blobs.read(backend, id)).as("bytes of %s after %s then %s", id, first, second)
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(original));
    assertThat(Blobs.ids(backend)).contains(id);
    assertThat(TestStorage.uploads(backend.bucket(), backend.keyPrefix())).as("uploads left").isEmpty();
    assertThat(backend.reservedBufferBytes()).isZero();
  }

  private static int sizeFor(String path) {
    return path.equals("put") ? 3000 : PART + 4321; // multipart: two parts
  }
}
