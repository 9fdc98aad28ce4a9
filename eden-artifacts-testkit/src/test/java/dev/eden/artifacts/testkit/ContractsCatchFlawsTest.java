package dev.eden.artifacts.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.testkit.FlawedBackend.Flaw;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the contracts against implementations with one deliberate flaw each and checks that the
 * checks meant to catch that flaw fail: a contract that passes on a broken backend proves nothing.
 * (The flawed suites are nested classes, which the build itself never runs.)
 */
class ContractsCatchFlawsTest {

  @Test
  void overwritingBackendIsCaught() {
    assertThat(failuresOf(Overwrites.class)).contains(
        "secondCommitOfSameIdFailsAndKeepsFirstBytes",
        "overlappingPendingBlobsOfSameIdFirstCommitWins",
        "failedSecondCommitDoesNotDisturbOtherBlobs",
        "threadsRacingToCommitTheSameIdExactlyOneWins");
  }

  @Test
  void backendPublishingAbortedBlobsIsCaught() {
    assertThat(failuresOf(PublishesOnAbort.class)).contains(
        "abortLeavesNothing", "closeWithoutCommitLeavesNothing", "abortOfAnUntouchedBlobLeavesNothing",
        "abortIsIdempotentAndForbidsFurtherUse", "idsListsExactlyTheCommittedOnes");
  }

  @Test
  void backendShowingPendingBytesIsCaught() {
    assertThat(failuresOf(VisibleBeforeCommit.class)).contains("nothingIsVisibleBeforeCommit");
  }

  @Test
  void backendIgnoringTheOffsetIsCaughtByContractAndProperty() {
    assertThat(failuresOf(IgnoresOffset.class)).contains("openAtOffsetReturnsExactlyTheSuffix", "openAtOrPastTheEndIsAnEmptyStream");
    assertThat(failuresOf(IgnoresOffsetProperties.class)).contains("openAtAnyOffsetReturnsExactlyTheSuffix");
  }

  @Test
  void backendLosingBytesIsCaught() {
    assertThat(failuresOf(TruncatesLargeBlobs.class)).contains(
        "sizesAcrossBufferBoundariesRoundTrip", "severalMebibytesWrittenInOddChunksRoundTrip");
  }

  @Test
  void unscopedStoreIsCaughtByContractAndProperty() {
    assertThat(failuresOf(Unscoped.class)).contains("findInAnotherExperimentIsEmpty", "duplicateIdInAnotherExperimentIsRejected");
    assertThat(failuresOf(UnscopedProperties.class)).contains("rowsAreOnlyVisibleInTheirExperiment");
  }

  @Test
  void overwritingStoreIsCaught() {
    assertThat(failuresOf(OverwritingStore.class)).contains(
        "duplicateIdIsRejectedAndFirstRowKept", "threadsRacingToCreateTheSameIdExactlyOneWins");
  }

  @Test
  void inclusiveCutoffIsCaught() {
    assertThat(failuresOf(InclusiveCutoff.class)).contains("idsCreatedBeforeExcludesTheCutoffItself");
  }

  @Test
  void lostMillisecondsAreCaught() {
    assertThat(failuresOf(SecondPrecision.class)).contains("createdAtKeepsMillisecondsInUtc", "createThenFindReturnsEveryField");
  }

  @Test
  void wrongOrderIsCaught() {
    assertThat(failuresOf(NewestFirst.class)).contains("idsCreatedBeforeListsOldestFirst", "idsCreatedBeforeHonoursTheLimit");
  }

  @Test
  void cutLongValuesAreCaught() {
    assertThat(failuresOf(CutsAt255.class)).containsExactly("longestSanitisedValuesRoundTrip");
  }

  @Test
  void rangedOpenReadingTooMuchIsCaught() {
    assertThat(failuresOf(RangeReadsTooMuch.class)).contains(
        "rangedOpenReturnsExactlyTheRange", "rangedOpensOfOneBlobAreIndependent");
  }

  @Test
  void rangedOpenIgnoringTheOffsetIsCaught() {
    assertThat(failuresOf(RangeIgnoresOffset.class)).contains(
        "rangedOpenReturnsExactlyTheRange", "openAtOrPastTheEndIsAnEmptyStream", "rangedOpensOfOneBlobAreIndependent");
    assertThat(failuresOf(RangeIgnoresOffsetProperties.class)).contains("rangedOpenReturnsExactlyTheRequestedBytes");
  }

  @Test
  void channelIgnoringTheOffsetIsCaught() {
    assertThat(failuresOf(ChannelIgnoresOffset.class)).contains("channelOpenReturnsExactlyTheRange");
  }

  @Test
  void lyingDeleteIsCaught() {
    assertThat(failuresOf(DeleteLies.class)).contains(
        "deleteOfAbsentIdIsFalse", "deleteRemovesTheBlob", "threadsRacingToDeleteOneBlobExactlyOneSeesIt",
        "abortLeavesNothing");
  }

