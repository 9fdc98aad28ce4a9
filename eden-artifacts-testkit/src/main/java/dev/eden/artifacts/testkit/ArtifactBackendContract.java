package dev.eden.artifacts.testkit;

import static dev.eden.artifacts.testkit.Blobs.commit;
import static dev.eden.artifacts.testkit.Blobs.generated;
import static dev.eden.artifacts.testkit.Blobs.ids;
import static dev.eden.artifacts.testkit.Blobs.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.ArtifactBackend.Capability;
import dev.eden.artifacts.spi.CommittedBlob;
import dev.eden.artifacts.spi.PendingBlob;
import dev.eden.artifacts.spi.PendingLeftover;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link ArtifactBackend} must show. Implement this interface in a JUnit 5 test
 * class and supply {@link #newBackend()}; every default method below then runs against your
 * backend:
 *
 * <pre>{@code
 * class S3ArtifactBackendTest implements ArtifactBackendContract {
 *   @Override
 *   public ArtifactBackend newBackend() {
 *     return new S3ArtifactBackend(client, freshBucket());
 *   }
 * }
 * }</pre>
 *
 * <p>Randomised checks live in {@link ArtifactBackendProperties}, which runs on the jqwik engine.
 */
public interface ArtifactBackendContract {

  /**
   * A fresh, empty backend. Called once or more per test; every call must return a backend that
   * shares no blobs with any earlier one. The test class owns cleaning up afterwards (a JUnit
   * {@code @TempDir}, {@code @AfterEach}).
   */
  ArtifactBackend newBackend() throws Exception;

  /**
   * {@link #newBackend()} wrapped in a {@link LeakTrackingBackend}: after each test, every stream
   * and pending blob the backend handed out must have been released, or the test fails. The checks
   * below use it; use it in checks of your own too.
   */
  default ArtifactBackend trackedBackend() throws Exception {
    return LeakChecks.track(this, new LeakTrackingBackend(newBackend()));
  }

  /** Fails the test that just ran if it left a stream open or a pending blob unfinished. */
  @AfterEach
  default void everyStreamAndPendingBlobWasReleased() {
    LeakChecks.verify(this);
  }

  // ---- round trips -------------------------------------------------------------------------

  @Test
  default void emptyBlobRoundTrips() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    commit(backend, id, new byte[0]);
    assertThat(read(backend, id)).hasValueSatisfying(bytes -> assertThat(bytes).isEmpty());
  }

  @Test
  default void oneByteRoundTrips() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob blob = backend.begin(id)) {
      blob.output().write(0xff);
      blob.commit();
    }
    assertThat(read(backend, id)).hasValueSatisfying(bytes -> assertThat(bytes).containsExactly(0xff));
  }

  @Test
  default void everyByteValueRoundTrips() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    byte[] bytes = Blobs.everyByteValue();
    commit(backend, id, bytes);
    assertThat(read(backend, id)).hasValueSatisfying(back -> assertThat(back).isEqualTo(bytes));
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {4095, 4096, 4097, 8191, 8192, 8193, 65535, 65536, 65537, 1048577})
  default void sizesAcrossBufferBoundariesRoundTrip(int size) throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    byte[] bytes = generated(size, size);
    commit(backend, id, bytes);
    assertThat(read(backend, id)).hasValueSatisfying(back -> assertThat(back).isEqualTo(bytes));
  }

  @Test
  default void severalMebibytesWrittenInOddChunksRoundTrip() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    byte[] bytes = generated(5 * 1024 * 1024 + 3, 5);
    Blobs.commitInChunks(backend, id, bytes, 12_345);
    assertThat(read(backend, id)).hasValueSatisfying(back -> assertThat(back).isEqualTo(bytes));
  }

  @Test
  default void pendingBlobCarriesItsId() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob blob = backend.begin(id)) {
      assertThat(blob.id()).isEqualTo(id);
    }
  }

  @Test
  default void eachOpenIsAnIndependentStream() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    byte[] bytes = generated(10_000, 7);
    commit(backend, id, bytes);
    try (InputStream first = backend.open(id, 0).orElseThrow();
        InputStream second = backend.open(id, 0).orElseThrow()) {
      assertThat(first.readNBytes(100)).isEqualTo(Arrays.copyOf(bytes, 100));
      assertThat(Blobs.readAll(second)).isEqualTo(bytes);
      assertThat(Blobs.readAll(first)).isEqualTo(Arrays.copyOfRange(bytes, 100, bytes.length));
    }
  }

  // ---- visibility and exclusive create -----------------------------------------------------

  @Test
  default void nothingIsVisibleBeforeCommit() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob blob = backend.begin(id)) {
      blob.output().write(generated(1000, 1));
      blob.output().flush();
      assertThat(backend.open(id, 0)).isEmpty();
      assertThat(ids(backend)).isEmpty();
      blob.commit();
      assertThat(ids(backend)).containsExactly(id);
    }
  }

  @Test
  default void secondCommitOfSameIdFailsAndKeepsFirstBytes() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    byte[] first = generated(3000, 1);
    commit(backend, id, first);

    try (PendingBlob second = backend.begin(id)) {
      second.output().write(generated(5000, 2));
      assertThatThrownBy(second::commit)
          .isInstanceOf(ArtifactAlreadyExistsException.class)
          .satisfies(e -> assertThat(((ArtifactAlreadyExistsException) e).id()).isEqualTo(id));
    }
    assertThat(read(backend, id)).hasValueSatisfying(back -> assertThat(back).isEqualTo(first));
    assertThat(ids(backend)).containsExactly(id);
  }

  @Test
  default void overlappingPendingBlobsOfSameIdFirstCommitWins() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    byte[] winner = generated(2000, 1);
    byte[] loser = generated(2000, 2);
    try (PendingBlob a = backend.begin(id); PendingBlob b = backend.begin(id)) {
      a.output().write(winner);
      b.output().write(loser);
      b.output().write(loser); // longer, so a partial overwrite could not hide
      a.commit();
      assertThatThrownBy(b::commit).isInstanceOf(ArtifactAlreadyExistsException.class);
    }
    assertThat(read(backend, id)).hasValueSatisfying(back -> assertThat(back).isEqualTo(winner));
  }

  @Test
  default void commitTwiceIsIllegalState() throws Exception {
    ArtifactBackend backend = trackedBackend();
    try (PendingBlob blob = backend.begin(ArtifactId.mint())) {
      blob.output().write(1);
      blob.commit();
      assertThatThrownBy(blob::commit).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  default void writingAfterCommitFails() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob blob = backend.begin(id)) {
      blob.output().write(new byte[] {1, 2, 3});
      blob.commit();
      assertThatThrownBy(() -> blob.output().write(4)).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> blob.output().write(new byte[] {5, 6}, 0, 2))
          .isInstanceOf(IOException.class);
    }
    assertThat(read(backend, id)).hasValueSatisfying(back -> assertThat(back).containsExactly(1, 2, 3));
  }

  @Test
  default void closingAfterCommitKeepsTheBlob() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    PendingBlob blob = backend.begin(id);
    blob.output().write(new byte[] {9, 8, 7});
    blob.commit();
    blob.close();
    blob.abort();
    assertThat(read(backend, id)).hasValueSatisfying(back -> assertThat(back).containsExactly(9, 8, 7));
  }

  // ---- abort ---------------------------------------------------------------------------------

  @Test
  default void abortLeavesNothing() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob blob = backend.begin(id)) {
      blob.output().write(generated(70_000, 3));
      blob.abort();
    }
    assertThat(backend.open(id, 0)).isEmpty();
    assertThat(ids(backend)).isEmpty();
    assertThat(backend.delete(id)).isFalse();
  }

  @Test
  default void closeWithoutCommitLeavesNothing() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob blob = backend.begin(id)) {
      blob.output().write(generated(70_000, 4));
    }
    assertThat(backend.open(id, 0)).isEmpty();
    assertThat(ids(backend)).isEmpty();
  }

  @Test
  default void abortOfAnUntouchedBlobLeavesNothing() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    backend.begin(id).close();
    assertThat(backend.open(id, 0)).isEmpty();
    assertThat(ids(backend)).isEmpty();
  }

  @Test
  default void abortIsIdempotentAndForbidsFurtherUse() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    PendingBlob blob = backend.begin(id);
    blob.output().write(1);
    blob.abort();
    blob.abort();
    blob.close();
    assertThatThrownBy(() -> blob.output().write(2)).isInstanceOf(IOException.class);
    assertThatThrownBy(blob::commit).isInstanceOf(IllegalStateException.class);
    assertThat(backend.open(id, 0)).isEmpty();
    assertThat(ids(backend)).isEmpty();
  }

  @Test
  default void idOfAnAbortedBlobCanStillBeCommitted() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob aborted = backend.begin(id)) {
      aborted.output().write(generated(100, 1));
    }
    byte[] bytes = generated(100, 2);
    commit(backend, id, bytes);
    assertThat(read(backend, id)).hasValueSatisfying(back -> assertThat(back).isEqualTo(bytes));
  }

  @Test
  default void failedSecondCommitDoesNotDisturbOtherBlobs() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    ArtifactId other = ArtifactId.mint();
    commit(backend, id, new byte[] {1});
    commit(backend, other, new byte[] {2});
    try (PendingBlob dup = backend.begin(id)) {
      dup.output().write(3);
      assertThatThrownBy(dup::commit).isInstanceOf(ArtifactAlreadyExistsException.class);
    }
    assertThat(ids(backend)).containsExactlyInAnyOrder(id, other);
    assertThat(read(backend, other)).hasValueSatisfying(b -> assertThat(b).containsExactly(2));
  }

  // ---- ids and lookups -----------------------------------------------------------------------

  @Test
  default void invalidIdsAreRejectedBeforeReachingTheBackend() throws Exception {
    ArtifactBackend backend = trackedBackend();
    for (String bad : InvalidIds.SAMPLES) {
      assertThatThrownBy(() -> backend.open(ArtifactId.parse(bad), 0))
          .as("id %s", bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> backend.begin(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> backend.open(null, 0)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> backend.delete(null)).isInstanceOf(NullPointerException.class);
    assertThat(ids(backend)).isEmpty();
  }

  @Test
  default void openOfAbsentIdIsEmpty() throws Exception {
    ArtifactBackend backend = trackedBackend();
    commit(backend, ArtifactId.mint(), new byte[] {1});
    assertThat(backend.open(ArtifactId.mint(), 0)).isEmpty();
    assertThat(backend.open(ArtifactId.mint(), 5)).isEmpty();
  }

  @Test
  default void openAtOffsetReturnsExactlyTheSuffix() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    byte[] bytes = generated(100_003, 11);
    commit(backend, id, bytes);
    for (long offset : new long[] {0, 1, 8192, 50_000, 100_002}) {
      assertThat(read(backend, id, offset))
          .as("offset %d", offset)
          .hasValueSatisfying(back ->
              assertThat(back).isEqualTo(Arrays.copyOfRange(bytes, (int) offset, bytes.length)));
    }
  }

  @Test
  default void openAtOrPastTheEndIsAnEmptyStream() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    commit(backend, id, generated(1000, 12));
    for (long offset : new long[] {1000, 1001, Integer.MAX_VALUE + 10L, Long.MAX_VALUE}) {
      assertThat(read(backend, id, offset))
          .as("offset %d", offset)
          .hasValueSatisfying(back -> assertThat(back).isEmpty());
      assertThat(read(backend, id, offset, 10))
          .as("ranged, offset %d", offset)
          .hasValueSatisfying(back -> assertThat(back).isEmpty());
    }
  }

  @Test
  default void negativeOffsetIsRejected() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    commit(backend, id, new byte[] {1});
    assertThatThrownBy(() -> backend.open(id, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  default void idsOfAnEmptyBackendIsEmpty() throws Exception {
    assertThat(ids(trackedBackend())).isEmpty();
  }

  @Test
  default void idsListsExactlyTheCommittedOnes() throws Exception {
    ArtifactBackend backend = trackedBackend();
    List<ArtifactId> committed = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ArtifactId id = ArtifactId.mint();
      commit(backend, id, generated(i, i));
      committed.add(id);
    }
    try (PendingBlob pending = backend.begin(ArtifactId.mint())) {
      pending.output().write(1);
      try (PendingBlob aborted = backend.begin(ArtifactId.mint())) {
        aborted.output().write(2);
        aborted.abort();
        assertThat(ids(backend)).containsExactlyInAnyOrderElementsOf(committed);
      }
    }
  }

  @Test
  default void newBackendsShareNothing() throws Exception {
    ArtifactBackend first = trackedBackend();
    commit(first, ArtifactId.mint(), new byte[] {1});
    assertThat(ids(trackedBackend())).isEmpty();
  }

  // ---- ranged open --------------------------------------------------------------------------

  @Test
  default void rangedOpenReturnsExactlyTheRange() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    byte[] bytes = generated(100_003, 13);
    commit(backend, id, bytes);
    long[][] ranges = {
      {0, 1}, {0, 100_003}, {1, 8192}, {8191, 2}, {50_000, 1}, {100_002, 1}, {0, 0}, {77, 0},
      {99_000, 5_000}, {0, Long.MAX_VALUE}, {12_345, Long.MAX_VALUE}, {Long.MAX_VALUE - 1, 5},
    };
    for (long[] range : ranges) {
      long offset = range[0];
      long length = range[1];
      int from = (int) Math.min(offset, bytes.length);
      int to = (int) Math.min(bytes.length, from + Math.min(length, bytes.length));
      assertThat(read(backend, id, offset, length))
          .as("offset %d, length %d", offset, length)
          .hasValueSatisfying(back -> assertThat(back).isEqualTo(Arrays.copyOfRange(bytes, from, to)));
    }
  }

  @Test
  default void rangedOpensOfOneBlobAreIndependent() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    byte[] bytes = generated(20_000, 15);
    commit(backend, id, bytes);
    try (InputStream head = backend.open(id, 0, 100).orElseThrow();
        InputStream tail = backend.open(id, 19_900, 100).orElseThrow()) {
      assertThat(head.readNBytes(50)).isEqualTo(Arrays.copyOf(bytes, 50));
      assertThat(Blobs.readAll(tail)).isEqualTo(Arrays.copyOfRange(bytes, 19_900, 20_000));
      assertThat(Blobs.readAll(head)).isEqualTo(Arrays.copyOfRange(bytes, 50, 100));
    }
  }

  @Test
  default void rangedOpenOfAbsentIdIsEmpty() throws Exception {
    ArtifactBackend backend = trackedBackend();
    commit(backend, ArtifactId.mint(), new byte[] {1});
    assertThat(backend.open(ArtifactId.mint(), 0, 1)).isEmpty();
    assertThat(backend.open(ArtifactId.mint(), 5, 0)).isEmpty();
  }

  @Test
  default void negativeRangeIsRejected() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    commit(backend, id, new byte[] {1});
    assertThatThrownBy(() -> backend.open(id, -1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> backend.open(id, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> backend.open(null, 0, 1)).isInstanceOf(NullPointerException.class);
  }

  // ---- a range as a channel -----------------------------------------------------------------

  /**
   * {@link ArtifactBackend#openChannel} gives exactly the range when read no further than its
   * length, whether the channel ends after the range (the default) or goes on (a file's channel).
   */
  @Test
  default void channelOpenReturnsExactlyTheRange() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    byte[] bytes = generated(100_003, 17);
    commit(backend, id, bytes);
    long[][] ranges = {
      {0, 1}, {0, 100_003}, {1, 8192}, {8191, 2}, {50_000, 1}, {100_002, 1}, {0, 0}, {77, 0},
      {99_000, 5_000}, {0, Long.MAX_VALUE}, {12_345, Long.MAX_VALUE}, {100_003, 1}, {Long.MAX_VALUE - 1, 5},
    };
    for (long[] range : ranges) {
      long offset = range[0];
      long length = range[1];
      int from = (int) Math.min(offset, bytes.length);
      int to = (int) Math.min(bytes.length, from + Math.min(length, bytes.length));
      assertThat(Blobs.readChannel(backend, id, offset, length))
          .as("offset %d, length %d", offset, length)
          .hasValueSatisfying(back -> assertThat(back).isEqualTo(Arrays.copyOfRange(bytes, from, to)));
    }
  }

  @Test
  default void channelOpenOfAbsentIdIsEmpty() throws Exception {
    ArtifactBackend backend = trackedBackend();
    commit(backend, ArtifactId.mint(), new byte[] {1});
    assertThat(backend.openChannel(ArtifactId.mint(), 0, 1)).isEmpty();
  }

  @Test
  default void negativeChannelRangeIsRejected() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    commit(backend, id, new byte[] {1});
    assertThatThrownBy(() -> backend.openChannel(id, -1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> backend.openChannel(id, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> backend.openChannel(null, 0, 1)).isInstanceOf(NullPointerException.class);
  }

  // ---- capabilities and blob listing ---------------------------------------------------------

  @Test
  default void undeclaredCapabilitiesAreUnsupported() throws Exception {
    ArtifactBackend backend = trackedBackend();
    Set<Capability> declared = backend.capabilities();
    assertThat(backend.capabilities()).isEqualTo(declared);
    if (!declared.contains(Capability.BLOB_LISTING)) {
      assertThatThrownBy(backend::blobs).isInstanceOf(UnsupportedOperationException.class);
    }
    if (!declared.contains(Capability.STALE_PENDING_SWEEP)) {
      assertThatThrownBy(() -> backend.sweepStalePending(Duration.ofDays(1)))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> backend.stalePending(Duration.ofDays(1)))
          .isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  default void blobsListsExactlyTheCommittedOnesWithSizeAndCommitTime() throws Exception {
    ArtifactBackend backend = trackedBackend();
    assumeCapability(backend, Capability.BLOB_LISTING);
    // Commit times come from the storage's clock: allow for its granularity (a second on some
    // file systems and object stores) and a little skew against this machine's clock.
    Duration tolerance = Duration.ofSeconds(5);
    Instant notBefore = Instant.now().minus(tolerance);
    List<CommittedBlob> expected = new ArrayList<>();
    for (int size : new int[] {0, 1, 4097, 70_000}) {
      ArtifactId id = ArtifactId.mint();
      commit(backend, id, generated(size, size));
      expected.add(new CommittedBlob(id, size, Instant.EPOCH));
    }
    try (PendingBlob pending = backend.begin(ArtifactId.mint())) {
      pending.output().write(generated(500, 1));
      try (PendingBlob aborted = backend.begin(ArtifactId.mint())) {
        aborted.output().write(2);
        aborted.abort();
        List<CommittedBlob> listed = Blobs.blobs(backend);
        Instant notAfter = Instant.now().plus(tolerance);
        assertThat(listed)
            .extracting(CommittedBlob::id, CommittedBlob::sizeBytes)
            .containsExactlyInAnyOrderElementsOf(expected.stream()
                .map(b -> org.assertj.core.groups.Tuple.tuple(b.id(), b.sizeBytes())).toList());
        assertThat(listed).allSatisfy(blob ->
            assertThat(blob.committedAt()).as("commit time of %s", blob.id()).isBetween(notBefore, notAfter));
      }
    }
  }

  @Test
  default void blobsAgreesWithIdsAndForgetsDeletedBlobs() throws Exception {
    ArtifactBackend backend = trackedBackend();
    assumeCapability(backend, Capability.BLOB_LISTING);
    ArtifactId kept = ArtifactId.mint();
    ArtifactId gone = ArtifactId.mint();
    commit(backend, kept, generated(10, 1));
    commit(backend, gone, generated(20, 2));
    assertThat(backend.delete(gone)).isTrue();
    assertThat(Blobs.blobs(backend)).extracting(CommittedBlob::id).containsExactly(kept);
    assertThat(ids(backend)).containsExactly(kept);
  }

  @Test
  default void blobsOfAnEmptyBackendIsEmpty() throws Exception {
    ArtifactBackend backend = trackedBackend();
    assumeCapability(backend, Capability.BLOB_LISTING);
    assertThat(Blobs.blobs(backend)).isEmpty();
  }

  @Test
  default void staleSweepSparesBlobsBeingWrittenAndCommittedOnes() throws Exception {
    ArtifactBackend backend = trackedBackend();
    assumeCapability(backend, Capability.STALE_PENDING_SWEEP);
    ArtifactId committed = ArtifactId.mint();
    commit(backend, committed, generated(100, 1));
    ArtifactId inFlight = ArtifactId.mint();
    try (PendingBlob pending = backend.begin(inFlight)) {
      pending.output().write(generated(5000, 2));
      try (Stream<PendingLeftover> stale = backend.stalePending(Duration.ofHours(1))) {
        assertThat(stale).as("leftovers older than an hour").isEmpty();
      }
      assertThat(backend.sweepStalePending(Duration.ofHours(1))).isZero();
      pending.output().write(generated(5000, 3));
      pending.commit();
    }
    assertThat(ids(backend)).containsExactlyInAnyOrder(committed, inFlight);
    assertThat(read(backend, committed)).hasValueSatisfying(b -> assertThat(b).isEqualTo(generated(100, 1)));
    assertThatThrownBy(() -> backend.sweepStalePending(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> backend.stalePending(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- delete --------------------------------------------------------------------------------

  @Test
  default void deleteRemovesTheBlob() throws Exception {
    ArtifactBackend backend = trackedBackend();
    ArtifactId id = ArtifactId.mint();
    ArtifactId kept = ArtifactId.mint();
    commit(backend, id, generated(500, 1));
    commit(backend, kept, generated(500, 2));
    assertThat(backend.delete(id)).isTrue();
    assertThat(backend.open(id, 0)).isEmpty();
    assertThat(ids(backend)).containsExactly(kept);
    assertThat(backend.delete(id)).isFalse();
    assertThat(read(backend, kept)).hasValueSatisfying(b -> assertThat(b).isEqualTo(generated(500, 2)));
  }

  @Test
  default void deleteOfAbsentIdIsFalse() throws Exception {
    assertThat(trackedBackend().delete(ArtifactId.mint())).isFalse();
  }

  // ---- concurrency ---------------------------------------------------------------------------

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  default void concurrentCommitsOfDistinctIdsAllReadBack() throws Exception {
    ArtifactBackend backend = trackedBackend();
    int threads = 8;
    int perThread = 12;
    ArtifactId[][] ids = new ArtifactId[threads][perThread];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit((Callable<Void>) () -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            ArtifactId id = ArtifactId.mint();
            ids[thread][i] = id;
            Blobs.commitInChunks(backend, id, generated(1000 + thread * 997 + i * 31, seed(thread, i)), 777);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<ArtifactId> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        byte[] expected = generated(1000 + t * 997 + i * 31, seed(t, i));
        assertThat(read(backend, ids[t][i])).hasValueSatisfying(b -> assertThat(b).isEqualTo(expected));
        all.add(ids[t][i]);
      }
    }
    assertThat(ids(backend)).containsExactlyInAnyOrderElementsOf(all);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  default void threadsRacingToCommitTheSameIdExactlyOneWins() throws Exception {
    ArtifactBackend backend = trackedBackend();
    int threads = 8;
    for (int round = 0; round < 5; round++) {
      ArtifactId id = ArtifactId.mint();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<Boolean>> outcomes = new ArrayList<>();
      try {
        CountDownLatch written = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
          byte[] bytes = generated(20_000, seed(round, t));
          outcomes.add(pool.submit(() -> {
            try (PendingBlob blob = backend.begin(id)) {
              blob.output().write(bytes);
              written.countDown();
              written.await(); // every writer is ready before anyone commits
              try {
                blob.commit();
                return true;
              } catch (ArtifactAlreadyExistsException e) {
                return false;
              }
            }
          }));
        }
        List<Integer> winners = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          if (outcomes.get(t).get(60, TimeUnit.SECONDS)) {
            winners.add(t);
          }
        }
        assertThat(winners).as("round %d winners", round).hasSize(1);
        byte[] expected = generated(20_000, seed(round, winners.get(0)));
        assertThat(read(backend, id)).hasValueSatisfying(b -> assertThat(b).isEqualTo(expected));
      } finally {
        pool.shutdownNow();
      }
      assertThat(ids(backend)).hasSize(round + 1).contains(id);
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  default void threadsRacingToDeleteOneBlobExactlyOneSeesIt() throws Exception {
    ArtifactBackend backend = trackedBackend();
    int threads = 8;
    for (int round = 0; round < 5; round++) {
      ArtifactId id = ArtifactId.mint();
      commit(backend, id, generated(100, round));
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          outcomes.add(pool.submit(() -> {
            start.await();
            return backend.delete(id);
          }));
        }
        start.countDown();
        int deleted = 0;
        for (Future<Boolean> outcome : outcomes) {
          deleted += outcome.get(60, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(deleted).as("round %d deletes reporting the blob", round).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
    }
    assertThat(ids(backend)).isEmpty();
  }

  /** Skips the calling test, visibly, unless {@code backend} declares {@code capability}. */
  private static void assumeCapability(ArtifactBackend backend, Capability capability) {
    assumeTrue(backend.capabilities().contains(capability),
        () -> backend + " does not declare " + capability);
  }

  private static long seed(int a, int b) {
    return a * 1_000_003L + b;
  }
}
