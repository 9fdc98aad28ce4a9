package dev.eden.artifacts.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.AccessPolicy;
import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactNotFoundException;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ArtifactStorageException;
import dev.eden.artifacts.ArtifactUris;
import dev.eden.artifacts.BadRequestException;
import dev.eden.artifacts.DepositResult;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.FetchedArtifact;
import dev.eden.artifacts.ForbiddenException;
import dev.eden.artifacts.PayloadTooLargeException;
import dev.eden.artifacts.PendingDeposit;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.ProblemType;
import dev.eden.artifacts.ResolvedArtifact;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.RowNotWrittenException;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactServiceTest {
  private static final Instant NOW = Instant.parse("2025-03-04T05:06:07.891Z");
  private static final ExperimentId EXPERIMENT = ExperimentId.mint();
  private static final Principal ALICE = Principal.worker(Principal.mintWorkerId());
  private static final Principal BOB = Principal.worker(Principal.mintWorkerId());
  private static final Principal CAROL_ADMIN_CLASS =
      Principal.worker(Principal.mintWorkerId()).withGroups(Set.of(Principal.ADMINS_GROUP));

  @TempDir Path dir;
  Path blobRoot;
  FaultyArtifactBackend backend;
  /** What the service sees: every stream and pending blob it takes must be released. */
  LeakTrackingBackend tracked;
  FaultyArtifactStore store;
  ArtifactService service;

  @BeforeEach
  void setUp() throws IOException {
    blobRoot = dir.resolve("blobs");
    backend = new FaultyArtifactBackend(new FileArtifactBackend(blobRoot));
    store = new FaultyArtifactStore(new InMemoryArtifactStore());
    tracked = new LeakTrackingBackend(backend);
    service = serviceWith(tracked, store, AccessPolicy.depositorOrAdminClass());
  }

  @AfterEach
  void serviceReleasedEveryStreamAndPendingBlob() {
    tracked.assertNoLeaks();
  }

  private static ArtifactService serviceWith(ArtifactBackend backend, ArtifactStore store, AccessPolicy policy) {
    return ArtifactService.builder()
        .backend(backend)
        .store(store)
        .accessPolicy(policy)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .build();
  }

  private DepositResult deposit(Principal who, byte[] bytes) throws IOException {
    return service.deposit(EXPERIMENT, who, "out.bin", "application/x-test", new ByteArrayInputStream(bytes));
  }

  private byte[] fetch(Principal who, String uri) throws IOException {
    try (FetchedArtifact fetched = service.open(EXPERIMENT, who, uri)) {
      return fetched.content().readAllBytes();
    }
  }

  // ---- round trip and recorded metadata ------------------------------------------------------

  @Test
  void depositThenOpenReturnsTheBytesAndWhatWasRecorded() throws Exception {
    byte[] bytes = "hello, eden".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    DepositResult result = service.deposit(EXPERIMENT, ALICE, "dir/../report.txt", "text/plain", new ByteArrayInputStream(bytes));

    assertThat(result.artifactsUri()).matches("eden://artifacts/[0-9a-f]{32}");
    assertThat(result.sizeBytes()).isEqualTo(bytes.length);
    assertThat(result.contentType()).isEqualTo("text/plain");
    assertThat(result.sha256()).isEqualTo(sha256(bytes));
    try (FetchedArtifact fetched = service.open(EXPERIMENT, ALICE, result.artifactsUri())) {
      ArtifactMetadata m = fetched.metadata();
      assertThat(m).isEqualTo(result.metadata());
      assertThat(m.experimentId()).isEqualTo(EXPERIMENT);
      assertThat(m.createdBy()).isEqualTo(ALICE);
      assertThat(m.createdAt()).isEqualTo(NOW);
      assertThat(m.createdAtText()).isEqualTo("2025-03-04T05:06:07.891Z");
      assertThat(m.filename()).isEqualTo("report.txt");
      assertThat(m.uri()).isEqualTo(result.artifactsUri());
      assertThat(fetched.content().readAllBytes()).isEqualTo(bytes);
    }
  }

  @Test
  void emptyDepositRecordsTheDigestOfNothing() throws Exception {
    DepositResult result = deposit(ALICE, new byte[0]);
    assertThat(result.sizeBytes()).isZero();
    assertThat(result.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(fetch(ALICE, result.artifactsUri())).isEmpty();
  }

  @Test
  void largeDepositRecordsTheExactDigest() throws Exception {
    byte[] bytes = new GeneratedInputStream(3_000_001, 9).readAllBytes();
    DepositResult result = deposit(ALICE, bytes);
    assertThat(result.sha256()).isEqualTo(sha256(bytes));
    assertThat(fetch(ALICE, result.artifactsUri())).isEqualTo(bytes);
  }

  @Test
  void twoDepositsOfTheSameBytesGetDifferentUris() throws Exception {
    byte[] bytes = {1, 2, 3};
    DepositResult first = deposit(ALICE, bytes);
    DepositResult second = deposit(ALICE, bytes);
    assertThat(first.artifactsUri()).isNotEqualTo(second.artifactsUri());
    assertThat(first.sha256()).isEqualTo(second.sha256());
    assertThat(blobIds()).hasSize(2);
  }

  @Test
  void depositReadsButDoesNotCloseTheCallersStream() throws Exception {
    GeneratedInputStream in = new GeneratedInputStream(100_000, 1);
    DepositResult result = service.deposit(EXPERIMENT, ALICE, null, null, in);
    assertThat(in.isClosed()).isFalse();
    assertThat(in.read()).isEqualTo(-1);
    assertThat(result.sizeBytes()).isEqualTo(100_000);
  }

  // ---- the cap -------------------------------------------------------------------------------

  @Test
  void depositOfExactlyTheCapIsAccepted() throws Exception {
    DepositResult result = service.deposit(EXPERIMENT, ALICE, "f", "a/b", new GeneratedInputStream(65_537, 2), 65_537);
    assertThat(result.sizeBytes()).isEqualTo(65_537);
    assertThat(fetch(ALICE, result.artifactsUri())).isEqualTo(new GeneratedInputStream(65_537, 2).readAllBytes());
  }

  @Test
  void depositOfOneByteOverTheCapIsRejectedAndLeavesNothing() throws Exception {
    assertThatThrownBy(() -> service.deposit(EXPERIMENT, ALICE, "f", "a/b", new GeneratedInputStream(65_538, 2), 65_537))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessage("artifact exceeds the maximum size of 65537 bytes")
        .satisfies(e -> {
          PayloadTooLargeException tooLarge = (PayloadTooLargeException) e;
          assertThat(tooLarge.maxBytes()).isEqualTo(65_537);
          assertThat(tooLarge.bytesSeen()).isGreaterThan(65_537);
          assertThat(tooLarge.type()).isEqualTo(ProblemType.PAYLOAD_TOO_LARGE);
        });
    assertNothingLeftBehind();
  }

  @Test
  void zeroCapAcceptsOnlyEmptyContent() throws Exception {
    assertThat(service.deposit(EXPERIMENT, ALICE, null, null, InputStream.nullInputStream(), 0).sizeBytes()).isZero();
    assertThatThrownBy(() -> service.deposit(EXPERIMENT, ALICE, null, null, new ByteArrayInputStream(new byte[1]), 0))
        .isInstanceOf(PayloadTooLargeException.class);
    assertThat(blobIds()).hasSize(1);
  }

  @Test
  void capStopsReadingEarlyInsteadOfDrainingAHugeUpload() {
    GeneratedInputStream huge = new GeneratedInputStream(Long.MAX_VALUE, 3);
    assertThatThrownBy(() -> service.deposit(EXPERIMENT, ALICE, null, null, huge, 1_000_000))
        .isInstanceOfSatisfying(PayloadTooLargeException.class,
            e -> assertThat(e.bytesSeen()).isBetween(1_000_001L, 1_000_000L + 64 * 1024));
  }

  @Test
  void serviceCapAppliesWhenNoneIsGiven() throws Exception {
    ArtifactService capped = ArtifactService.builder()
        .backend(backend).store(store).maxArtifactBytes(10).build();
    assertThat(capped.maxArtifactBytes()).isEqualTo(10);
    assertThat(capped.deposit(EXPERIMENT, ALICE, null, null, new ByteArrayInputStream(new byte[10])).sizeBytes())
        .isEqualTo(10);
    assertThatThrownBy(() -> capped.deposit(EXPERIMENT, ALICE, null, null, new ByteArrayInputStream(new byte[11])))
        .isInstanceOfSatisfying(PayloadTooLargeException.class, e -> assertThat(e.maxBytes()).isEqualTo(10));
  }

  @Test
  void defaultCapIsTheReferences100MiB() {
    ArtifactService defaults = ArtifactService.builder()
        .backend(new InMemoryArtifactBackend()).store(new InMemoryArtifactStore()).build();
    assertThat(defaults.maxArtifactBytes()).isEqualTo(100L * 1024 * 1024);
  }

  // ---- sanitising ----------------------------------------------------------------------------

  @Test
  void declaredContentTypeIsSanitisedBeforeItIsRecorded() throws Exception {
    assertThat(depositTyped("text/plain\r\nX-Injected: yes").contentType()).isEqualTo("text/plainX-Injected: yes");
    assertThat(depositTyped("text/csv; charset=\u00e9\u0000").contentType()).isEqualTo("text/csv; charset=");
    assertThat(depositTyped("\u007f").contentType()).isEqualTo("application/octet-stream");
    assertThat(depositTyped("").contentType()).isEqualTo("application/octet-stream");
    assertThat(depositTyped(null).contentType()).isEqualTo("application/octet-stream");
    DepositResult recorded = depositTyped("image/png\t");
    try (FetchedArtifact fetched = service.open(EXPERIMENT, ALICE, recorded.artifactsUri())) {
      assertThat(fetched.metadata().contentType()).isEqualTo("image/png");
    }
  }

  @Test
  void filenameIsSanitisedBeforeItIsRecorded() throws Exception {
    DepositResult result = service.deposit(EXPERIMENT, ALICE, "C:\\tmp\\..\\evil\r\n.txt", null, InputStream.nullInputStream());
    assertThat(result.metadata().filename()).isEqualTo("evil.txt");
    assertThat(service.deposit(EXPERIMENT, ALICE, null, null, InputStream.nullInputStream()).metadata().filename())
        .isEqualTo("artifact");
  }

  @Test
  void longestContentTypeAndFilenameAreRecordedWhole() throws Exception {
    String type = "application/x-" + "t".repeat(ArtifactMetadata.MAX_CONTENT_TYPE_LENGTH - 14);
    String name = "\u00e9".repeat(ArtifactMetadata.MAX_FILENAME_UTF8_BYTES / 2);
    DepositResult result = service.deposit(EXPERIMENT, ALICE, name, type, new ByteArrayInputStream(new byte[] {1}));
    try (FetchedArtifact fetched = service.open(EXPERIMENT, ALICE, result.artifactsUri())) {
      assertThat(fetched.metadata().contentType()).isEqualTo(type);
      assertThat(fetched.metadata().filename()).isEqualTo(name);
    }
  }

  @Test
  void overlongContentTypeOrFilenameIsRefusedAndLeavesNothing() {
    String type = "application/x-" + "t".repeat(ArtifactMetadata.MAX_CONTENT_TYPE_LENGTH - 13);
    assertThatThrownBy(() -> service.deposit(EXPERIMENT, ALICE, "f", type, new ByteArrayInputStream(new byte[] {1})))
        .isInstanceOf(BadRequestException.class)
        .hasMessage("the declared content type is 1025 characters long; at most 1024 characters are recorded");
    assertNothingLeftBehind();
    String name = "n".repeat(ArtifactMetadata.MAX_FILENAME_UTF8_BYTES + 1);
    assertThatThrownBy(() -> service.beginDeposit(EXPERIMENT, ALICE, name, null, 10))
        .isInstanceOf(BadRequestException.class)
        .hasMessage("the filename is 1025 bytes long in UTF-8; at most 1024 bytes are recorded");
    assertNothingLeftBehind();
  }

  private DepositResult depositTyped(String contentType) throws IOException {
    return service.deposit(EXPERIMENT, ALICE, "f", contentType, new ByteArrayInputStream(new byte[] {1}));
  }

  // ---- access --------------------------------------------------------------------------------

  @Test
  void depositorMayFetch() throws Exception {
    DepositResult result = deposit(ALICE, new byte[] {7});
    assertThat(fetch(ALICE, result.artifactsUri())).containsExactly(7);
  }

  @Test
  void anotherWorkerIsForbidden() throws Exception {
    DepositResult result = deposit(ALICE, new byte[] {7});
    assertThatThrownBy(() -> service.open(EXPERIMENT, BOB, result.artifactsUri()))
        .isInstanceOf(ForbiddenException.class)
        .satisfies(e -> assertThat(((ForbiddenException) e).type().status()).isEqualTo(403));
  }

  @Test
  void adminMayFetchAnyonesArtifact() throws Exception {
    DepositResult result = deposit(ALICE, new byte[] {7});
    assertThat(fetch(Principal.admin(), result.artifactsUri())).containsExactly(7);
  }

  @Test
  void adminClassWorkerMayFetchAnyonesArtifact() throws Exception {
    DepositResult result = deposit(ALICE, new byte[] {7});
    assertThat(fetch(CAROL_ADMIN_CLASS, result.artifactsUri())).containsExactly(7);
  }

  @Test
  void workerMayNotFetchTheAdminsArtifactUnlessAdminClass() throws Exception {
    DepositResult result = deposit(Principal.admin(), new byte[] {7});
    assertThat(result.metadata().createdBy()).isEqualTo(Principal.admin());
    assertThatThrownBy(() -> service.open(EXPERIMENT, ALICE, result.artifactsUri()))
        .isInstanceOf(ForbiddenException.class);
    assertThat(fetch(CAROL_ADMIN_CLASS, result.artifactsUri())).containsExactly(7);
  }

  @Test
  void defaultPolicyIsTheContractsDepositorOrAdminClass() throws Exception {
    ArtifactService defaults = ArtifactService.builder().backend(backend).store(store).build();
    DepositResult result = defaults.deposit(EXPERIMENT, ALICE, null, null, new ByteArrayInputStream(new byte[] {1}));
    defaults.open(EXPERIMENT, ALICE, result.artifactsUri()).close();
    defaults.open(EXPERIMENT, Principal.admin(), result.artifactsUri()).close();
    defaults.open(EXPERIMENT, CAROL_ADMIN_CLASS, result.artifactsUri()).close();
    assertThatThrownBy(() -> defaults.open(EXPERIMENT, BOB.withGroups(Set.of("grp_" + "a".repeat(26))),
        result.artifactsUri())).isInstanceOf(ForbiddenException.class);
  }

  @Test
  void depositRecordsTheDepositorsNameWithoutItsGroups() throws Exception {
    DepositResult result = deposit(CAROL_ADMIN_CLASS, new byte[] {1});
    assertThat(result.metadata().createdBy().name()).isEqualTo(CAROL_ADMIN_CLASS.name());
    assertThat(result.metadata().createdBy().groups()).isEmpty();
    ArtifactMetadata stored = store.find(EXPERIMENT, result.metadata().id()).orElseThrow();
    assertThat(stored.createdBy().groups()).isEmpty();
    // the depositor is still recognised by name when it comes back with its groups
    assertThat(fetch(CAROL_ADMIN_CLASS.withGroups(Set.of()), result.artifactsUri())).containsExactly(1);
  }

  // ---- not found -----------------------------------------------------------------------------

  @Test
  void artifactOfAnotherExperimentIsNotFoundEvenForItsDepositorAndTheAdmin() throws Exception {
    DepositResult result = deposit(ALICE, new byte[] {7});
    ExperimentId other = ExperimentId.mint();
    for (Principal who : List.of(ALICE, Principal.admin(), BOB)) {
      assertThatThrownBy(() -> service.open(other, who, result.artifactsUri()))
          .isInstanceOf(ArtifactNotFoundException.class)
          .satisfies(e -> assertThat(((ArtifactNotFoundException) e).type()).isEqualTo(ProblemType.NOT_FOUND));
    }
  }

  @Test
  void unrecognisedOrUnknownUrisAreNotFound() throws Exception {
    String issued = deposit(ALICE, new byte[] {7}).artifactsUri();
    for (String uri : List.of("", "eden://artifacts/", "https://example.com/x", issued + "/", issued + "?a=b",
        issued + "#f", issued.toUpperCase(), "eden://artifacts/../" + issued.substring(17),
        "eden://artifacts/%2e%2e%2fetc%2fpasswd", ArtifactUris.toUri(ArtifactId.mint()))) {
      assertThatThrownBy(() -> service.open(EXPERIMENT, Principal.admin(), uri))
          .as(uri)
          .isInstanceOf(ArtifactNotFoundException.class);
    }
  }

  @Test
  void malformedUriIsRejectedBeforeAnyStorageIsTouched() {
    store.failOn(FaultyArtifactStore.Operation.FIND);
    backend.failOn(FaultyArtifactBackend.Operation.OPEN);
    for (String uri : List.of("eden://artifacts/../../etc/passwd", "eden://artifacts/ABCDEF0123456789ABCDEF0123456789")) {
      assertThatThrownBy(() -> service.open(EXPERIMENT, Principal.admin(), uri))
          .isInstanceOf(ArtifactNotFoundException.class);
    }
  }

  @Test
  void nullUriIsABadRequest() {
    assertThatThrownBy(() -> service.open(EXPERIMENT, ALICE, null))
        .isInstanceOf(BadRequestException.class)
        .hasMessage("the artifact URI is required");
  }

  // ---- failures ------------------------------------------------------------------------------

  @Test
  void backendThatCannotBeginIsAStorageFailure() {
    backend.failOn(FaultyArtifactBackend.Operation.BEGIN);
    assertThatThrownBy(() -> deposit(ALICE, new byte[] {1}))
        .isInstanceOf(ArtifactStorageException.class)
        .hasRootCauseMessage(FaultyArtifactBackend.MESSAGE + ": begin")
        .satisfies(e -> assertThat(((ArtifactStorageException) e).type().status()).isEqualTo(500));
    assertNothingLeftBehind();
  }

  @Test
  void backendWriteFailureIsAStorageFailureAndLeavesNothing() {
    backend.failOn(FaultyArtifactBackend.Operation.WRITE);
    assertThatThrownBy(() -> deposit(ALICE, new byte[100_000]))
        .isInstanceOf(ArtifactStorageException.class)
        .hasRootCauseMessage(FaultyArtifactBackend.MESSAGE + ": write");
    assertNothingLeftBehind();
  }

  @Test
  void backendCommitFailureIsAStorageFailureAndRecordsNoMetadata() {
    backend.failOn(FaultyArtifactBackend.Operation.COMMIT);
    assertThatThrownBy(() -> deposit(ALICE, new byte[100_000]))
        .isInstanceOf(ArtifactStorageException.class)
        .hasRootCauseMessage(FaultyArtifactBackend.MESSAGE + ": commit");
    assertNothingLeftBehind();
  }

  @Test
  void storeCreateFailureDeletesTheCommittedBlob() {
    store.failOn(FaultyArtifactStore.Operation.CREATE);
    assertThatThrownBy(() -> deposit(ALICE, new byte[100_000]))
        .isInstanceOf(ArtifactStorageException.class)
        .hasRootCauseMessage(FaultyArtifactStore.MESSAGE + ": create");
    assertNothingLeftBehind();
  }

  @Test
  void storeThatWroteNothingIsNotAskedToDeleteTheRowButTheBlobGoes() {
    // The store knows it wrote nothing (it gave up on a locked or dead database): asking it to
    // delete the row would wait on that database a second time. A delete is made to fail here, so
    // that asking shows up as a suppressed failure.
    store.failOn(FaultyArtifactStore.Operation.CREATE,
        new RowNotWrittenException("injected: gave up waiting for the database", null));
    store.failOn(FaultyArtifactStore.Operation.DELETE);
    assertThatThrownBy(() -> deposit(ALICE, new byte[10]))
        .isInstanceOf(ArtifactStorageException.class)
        .hasCauseInstanceOf(RowNotWrittenException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
    assertNothingLeftBehind();
  }

  @Test
  void rowRecordedDespiteAFailureThatCannotBeUndoneKeepsItsBlob() throws Exception {
    // The commit reached the database but its answer was lost, then the database went down: the
    // undo cannot delete the row, so it must not delete the bytes the row points at either.
    InMemoryArtifactStore rows = new InMemoryArtifactStore();
    ArtifactStore lostAnswer = new ArtifactStore() {
      @Override
      public void create(ArtifactMetadata metadata) throws IOException {
        rows.create(metadata);
        throw new IOException("injected: connection lost during the commit");
      }

      @Override
      public Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id) throws IOException {
        return rows.find(experimentId, id);
      }

      @Override
      public boolean contains(ArtifactId id) throws IOException {
        return rows.contains(id);
      }

      @Override
      public List<ArtifactId> idsCreatedBefore(ExperimentId experimentId, Instant cutoff, int limit)
          throws IOException {
        return rows.idsCreatedBefore(experimentId, cutoff, limit);
      }

      @Override
      public boolean delete(ArtifactId id) throws IOException {
        throw new IOException("injected: the database is down");
      }
    };
    ArtifactService lossy = serviceWith(tracked, lostAnswer, AccessPolicy.depositorOrAdminClass());
    assertThatThrownBy(() -> lossy.deposit(EXPERIMENT, ALICE, null, null, new ByteArrayInputStream(new byte[10])))
        .isInstanceOf(ArtifactStorageException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
            .satisfies(s -> assertThat(s).hasMessage("injected: the database is down")));
    List<ArtifactId> recorded = rows.idsCreatedBefore(EXPERIMENT, Instant.MAX, 10);
    assertThat(recorded).hasSize(1);
    assertThat(blobIds()).containsExactlyElementsOf(recorded);
  }

  @Test
  void storeRejectingADuplicateIsAStorageFailureNotAnOverwrite() {
    store.failOn(FaultyArtifactStore.Operation.CREATE, new ArtifactAlreadyExistsException(ArtifactId.mint()));
    assertThatThrownBy(() -> deposit(ALICE, new byte[10]))
        .isInstanceOf(ArtifactStorageException.class)
        .hasCauseInstanceOf(ArtifactAlreadyExistsException.class);
    assertNothingLeftBehind();
  }

  @Test
  void storeCreateRuntimeFailureDeletesTheCommittedBlob() {
    store.failOn(FaultyArtifactStore.Operation.CREATE, new IllegalStateException("injected: pool closed"));
    assertThatThrownBy(() -> deposit(ALICE, new byte[10]))
        .isInstanceOf(ArtifactStorageException.class)
        .hasRootCauseMessage("injected: pool closed");
    assertNothingLeftBehind();
  }

  @Test
  void uploadThatFailsMidReadIsAnIoExceptionAndLeavesNothing() {
    FailingInputStream in = FailingInputStream.after(300_000, new GeneratedInputStream(1_000_000, 4));
    assertThatThrownBy(() -> service.deposit(EXPERIMENT, ALICE, null, null, in))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage(FailingInputStream.MESSAGE);
    assertThat(in.isClosed()).isFalse();
    assertNothingLeftBehind();
  }

  @Test
  void failingCleanUpDoesNotHideThatTheCapWasExceeded() {
    backend.failOn(FaultyArtifactBackend.Operation.ABORT);
    assertThatThrownBy(() -> service.deposit(EXPERIMENT, ALICE, null, null, new GeneratedInputStream(20, 1), 10))
        .isInstanceOf(PayloadTooLargeException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
            .satisfies(s -> assertThat(s).hasMessage(FaultyArtifactBackend.MESSAGE + ": abort")));
    assertNothingLeftBehind();
  }

  @Test
  void failingCleanUpDoesNotHideTheStorageFailure() {
    backend.failOn(FaultyArtifactBackend.Operation.WRITE, FaultyArtifactBackend.Operation.ABORT);
    assertThatThrownBy(() -> deposit(ALICE, new byte[10]))
        .isInstanceOf(ArtifactStorageException.class)
        .hasRootCauseMessage(FaultyArtifactBackend.MESSAGE + ": write");
    assertNothingLeftBehind();
  }

  @Test
  void storeLookupFailureIsAStorageFailureNotNotFound() throws Exception {
    DepositResult result = deposit(ALICE, new byte[] {1});
    store.failOn(FaultyArtifactStore.Operation.FIND);
    assertThatThrownBy(() -> service.open(EXPERIMENT, ALICE, result.artifactsUri()))
        .isInstanceOf(ArtifactStorageException.class)
        .hasRootCauseMessage(FaultyArtifactStore.MESSAGE + ": find");
  }

  @Test
  void backendReadFailureIsAStorageFailureNotNotFound() throws Exception {
    DepositResult result = deposit(ALICE, new byte[] {1});
    backend.failOn(FaultyArtifactBackend.Operation.OPEN);
    assertThatThrownBy(() -> service.open(EXPERIMENT, ALICE, result.artifactsUri()))
        .isInstanceOf(ArtifactStorageException.class)
        .hasRootCauseMessage(FaultyArtifactBackend.MESSAGE + ": open");
  }

  @Test
  void fetchReadsExactlyTheRecordedBytes() throws Exception {
    DepositResult result = deposit(ALICE, new byte[] {1, 2, 3});
    ArtifactId id = ArtifactUris.parse(result.artifactsUri()).orElseThrow();
    backend.delete(id); // the bytes under the id grow behind the row's back
    Blobs.commit(backend, id, new byte[] {1, 2, 3, 4, 5});
    try (FetchedArtifact fetched = service.open(EXPERIMENT, ALICE, result.artifactsUri())) {
      assertThat(fetched.content().readAllBytes()).containsExactly(1, 2, 3);
    }
  }

  @Test
  void metadataWithoutBytesIsAStorageFailureNotNotFound() throws Exception {
    DepositResult result = deposit(ALICE, new byte[] {1});
    backend.delete(ArtifactUris.parse(result.artifactsUri()).orElseThrow());
    assertThatThrownBy(() -> service.open(EXPERIMENT, ALICE, result.artifactsUri()))
        .isInstanceOf(ArtifactStorageException.class);
  }

  @Test
  void aResolvedArtifactsChannelsGiveTheBytesAndRangesWithTheStreamsChecks() throws Exception {
    byte[] bytes = {1, 2, 3, 4, 5, 6, 7};
    DepositResult result = deposit(ALICE, bytes);
    ResolvedArtifact artifact = service.resolve(EXPERIMENT, ALICE, result.artifactsUri());
    try (ReadableByteChannel whole = artifact.openChannel()) {
      assertThat(readExactly(whole, bytes.length)).isEqualTo(bytes);
    }
    try (ReadableByteChannel range = artifact.openChannel(2, 3)) {
      assertThat(readExactly(range, 3)).containsExactly(3, 4, 5);
    }
    try (ReadableByteChannel empty = artifact.openChannel(7, 0)) {
      assertThat(empty.isOpen()).isTrue();
    }
    assertThatThrownBy(() -> artifact.openChannel(5, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> artifact.openChannel(-1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> artifact.openChannel(8, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    backend.failOn(FaultyArtifactBackend.Operation.OPEN);
    assertThatThrownBy(artifact::openChannel)
        .isInstanceOf(ArtifactStorageException.class)
        .hasRootCauseMessage(FaultyArtifactBackend.MESSAGE + ": open");
    backend.heal();
    backend.delete(ArtifactUris.parse(result.artifactsUri()).orElseThrow());
    assertThatThrownBy(() -> artifact.openChannel(0, 1))
        .isInstanceOf(ArtifactStorageException.class)
        .hasRootCauseMessage("metadata row without blob: " + ArtifactUris.parse(result.artifactsUri()).orElseThrow());
  }

  private static byte[] readExactly(ReadableByteChannel channel, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
      // until the length
    }
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  // ---- two-phase deposit ---------------------------------------------------------------------

  @Test
  void pendingDepositAppendsTransfersAndLeavesNothingWhenAbandoned() throws Exception {
    try (PendingDeposit deposit = service.beginDeposit(EXPERIMENT, ALICE, "a", "b/c", 10)) {
      assertThat(deposit.transferFrom(new ByteArrayInputStream(new byte[] {1, 2, 3}))).isEqualTo(3);
      assertThat(deposit.transferFrom(new ByteArrayInputStream(new byte[] {4}))).isEqualTo(1);
      assertThat(deposit.size()).isEqualTo(4);
      assertThat(deposit.contentType()).isEqualTo("b/c");
      assertThat(blobIds()).isEmpty();
    }
    assertNothingLeftBehind();
  }

  @Test
  void pendingDepositCapCountsAcrossTransfers() throws Exception {
    try (PendingDeposit deposit = service.beginDeposit(EXPERIMENT, ALICE, "a", "b/c", 5)) {
      deposit.transferFrom(new ByteArrayInputStream(new byte[3]));
      assertThatThrownBy(() -> deposit.transferFrom(new ByteArrayInputStream(new byte[3])))
          .isInstanceOf(PayloadTooLargeException.class);
      assertThatThrownBy(deposit::complete).isInstanceOf(IllegalStateException.class);
    }
    assertNothingLeftBehind();
  }

  @Test
  void completedDepositCannotCompleteAgain() throws Exception {
    try (PendingDeposit deposit = service.beginDeposit(EXPERIMENT, ALICE, "a", "b/c", 5)) {
      deposit.transferFrom(new ByteArrayInputStream(new byte[] {1}));
      DepositResult result = deposit.complete();
      assertThat(result.metadata().id()).isEqualTo(deposit.id());
      assertThatThrownBy(deposit::complete).isInstanceOf(IllegalStateException.class);
    }
    assertThat(blobIds()).hasSize(1);
  }

  @Test
  void pendingDepositWhoseBytesMatchTheDeclaredSha256Completes() throws Exception {
    byte[] bytes = "declared".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String sha256 = sha256(bytes);
    try (PendingDeposit deposit = service.beginDeposit(EXPERIMENT, ALICE, "a", "b/c", 100)) {
      deposit.transferFrom(new ByteArrayInputStream(bytes));
      DepositResult result = deposit.complete(sha256);
      assertThat(result.sha256()).isEqualTo(sha256);
      assertThat(fetch(ALICE, result.artifactsUri())).isEqualTo(bytes);
    }
  }

  @Test
  void pendingDepositWhoseBytesDifferFromTheDeclaredSha256IsRefusedBeforeAnythingCommits()
      throws Exception {
    // A commit (or a commit undone by a delete) would fail here: the check must come first.
    backend.failOn(FaultyArtifactBackend.Operation.COMMIT, FaultyArtifactBackend.Operation.DELETE);
    String declared = sha256(new byte[] {1, 2, 3});
    String received = sha256(new byte[] {1, 2, 4});
    try (PendingDeposit deposit = service.beginDeposit(EXPERIMENT, ALICE, "a", "b/c", 100)) {
      deposit.transferFrom(new ByteArrayInputStream(new byte[] {1, 2, 4}));
      assertThatThrownBy(() -> deposit.complete(declared))
          .isInstanceOf(BadRequestException.class)
          .hasMessage("the bytes received do not match the SHA-256 digest declared for them"
              + " (declared " + declared + ", received " + received + ")");
      assertThatThrownBy(deposit::complete).isInstanceOf(IllegalStateException.class);
    }
    assertNothingLeftBehind();
  }

  @Test
  void declaredSha256MustBeLowercaseHexOfTheRightLength() throws Exception {
    String sha256 = sha256(new byte[] {7});
    try (PendingDeposit deposit = service.beginDeposit(EXPERIMENT, ALICE, "a", "b/c", 100)) {
      deposit.transferFrom(new ByteArrayInputStream(new byte[] {7}));
      for (String bad : List.of(sha256.toUpperCase(java.util.Locale.ROOT), sha256.substring(1),
          sha256 + "0", "g" + sha256.substring(1))) {
        assertThatThrownBy(() -> deposit.complete(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
      }
      assertThatThrownBy(() -> deposit.complete(null)).isInstanceOf(NullPointerException.class);
      // The deposit is still open: the mistake was the caller's, not the sender's.
      assertThat(deposit.complete(sha256).sha256()).isEqualTo(sha256);
    }
  }

  @Test
  void badArgumentsAreRejected() {
    assertThatThrownBy(() -> service.beginDeposit(EXPERIMENT, ALICE, null, null, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> service.deposit(null, ALICE, null, null, InputStream.nullInputStream()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> service.deposit(EXPERIMENT, null, null, null, InputStream.nullInputStream()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> service.deposit(EXPERIMENT, ALICE, null, null, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ArtifactService.builder().store(store).build())
        .isInstanceOf(IllegalStateException.class).hasMessage("backend is required");
    assertThatThrownBy(() -> ArtifactService.builder().backend(backend).build())
        .isInstanceOf(IllegalStateException.class).hasMessage("store is required");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private List<ArtifactId> blobIds() throws IOException {
    try (Stream<ArtifactId> ids = backend.ids()) {
      return ids.collect(Collectors.toList());
    }
  }

  /** No blob, no metadata row, and no file of any kind (temps included) under the blob root. */
  private void assertNothingLeftBehind() {
    backend.heal();
    store.heal();
    try {
      assertThat(blobIds()).isEmpty();
      assertThat(store.idsCreatedBefore(EXPERIMENT, Instant.MAX, 100)).isEmpty();
      try (Stream<Path> files = Files.walk(blobRoot)) {
        assertThat(files.filter(Files::isRegularFile).collect(Collectors.toList())).isEmpty();
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
