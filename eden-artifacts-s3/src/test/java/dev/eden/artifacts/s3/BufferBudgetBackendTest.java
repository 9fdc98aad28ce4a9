package dev.eden.artifacts.s3;

import static dev.eden.artifacts.testkit.Blobs.generated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.spi.PendingBlob;
import dev.eden.artifacts.testkit.Blobs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shared buffer budget on the real server: many large blobs written at once through a budget
 * of two parts all complete (no deadlock although every writer holds a partly filled buffer while
 * it waits), the budget is never exceeded, and small blobs do not each reserve a part.
 */
class BufferBudgetBackendTest {
  private static final long PART = S3ArtifactBackend.MIN_PART_SIZE;

  @Test
  void manyLargeBlobsThroughASmallBudgetAllCompleteWithinIt() throws Exception {
    S3ArtifactBackend backend = TestStorage.onSharedClient(TestStorage.bucketFor(getClass())).bufferBudget(2 * PART).build();
    int writers = 10;
    int chunk = 64 * 1024;
    List<ArtifactId> ids = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      ids.add(ArtifactId.mint());
    }
    // Every writer first holds a partly filled buffer; then all need more than the budget has.
    CyclicBarrier allHold = new CyclicBarrier(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
          ArtifactId id = ids.get(i);
          byte[] bytes = generated((int) PART + 100_000 + i, i);
          done.add(pool.submit(() -> {
            try (PendingBlob blob = backend.begin(id)) {
              blob.output().write(bytes, 0, chunk);
              allHold.await(30, TimeUnit.SECONDS);
              for (int off = chunk; off < bytes.length; off += chunk) {
                blob.output().write(bytes, off, Math.min(chunk, bytes.length - off));
              }
              blob.commit();
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      });
    } finally {
      pool.shutdownNow();
    }
    assertThat(backend.peakReservedBufferBytes()).isLessThanOrEqualTo(2 * PART).isGreaterThan(PART);
    assertThat(backend.reservedBufferBytes()).isZero();
    for (int i = 0; i < writers; i++) {
      byte[] expected = generated((int) PART + 100_000 + i, i);
      assertThat(Blobs.read(backend, ids.get(i))).hasValueSatisfying(b -> assertThat(b).isEqualTo(expected));
    }
  }

  @Test
  void smallBlobsDoNotEachReserveAPart() throws Exception {
    S3ArtifactBackend backend = TestStorage.onSharedClient(TestStorage.bucketFor(getClass())).bufferBudget(2 * PART).build();
    int count = 300; // a whole part each would allow 2 at once
    List<PendingBlob> open = new ArrayList<>();
    try {
      assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
        for (int i = 0; i < count; i++) {
          PendingBlob blob = backend.begin(ArtifactId.mint());
          open.add(blob);
          blob.output().write(generated(4096, i));
        }
      });
      assertThat(backend.reservedBufferBytes()).isEqualTo(count * 8L * 1024);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> commits = new ArrayList<>();
        for (PendingBlob blob : open) {
          commits.add(pool.submit(() -> {
            blob.commit();
            return null;
          }));
        }
        for (Future<?> f : commits) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    } finally {
      for (PendingBlob blob : open) {
        blob.close();
      }
    }
    assertThat(backend.reservedBufferBytes()).isZero();
    assertThat(Blobs.ids(backend)).hasSize(count);
    assertThat(Blobs.read(backend, open.get(123).id()))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(generated(4096, 123)));
  }

  @Test
  void aPendingBlobDroppedWithoutCloseGivesItsBudgetBack() throws Exception {
    S3ArtifactBackend backend = TestStorage.onSharedClient(TestStorage.bucketFor(getClass())).bufferBudget(PART).build();
    abandon(backend);
    assertThat(backend.reservedBufferBytes()).isPositive();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (backend.reservedBufferBytes() > 0 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(50);
    }
    assertThat(backend.reservedBufferBytes()).isZero();
  }

  private static void abandon(S3ArtifactBackend backend) throws Exception {
    PendingBlob blob = backend.begin(ArtifactId.mint());
    blob.output().write(generated(100_000, 1));
  }
}
