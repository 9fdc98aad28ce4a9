package dev.eden.artifacts.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.s3.testing.TcpProxy;
import dev.eden.artifacts.spi.PendingBlob;
import dev.eden.artifacts.testkit.Blobs;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * No request to a stalled S3 server waits without bound, and a transfer whose bytes keep moving is
 * not cut: s3proxy behind a {@link TcpProxy} that stops moving bytes ({@link TcpProxy#stall()}) or
 * slows them down. Before the request time-out, a part upload to a server that stopped reading
 * blocked in the socket write for good, and a GET or PUT without an answer took four attempts of
 * 30 s each.
 */
class TimeoutsTest {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
  /** Scheduling, the SDK's timer and a busy machine. */
  private static final Duration SLACK = Duration.ofSeconds(3);
  private static final int PART = 16 * 1024 * 1024; // more than loopback socket buffers absorb

  private static S3ArtifactBackend backend(String bucket, TcpProxy proxy) {
    return TestStorage.server().backendBuilder(bucket)
        .endpoint(proxy.endpoint())
        .keyPrefix(TestStorage.freshPrefix())
        .partSize(PART)
        .bufferBudget(2L * PART)
        .requestTimeout(REQUEST_TIMEOUT)
        .readTimeout(READ_TIMEOUT)
        .build();
  }

  @Test
  void aPartUploadToAServerThatStoppedReadingFailsAfterTheRequestTimeoutAndTheNextSucceeds() throws Exception {
    String bucket = TestStorage.server().createBucket();
    try (TcpProxy proxy = TcpProxy.to(TestStorage.server().endpoint()); S3ArtifactBackend backend = backend(bucket, proxy)) {
      PendingBlob pending = backend.begin(ArtifactId.mint());
      pending.output().write(new byte[PART + 1]); // the first part is uploaded while bytes flow
      pending.output().write(new byte[PART - 1]); // the second part is whole, not yet uploaded
      proxy.stall();
      long stalledAt = System.nanoTime();
      Throwable failure = failureWithin(REQUEST_TIMEOUT.plus(SLACK).multipliedBy(3), () -> {
        pending.output().write(1); // uploads the second part: blocks in the socket write
        pending.commit();
      });
      Duration took = Duration.ofNanos(System.nanoTime() - stalledAt);
      assertThat(failure).isInstanceOf(IOException.class).hasMessageContaining("uploading part");
      // the part upload, then the abort of the multipart upload: two requests
      assertThat(took).isLessThanOrEqualTo(REQUEST_TIMEOUT.multipliedBy(2).plus(SLACK));
      pending.abort();

      proxy.resume();
      ArtifactId next = ArtifactId.mint();
      byte[] bytes = Blobs.generated(PART + 1024, 7);
      Blobs.commit(backend, next, bytes);
      assertThat(Blobs.read(backend, next)).hasValue(bytes);
    }
  }

  @Test
  void aWriteWithoutAnAnswerFailsAfterTheRequestTimeout() throws Exception {
    String bucket = TestStorage.server().createBucket();
    try (TcpProxy proxy = TcpProxy.to(TestStorage.server().endpoint()); S3ArtifactBackend backend = backend(bucket, proxy)) {
      proxy.stall();
      long stalledAt = System.nanoTime();
      Throwable failure = failureWithin(REQUEST_TIMEOUT.plus(SLACK).multipliedBy(2),
          () -> Blobs.commit(backend, ArtifactId.mint(), new byte[1000]));
      assertThat(failure).isInstanceOf(IOException.class).hasMessageStartingWith("PUT s3://" + bucket);
      assertThat(Duration.ofNanos(System.nanoTime() - stalledAt)).isLessThanOrEqualTo(REQUEST_TIMEOUT.plus(SLACK));
    }
  }

  @Test
  void aReadWithoutAnAnswerFailsAfterTheRequestTimeout() throws Exception {
    String bucket = TestStorage.server().createBucket();
    try (TcpProxy proxy = TcpProxy.to(TestStorage.server().endpoint()); S3ArtifactBackend backend = backend(bucket, proxy)) {
      ArtifactId id = ArtifactId.mint();
      Blobs.commit(backend, id, new byte[1000]);
      proxy.stall();
      long stalledAt = System.nanoTime();
      Throwable failure = failureWithin(REQUEST_TIMEOUT.plus(SLACK).multipliedBy(2), () -> backend.open(id, 0));
      assertThat(failure).isInstanceOf(IOException.class).hasMessageStartingWith("GET s3://" + bucket);
      assertThat(Duration.ofNanos(System.nanoTime() - stalledAt)).isLessThanOrEqualTo(REQUEST_TIMEOUT.plus(SLACK));
    }
  }

  @Test
  void aReadThatStallsMidObjectFailsAfterTheReadTimeout() throws Exception {
    String bucket = TestStorage.server().createBucket();
    try (TcpProxy proxy = TcpProxy.to(TestStorage.server().endpoint()); S3ArtifactBackend backend = backend(bucket, proxy)) {
      ArtifactId id = ArtifactId.mint();
      Blobs.commit(backend, id, new byte[24 * 1024 * 1024]);
      try (InputStream in = backend.open(id, 0).orElseThrow()) {
        in.readNBytes(1024 * 1024);
        proxy.stall();
        long stalledAt = System.nanoTime();
        Throwable failure = failureWithin(READ_TIMEOUT.plus(SLACK).multipliedBy(2), in::readAllBytes);
        assertThat(failure).isInstanceOf(IOException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - stalledAt)).isLessThanOrEqualTo(READ_TIMEOUT.plus(SLACK));
      }
    }
  }

  @Test
  void aSlowReadWhoseBytesKeepMovingOutlastsTheRequestTimeout() throws Exception {
    String bucket = TestStorage.server().createBucket();
    try (TcpProxy proxy = TcpProxy.to(TestStorage.server().endpoint()); S3ArtifactBackend backend = backend(bucket, proxy)) {
      ArtifactId id = ArtifactId.mint();
      byte[] bytes = Blobs.generated(2 * 1024 * 1024, 11);
      Blobs.commit(backend, id, bytes);
      proxy.delay(Duration.ofMillis(60)); // at most 16 KiB per 60 ms: the read takes 7.5 s or more
      long start = System.nanoTime();
      assertThat(Blobs.read(backend, id)).hasValue(bytes);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(REQUEST_TIMEOUT);
    }
  }

  private interface Action {
    void run() throws Exception;
  }

  /** What {@code action} throws, run in another thread; fails the test if it is still running after {@code limit}. */
  private static Throwable failureWithin(Duration limit, Action action) throws InterruptedException {
    CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
      try {
        action.run();
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    try {
      done.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return fail("the request succeeded although the server was stalled");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      return fail("the request was still waiting after " + limit.toSeconds() + " s");
    }
  }
}
