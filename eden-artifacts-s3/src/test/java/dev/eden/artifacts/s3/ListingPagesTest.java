package dev.eden.artifacts.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.spi.CommittedBlob;
import dev.eden.artifacts.testkit.Blobs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Listings and the sweep page through results. The client asks for three keys or uploads a page
 * (an interceptor adds {@code max-keys}/{@code max-uploads}), so a handful of objects makes several
 * pages; {@code ids()} reads the first page at once and the rest only as it is consumed.
 */
class ListingPagesTest {
  private static final RequestLog log = new RequestLog();
  private static S3Client client;
  private String bucket;

  @BeforeEach
  void start() {
    bucket = TestStorage.bucketFor(getClass());
    synchronized (ListingPagesTest.class) {
      if (client == null) {
        client = TestStorage.server().newClient(new SmallPages(), log);
      }
    }
  }

  /** Asks for three keys or uploads a listing page. */
  private static final class SmallPages implements ExecutionInterceptor {
    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
      String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
      return switch (operation) {
        case "ListObjectsV2" -> context.httpRequest().toBuilder().putRawQueryParameter("max-keys", "3").build();
        case "ListMultipartUploads" -> context.httpRequest().toBuilder().putRawQueryParameter("max-uploads", "3").build();
        default -> context.httpRequest();
      };
    }
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void idsAndBlobsReadEveryPageLazily() throws Exception {
    S3ArtifactBackend backend = S3ArtifactBackend.builder().client(client).bucket(bucket)
        .keyPrefix(TestStorage.freshPrefix()).build();
    List<ArtifactId> committed = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ArtifactId id = ArtifactId.mint();
      Blobs.commit(backend, id, new byte[i]);
      committed.add(id);
    }
    log.clear();
    try (Stream<ArtifactId> ids = backend.ids()) {
      assertThat(log.of("ListObjectsV2")).as("pages read before consuming").hasSize(1);
      assertThat(ids.toList()).containsExactlyInAnyOrderElementsOf(committed);
    }
    assertThat(log.of("ListObjectsV2")).as("pages of 3 for 10 keys").hasSize(4);
    assertThat(Blobs.blobs(backend)).extracting(CommittedBlob::id).containsExactlyInAnyOrderElementsOf(committed);
  }

  @Test
  void theSweepAbortsStaleUploadsOnEveryPage() throws Exception {
    S3ArtifactBackend backend = S3ArtifactBackend.builder().client(client).bucket(bucket)
        .keyPrefix(TestStorage.freshPrefix()).build();
    for (int i = 0; i < 8; i++) {
      ArtifactId id = ArtifactId.mint();
      String key = backend.keyPrefix() + id.value().substring(0, 2) + "/" + id;
      client.createMultipartUpload(r -> r.bucket(bucket).key(key));
      if (i % 3 == 0) {
        client.createMultipartUpload(r -> r.bucket(bucket).key(key)); // two uploads of one key
      }
    }
    Thread.sleep(20);
    log.clear();
    assertThat(backend.sweepStalePending(Duration.ZERO)).isEqualTo(11);
    assertThat(log.of("ListMultipartUploads")).hasSizeGreaterThanOrEqualTo(4);
    assertThat(TestStorage.uploads(bucket, backend.keyPrefix())).isEmpty();
  }
}
