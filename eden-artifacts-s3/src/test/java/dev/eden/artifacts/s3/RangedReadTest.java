package dev.eden.artifacts.s3;

import static dev.eden.artifacts.testkit.Blobs.generated;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.FetchedArtifact;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.s3.RequestLog.Sent;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import dev.eden.artifacts.testkit.Blobs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every read is exactly one GetObject, with a Range header only when it is not the whole object
 * from offset 0, counted on a caller-built client through an SDK interceptor.
 */
class RangedReadTest {
  private static final RequestLog log = new RequestLog();
  private static S3Client client;
  private String bucket;
  private S3ArtifactBackend backend;

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
  }

  @BeforeEach
  void newBackend() {
    synchronized (RangedReadTest.class) {
      if (client == null) {
        client = TestStorage.server().newClient(log);
      }
    }
    bucket = TestStorage.bucketFor(getClass());
    log.clear();
    backend = S3ArtifactBackend.builder().client(client).bucket(bucket)
        .keyPrefix(TestStorage.freshPrefix()).build();
  }

  @Test
  void wholeReadFromZeroSendsNoRange() throws Exception {
    byte[] bytes = generated(10_000, 1);
    ArtifactId id = committed(bytes);
    assertThat(Blobs.read(backend, id)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
    assertThat(log.of("GetObject")).containsExactly(new Sent("GetObject", null));
    log.clear();
    assertThat(Blobs.read(backend, id, 0, Long.MAX_VALUE)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
    assertThat(log.all()).containsExactly(new Sent("GetObject", null));
  }

  @Test
  void wholeFetchThroughTheServiceSendsNoRange() throws Exception {
    ArtifactService service = ArtifactService.builder()
        .backend(backend).store(new InMemoryArtifactStore()).build();
    ExperimentId experiment = ExperimentId.mint();
    for (int size : new int[] {10_000, 0}) {
      byte[] bytes = generated(size, 2);
      String uri = service.deposit(experiment, Principal.admin(), "a.bin", "application/octet-stream",
          new ByteArrayInputStream(bytes)).artifactsUri();
      log.clear();
      try (FetchedArtifact fetched = service.open(experiment, Principal.admin(), uri)) {
        assertThat(fetched.content().readAllBytes()).isEqualTo(bytes);
      }
      assertThat(log.all()).containsExactly(new Sent("GetObject", null));
    }
  }

  @Test
  void emptyObjectReadsWholeWithoutRange() throws Exception {
    ArtifactId id = committed(new byte[0]);
    assertThat(Blobs.read(backend, id)).hasValueSatisfying(b -> assertThat(b).isEmpty());
    assertThat(log.all()).containsExactly(new Sent("GetObject", null));
  }

  @Test
  void readsAtAnOffsetAskForExactlyTheirBytes() throws Exception {
    byte[] bytes = generated(10_000, 2);
    ArtifactId id = committed(bytes);
    assertThat(Blobs.read(backend, id, 1)).hasValueSatisfying(b ->
        assertThat(b).isEqualTo(Arrays.copyOfRange(bytes, 1, 10_000)));
    assertThat(Blobs.read(backend, id, 4000, 10)).hasValueSatisfying(b ->
        assertThat(b).isEqualTo(Arrays.copyOfRange(bytes, 4000, 4010)));
    assertThat(Blobs.read(backend, id, 0, 5)).hasValueSatisfying(b ->
        assertThat(b).isEqualTo(Arrays.copyOf(bytes, 5)));
    assertThat(Blobs.read(backend, id, 9_990, 1_000)).hasValueSatisfying(b ->
        assertThat(b).isEqualTo(Arrays.copyOfRange(bytes, 9_990, 10_000)));
    assertThat(Blobs.read(backend, id, 7, Long.MAX_VALUE - 3)).hasValueSatisfying(b ->
        assertThat(b).isEqualTo(Arrays.copyOfRange(bytes, 7, 10_000)));
    assertThat(log.all()).containsExactly(
        new Sent("GetObject", "bytes=1-"),
        new Sent("GetObject", "bytes=4000-4009"),
        new Sent("GetObject", "bytes=0-4"),
        new Sent("GetObject", "bytes=9990-10989"),
        new Sent("GetObject", "bytes=7-"));
  }

  @Test
  void readsAtOrPastTheEndAreOneRequestAndEmpty() throws Exception {
    ArtifactId id = committed(generated(1000, 3));
    ArtifactId empty = committed(new byte[0]);
    assertThat(Blobs.read(backend, id, 1000)).hasValueSatisfying(b -> assertThat(b).isEmpty());
    assertThat(Blobs.read(backend, id, 5000, 10)).hasValueSatisfying(b -> assertThat(b).isEmpty());
    assertThat(Blobs.read(backend, empty, 0, 10)).hasValueSatisfying(b -> assertThat(b).isEmpty());
    assertThat(Blobs.read(backend, empty, 3)).hasValueSatisfying(b -> assertThat(b).isEmpty());
    assertThat(log.all()).extracting(Sent::range)
        .containsExactly("bytes=1000-", "bytes=5000-5009", "bytes=0-9", "bytes=3-");
  }

  @Test
  void zeroLengthReadsAskForOneByteToLearnWhetherTheBlobExists() throws Exception {
    ArtifactId id = committed(generated(1000, 4));
    assertThat(Blobs.read(backend, id, 10, 0)).hasValueSatisfying(b -> assertThat(b).isEmpty());
    assertThat(backend.open(ArtifactId.mint(), 10, 0)).isEmpty();
    assertThat(log.all()).extracting(Sent::range).containsExactly("bytes=10-10", "bytes=10-10");
  }

  @Test
  void absentBlobIsOneRequestAndEmpty() throws Exception {
    assertThat(backend.open(ArtifactId.mint(), 0)).isEmpty();
    assertThat(backend.open(ArtifactId.mint(), 5, 5)).isEmpty();
    assertThat(log.all()).extracting(Sent::range).containsExactly(null, "bytes=5-9");
  }

  @Test
  void aStreamClosedEarlyLeavesTheClientUsable() throws Exception {
    byte[] bytes = generated(1024 * 1024, 5);
    ArtifactId id = committed(bytes);
    for (int i = 0; i < 55; i++) { // more than the connection pool holds, if closing leaked them
      try (InputStream in = backend.open(id, 0).orElseThrow()) {
        assertThat(in.readNBytes(10)).isEqualTo(Arrays.copyOf(bytes, 10));
      }
    }
    assertThat(Blobs.read(backend, id, 100, 10)).hasValueSatisfying(b ->
        assertThat(b).isEqualTo(Arrays.copyOfRange(bytes, 100, 110)));
  }

  @Test
  void aServerThatIgnoresRangeStillGivesExactlyTheRange() throws Exception {
    byte[] bytes = generated(10_000, 6);
    ArtifactId id = committed(bytes);
    ExecutionInterceptor dropRange = new ExecutionInterceptor() {
      @Override
      public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        return context.httpRequest().toBuilder().removeHeader("Range").build();
      }
    };
    try (S3Client ignoring = TestStorage.server().newClient(dropRange)) {
      S3ArtifactBackend ranged = S3ArtifactBackend.builder().client(ignoring).bucket(bucket)
          .keyPrefix(backend.keyPrefix()).build();
      assertThat(Blobs.read(ranged, id, 1234, 100)).hasValueSatisfying(b ->
          assertThat(b).isEqualTo(Arrays.copyOfRange(bytes, 1234, 1334)));
      assertThat(Blobs.read(ranged, id, 9_000)).hasValueSatisfying(b ->
          assertThat(b).isEqualTo(Arrays.copyOfRange(bytes, 9_000, 10_000)));
      assertThat(Blobs.read(ranged, id, 20_000)).hasValueSatisfying(b -> assertThat(b).isEmpty());
      Optional<InputStream> none = ranged.open(id, 5, 0);
      assertThat(none).hasValueSatisfying(in -> assertThat(in).isEmpty());
    }
  }

  private ArtifactId committed(byte[] bytes) throws Exception {
    ArtifactId id = ArtifactId.mint();
    Blobs.commit(backend, id, bytes);
    log.clear();
    return id;
  }
}
