package dev.eden.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.spi.ArtifactPage;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.ArtifactSummary;
import dev.eden.artifacts.spi.PageRequest;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Who may list and sum up an experiment's artifacts, decided by the access policy alone. */
class ArtifactServiceListingTest {
  private static final Principal WORKER = Principal.worker(Principal.mintWorkerId());
  private static final Principal ADMINS_MEMBER =
      Principal.worker(Principal.mintWorkerId()).withGroup(Principal.ADMINS_GROUP);
  private final ExperimentId experiment = ExperimentId.mint();

  @Test
  void adminAndAdminsMembersListNewestFirstAndSumUp() throws IOException {
    ArtifactService service = service(new InMemoryArtifactStore(), AccessPolicy.depositorOrAdminClass());
    DepositResult first = deposit(service, WORKER, new byte[3]);
    DepositResult second = deposit(service, Principal.admin(), new byte[5]);
    for (Principal operator : List.of(Principal.admin(), ADMINS_MEMBER)) {
      ArtifactPage page = service.list(experiment, operator, PageRequest.first(10));
      assertThat(page.artifacts()).extracting(ArtifactMetadata::uri)
          .containsExactly(second.artifactsUri(), first.artifactsUri());
      assertThat(page.nextCursor()).isEmpty();
      ArtifactSummary summary = service.summarize(experiment, operator);
      assertThat(summary.overall()).isEqualTo(new ArtifactSummary.Totals(2, 8));
      assertThat(summary.byDepositor()).isEqualTo(Map.of(
          WORKER, new ArtifactSummary.Totals(1, 3), Principal.admin(), new ArtifactSummary.Totals(1, 5)));
    }
  }

  @Test
  void aWorkerMayNotListEvenItsOwnExperimentsArtifactsAndNoRowIsRead() throws IOException {
    AtomicInteger reads = new AtomicInteger();
    ArtifactService service = service(countingPages(reads), AccessPolicy.depositorOrAdminClass());
    deposit(service, WORKER, new byte[1]);
    assertThatThrownBy(() -> service.list(experiment, WORKER, PageRequest.first(10)))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> service.summarize(experiment, WORKER))
        .isInstanceOf(ForbiddenException.class);
    // a look-alike group is not the reserved one
    Principal lookAlike = Principal.worker(Principal.mintWorkerId()).withGroups(List.of("Admins", "admin"));
    assertThatThrownBy(() -> service.list(experiment, lookAlike, PageRequest.first(10)))
        .isInstanceOf(ForbiddenException.class);
    assertThat(service.mayList(experiment, WORKER)).isFalse();
    assertThat(reads).as("refused before the store is asked").hasValue(0);
  }

  @Test
  void aPolicyMayLetAnotherRoleList() throws IOException {
    AccessPolicy observers = new AccessPolicy() {
      @Override
      public boolean mayFetch(Principal principal, ArtifactMetadata artifact) {
        return false;
      }

      @Override
      public boolean mayList(Principal principal, ExperimentId experimentId) {
        return principal.isMemberOf("observers");
      }
    };
    ArtifactService service =
        service(new InMemoryArtifactStore(), AccessPolicy.depositorOrAdminClass().or(observers));
    deposit(service, WORKER, new byte[2]);
    Principal observer = Principal.worker(Principal.mintWorkerId()).withGroup("observers");
    assertThat(service.list(experiment, observer, PageRequest.first(1)).artifacts()).hasSize(1);
    assertThat(service.mayList(experiment, Principal.admin())).isTrue();
    assertThat(service.mayList(experiment, WORKER)).isFalse();
  }

  @Test
  void aStoreFailureIsAStorageError() {
    ArtifactService service = service(failingPages(), AccessPolicy.depositorOrAdminClass());
    assertThatThrownBy(() -> service.list(experiment, Principal.admin(), PageRequest.first(1)))
        .isInstanceOf(ArtifactStorageException.class).hasCauseInstanceOf(IOException.class);
    assertThatThrownBy(() -> service.summarize(experiment, Principal.admin()))
        .isInstanceOf(ArtifactStorageException.class).hasCauseInstanceOf(IOException.class);
  }

  private DepositResult deposit(ArtifactService service, Principal who, byte[] bytes) throws IOException {
    return service.deposit(experiment, who, "f.bin", "application/octet-stream", new ByteArrayInputStream(bytes));
  }

  /** Each deposit a millisecond after the last, so that "newest first" has one answer. */
  private static ArtifactService service(ArtifactStore store, AccessPolicy policy) {
    Clock ticking = new Clock() {
      private final AtomicLong millis = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(millis.getAndIncrement());
      }
    };
    return ArtifactService.builder().backend(new InMemoryArtifactBackend()).store(store).accessPolicy(policy)
        .clock(ticking).build();
  }

  /** An in-memory store that counts page and summary reads. */
  private static ArtifactStore countingPages(AtomicInteger reads) {
    return listingReadsThrough(reads::incrementAndGet);
  }

  private static ArtifactStore failingPages() {
    return listingReadsThrough(() -> {
      throw new IOException("database down");
    });
  }

  /** What a store does before each listing read (a page, a summary, the ids before a cutoff). */
  @FunctionalInterface
  private interface ListingRead {
    void before() throws IOException;
  }

  /** An in-memory store whose listing reads first go through {@code read}. */
  private static ArtifactStore listingReadsThrough(ListingRead read) {
    InMemoryArtifactStore delegate = new InMemoryArtifactStore();
    return new ArtifactStore() {
      @Override
      public void create(ArtifactMetadata metadata) throws IOException {
        delegate.create(metadata);
      }

      @Override
      public Optional<ArtifactMetadata> find(ExperimentId e, ArtifactId id) {
        return delegate.find(e, id);
      }

      @Override
      public boolean contains(ArtifactId id) {
        return delegate.contains(id);
      }

      @Override
      public List<ArtifactId> idsCreatedBefore(ExperimentId e, Instant cutoff, int limit) throws IOException {
        read.before();
        return delegate.idsCreatedBefore(e, cutoff, limit);
      }

      @Override
      public boolean delete(ArtifactId id) {
        return delegate.delete(id);
      }

      @Override
      public ArtifactPage page(ExperimentId e, PageRequest request) throws IOException {
        read.before();
        return delegate.page(e, request);
      }

      @Override
      public ArtifactSummary summarize(ExperimentId e) throws IOException {
        read.before();
        return delegate.summarize(e);
      }
    };
  }
}