  @Test
  void listingTheWriteTimeAsCommitTimeIsCaught() {
    assertThat(failuresOf(ListsWriteTime.class)).contains("blobsListsExactlyTheCommittedOnesWithSizeAndCommitTime");
  }

  @Test
  void leftOpenStreamsAndPendingBlobsAreCaught() {
    assertThat(failuresOf(Leaky.class)).containsExactly(
        "leavesAListingOpen", "leavesAPendingBlobUnfinished", "leavesARangedStreamOpen", "leavesAStreamOpen");
  }

  @Test
  void offsetPagingIsCaught() {
    assertThat(failuresOf(OffsetPaging.class)).contains("cursorStaysValidWhileRowsAreInsertedAroundIt");
  }

  @Test
  void pageRepeatingTheCursorRowIsCaught() {
    assertThat(failuresOf(InclusiveCursorProperties.class)).contains("followingNextCursorsListsTheMatchingRowsNewestFirst");
    assertThat(failuresOf(InclusiveCursor.class)).contains(
        "pagingVisitsEveryRowOnceInOrderWhateverTheLimit", "cursorStaysValidWhileRowsAreInsertedAroundIt",
        "cursorTokenContinuesTheListing", "pagesNeverSkipOrRepeatARowWhileOthersAreCreated");
  }

  @Test
  void ignoredDepositorFilterIsCaught() {
    assertThat(failuresOf(IgnoresCreatedBy.class)).contains("pageFiltersByDepositorAcrossPages");
  }

  @Test
  void cursorOnTheLastPageIsCaught() {
    assertThat(failuresOf(CursorOnLastPage.class)).contains(
        "nextCursorIsPresentExactlyWhenRowsRemain", "pagingVisitsEveryRowOnceInOrderWhateverTheLimit");
  }

  @Test
  void unscopedSummaryIsCaught() {
    assertThat(failuresOf(UnscopedSummary.class)).contains(
        "summarizeCountsRowsAndBytesOverallAndPerDepositor", "summaryOfAnEmptyExperimentIsZero");
  }

  @Test
  void soundImplementationsFailNothing() {
    assertThat(failuresOf(InMemoryArtifactBackendContractTest.class)).isEmpty();
    assertThat(failuresOf(InMemoryArtifactStoreContractTest.class)).isEmpty();
    assertThat(failuresOf(DefaultMethodsBackendContractTest.class)).isEmpty();
    assertThat(failuresOf(DefaultMethodsStoreContractTest.class)).isEmpty();
  }

  /** Names of the test methods of {@code suite} that failed. */
  private static Set<String> failuresOf(Class<?> suite) {
    Set<String> failed = new TreeSet<>();
    Set<String> run = new TreeSet<>();
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(suite))
        .configurationParameter("jqwik.reporting.onlyfailures", "true")
        .configurationParameter("jqwik.database", "target/jqwik-database-flaws")
        .configurationParameter("jqwik.shrinking.default", "OFF") // a failure is all we need here
        .configurationParameter("jqwik.reporting.usejunitplatform", "true") // keep expected failures out of the log
        .build();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(request, new TestExecutionListener() {
      @Override
      public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast).ifPresent(source -> {
          run.add(source.getMethodName());
          if (result.getStatus() == TestExecutionResult.Status.FAILED) { // not ABORTED: a skip is no failure
            failed.add(source.getMethodName());
          }
        });
      }
    });
    assertThat(run).as("tests run in %s", suite.getSimpleName()).isNotEmpty();
    return failed;
  }

  static class Overwrites implements ArtifactBackendContract {
    @Override
    public ArtifactBackend newBackend() {
      return new FlawedBackend(Flaw.OVERWRITES);
    }
  }

  static class PublishesOnAbort implements ArtifactBackendContract {
    @Override
    public ArtifactBackend newBackend() {
      return new FlawedBackend(Flaw.PUBLISHES_ON_ABORT);
    }
  }

  static class VisibleBeforeCommit implements ArtifactBackendContract {
    @Override
    public ArtifactBackend newBackend() {
      return new FlawedBackend(Flaw.VISIBLE_BEFORE_COMMIT);
    }
  }

  static class IgnoresOffset implements ArtifactBackendContract {
    @Override
    public ArtifactBackend newBackend() {
      return new FlawedBackend(Flaw.IGNORES_OFFSET);
    }
  }

  static class IgnoresOffsetProperties implements ArtifactBackendProperties {
    @Override
    public ArtifactBackend newBackend() {
      return new FlawedBackend(Flaw.IGNORES_OFFSET);
    }
  }

  static class TruncatesLargeBlobs implements ArtifactBackendContract {
    @Override
    public ArtifactBackend newBackend() {
      return new FlawedBackend(Flaw.TRUNCATES_LARGE_BLOBS);
    }
  }

  static class Unscoped implements ArtifactStoreContract {
    @Override
    public ArtifactStore newStore() {
      return new FlawedStore(FlawedStore.Flaw.UNSCOPED);
    }
  }

  static class UnscopedProperties implements ArtifactStoreProperties {
    @Override
    public ArtifactStore newStore() {
      return new FlawedStore(FlawedStore.Flaw.UNSCOPED);
    }
  }

  static class OverwritingStore implements ArtifactStoreContract {
    @Override
    public ArtifactStore newStore() {
      return new FlawedStore(FlawedStore.Flaw.OVERWRITES);
    }
  }

  static class InclusiveCutoff implements ArtifactStoreContract {
    @Override
    public ArtifactStore newStore() {
      return new FlawedStore(FlawedStore.Flaw.INCLUSIVE_CUTOFF);
    }
  }

  static class SecondPrecision implements ArtifactStoreContract {
    @Override
    public ArtifactStore newStore() {
      return new FlawedStore(FlawedStore.Flaw.SECOND_PRECISION);
    }
  }

  static class NewestFirst implements ArtifactStoreContract {
    @Override
    public ArtifactStore newStore() {
      return new FlawedStore(FlawedStore.Flaw.NEWEST_FIRST);
    }
  }

  static class CutsAt255 implements ArtifactStoreContract {
    @Override
    public ArtifactStore newStore() {
      return new FlawedStore(FlawedStore.Flaw.CUTS_AT_255);
    }
  }

  static class RangeReadsTooMuch implements ArtifactBackendContract {
    @Override
    public ArtifactBackend newBackend() {
      return new FlawedBackend(Flaw.RANGE_READS_TOO_MUCH);
    }
  }

  static class ChannelIgnoresOffset implements ArtifactBackendContract {
    @Override
    public ArtifactBackend newBackend() {
      return new FlawedBackend(Flaw.CHANNEL_IGNORES_OFFSET);
    }
  }

  static class RangeIgnoresOffset implements ArtifactBackendContract {
    @Override
    public ArtifactBackend newBackend() {
      return new FlawedBackend(Flaw.RANGE_IGNORES_OFFSET);
    }
  }

  static class DeleteLies implements ArtifactBackendContract {
    @Override
    public ArtifactBackend newBackend() {
      return new FlawedBackend(Flaw.DELETE_LIES);
    }
  }

  static class ListsWriteTime implements ArtifactBackendContract {
    @Override
    public ArtifactBackend newBackend() {
      return new FlawedBackend(Flaw.LISTS_WRITE_TIME);
    }
  }

  static class OffsetPaging implements ArtifactStoreContract {
    @Override
    public ArtifactStore newStore() {
      return new FlawedStore(FlawedStore.Flaw.OFFSET_PAGING);
    }
  }

  static class InclusiveCursor implements ArtifactStoreContract {
    @Override
    public ArtifactStore newStore() {
      return new FlawedStore(FlawedStore.Flaw.INCLUSIVE_CURSOR);
    }
  }

  static class IgnoresCreatedBy implements ArtifactStoreContract {
    @Override
    public ArtifactStore newStore() {
      return new FlawedStore(FlawedStore.Flaw.IGNORES_CREATED_BY);
    }
  }

  static class CursorOnLastPage implements ArtifactStoreContract {
    @Override
    public ArtifactStore newStore() {
      return new FlawedStore(FlawedStore.Flaw.CURSOR_ON_LAST_PAGE);
    }
  }

  static class UnscopedSummary implements ArtifactStoreContract {
    @Override
    public ArtifactStore newStore() {
      return new FlawedStore(FlawedStore.Flaw.UNSCOPED_SUMMARY);
    }
  }

  /** A sound backend whose own extra checks forget to release what they open. */
  static class Leaky implements ArtifactBackendContract {
    @Override
    public ArtifactBackend newBackend() {
      return new InMemoryArtifactBackend();
    }

    @Test
    void leavesAStreamOpen() throws Exception {
      ArtifactBackend backend = trackedBackend();
      ArtifactId id = ArtifactId.mint();
      Blobs.commit(backend, id, new byte[] {1, 2});
      backend.open(id, 1).orElseThrow().read();
    }

    @Test
    void leavesARangedStreamOpen() throws Exception {
      ArtifactBackend backend = trackedBackend();
      ArtifactId id = ArtifactId.mint();
      Blobs.commit(backend, id, new byte[] {1, 2});
      backend.open(id, 0, 1).orElseThrow();
    }

    @Test
    void leavesAPendingBlobUnfinished() throws Exception {
      trackedBackend().begin(ArtifactId.mint()).output().write(1);
    }

    @Test
    void leavesAListingOpen() throws Exception {
      assertThat(trackedBackend().blobs().count()).isZero(); // consumed, never closed
    }
  }

  static class RangeIgnoresOffsetProperties implements ArtifactBackendProperties {
    @Override
    public ArtifactBackend newBackend() {
      return new FlawedBackend(Flaw.RANGE_IGNORES_OFFSET);
    }
  }

  static class InclusiveCursorProperties implements ArtifactStoreProperties {
    @Override
    public ArtifactStore newStore() {
      return new FlawedStore(FlawedStore.Flaw.INCLUSIVE_CURSOR);
    }
  }
}
