package dev.eden.artifacts.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactNotFoundException;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ArtifactStorageException;
import dev.eden.artifacts.DepositResult;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.FetchedArtifact;
import dev.eden.artifacts.PayloadTooLargeException;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import dev.eden.artifacts.testkit.FaultyArtifactBackend.Operation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fault-injection helpers, exercised the way a user would: under an {@link ArtifactService}. */
class FaultInjectionTest {
  private static final ExperimentId EXPERIMENT = ExperimentId.mint();
  private static final Principal WORKER = Principal.worker(Principal.mintWorkerId());

  @TempDir Path dir;
  FaultyArtifactBackend backend;
  FaultyArtifactStore store;
  ArtifactService service;

  @BeforeEach
  void setUp() throws IOException {
    backend = new FaultyArtifactBackend(new FileArtifactBackend(dir));
    store = new FaultyArtifactStore(new InMemoryArtifactStore());
    service = ArtifactService.builder().backend(backend).store(store).build();
  }

  private DepositResult deposit(InputStream in) throws IOException {
    return service.deposit(EXPERIMENT, WORKER, "f.bin", "application/octet-stream", in);
  }

  @Test
  void everyInjectedBackendFailureOnDepositIsAStorageFailureThatLeavesNothing() throws IOException {
    for (Operation operation : List.of(Operation.BEGIN, Operation.WRITE, Operation.COMMIT)) {
      backend.heal().failOn(operation);
      assertThatThrownBy(() -> deposit(new GeneratedInputStream(100_000, 1)))
          .as(operation.name())
          .isInstanceOf(ArtifactStorageException.class)
          .hasRootCauseMessage(FaultyArtifactBackend.MESSAGE + ": " + operation.name().toLowerCase());
      assertNothingLeftBehind();
    }
  }

  @Test
  void failingAbortStillReportsTheOversizedUpload() throws IOException {
    backend.failOn(Operation.ABORT);
    assertThatThrownBy(() -> service.deposit(EXPERIMENT, WORKER, null, null, new GeneratedInputStream(11, 1), 10))
        .isInstanceOf(PayloadTooLargeException.class);
    assertNothingLeftBehind();
  }

  @Test
  void storeFailureOnCreateRemovesTheCommittedBlob() throws IOException {
    store.failOn(FaultyArtifactStore.Operation.CREATE);
    assertThatThrownBy(() -> deposit(new GeneratedInputStream(100_000, 1)))
        .isInstanceOf(ArtifactStorageException.class)
        .hasRootCauseMessage(FaultyArtifactStore.MESSAGE + ": create");
    assertNothingLeftBehind();
  }

  @Test
  void storeThrowsExactlyTheChosenFailure() throws IOException {
    IllegalStateException poolClosed = new IllegalStateException("pool closed");
    store.failOn(FaultyArtifactStore.Operation.CREATE, poolClosed);
    assertThatThrownBy(() -> deposit(new GeneratedInputStream(10, 1)))
        .isInstanceOf(ArtifactStorageException.class)
        .hasRootCause(poolClosed);
    assertNothingLeftBehind();
    assertThatThrownBy(() -> store.failOn(FaultyArtifactStore.Operation.CREATE, new Exception("checked")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("only an IOException or a RuntimeException can be thrown: java.lang.Exception: checked");
  }

  @Test
  void storeFailureOnFindIsNeverReportedAsNotFound() throws IOException {
    DepositResult result = deposit(new ByteArrayInputStream(new byte[] {1}));
    store.failOn(FaultyArtifactStore.Operation.FIND);
    assertThatThrownBy(() -> service.open(EXPERIMENT, WORKER, result.artifactsUri()))
        .isInstanceOf(ArtifactStorageException.class)
        .isNotInstanceOf(ArtifactNotFoundException.class);
    store.heal();
    service.open(EXPERIMENT, WORKER, result.artifactsUri()).close();
  }

  @Test
  void readFailureReachesTheReaderMidStream() throws IOException {
    DepositResult result = deposit(new GeneratedInputStream(100_000, 2));
    backend.failOn(Operation.READ);
    try (FetchedArtifact fetched = service.open(EXPERIMENT, WORKER, result.artifactsUri())) {
      byte[] buffer = new byte[8192];
      assertThat(fetched.content().read(buffer)).isEqualTo(1);
      assertThatThrownBy(() -> fetched.content().read(buffer))
          .isInstanceOf(IOException.class)
          .hasMessage(FaultyArtifactBackend.MESSAGE + ": read");
    }
  }

  @Test
  void uploadFailingMidStreamIsTheCallersIoExceptionAndLeavesNothing() throws IOException {
    FailingInputStream upload = FailingInputStream.after(70_000, new GeneratedInputStream(1_000_000, 3));
    assertThatThrownBy(() -> deposit(upload))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage(FailingInputStream.MESSAGE);
    assertThat(upload.bytesPassed()).isEqualTo(70_000);
    assertThat(upload.isClosed()).as("deposit must not close the caller's stream").isFalse();
    assertNothingLeftBehind();
  }

  @Test
  void failingInputStreamPassesExactlyItsLimitThenFails() throws IOException {
    byte[] source = Blobs.generated(100, 1);
    FailingInputStream in = FailingInputStream.after(42, new ByteArrayInputStream(source));
    assertThat(in.readNBytes(42)).isEqualTo(java.util.Arrays.copyOf(source, 42));
    assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage(FailingInputStream.MESSAGE);
    assertThatThrownBy(() -> in.read(new byte[10])).isInstanceOf(IOException.class);
    in.close();
    in.close();
    assertThat(in.closeCount()).isEqualTo(2);
  }

  @Test
  void generatedStreamIsRepeatableAndExactlySized() throws IOException {
    try (GeneratedInputStream a = new GeneratedInputStream(100_003, 9);
        GeneratedInputStream b = new GeneratedInputStream(100_003, 9);
        GeneratedInputStream other = new GeneratedInputStream(100_003, 10)) {
      byte[] first = a.readAllBytes();
      assertThat(first).hasSize(100_003).isEqualTo(b.readAllBytes());
      assertThat(other.readAllBytes()).isNotEqualTo(first);
      assertThat(a.position()).isEqualTo(100_003);
      assertThat(a.read()).isEqualTo(-1);
    }
  }

  @Test
  void faultsCanBeHealed() throws IOException {
    backend.failOn(Operation.IDS, Operation.DELETE, Operation.OPEN);
    assertThatThrownBy(backend::ids).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> backend.delete(ArtifactId.mint())).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> backend.open(ArtifactId.mint(), 0)).isInstanceOf(IOException.class);
    backend.heal();
    assertThat(backend.delete(ArtifactId.mint())).isFalse();
  }

  private void assertNothingLeftBehind() throws IOException {
    backend.heal();
    store.heal();
    assertThat(Blobs.ids(backend)).isEmpty();
    assertThat(store.idsCreatedBefore(EXPERIMENT, Instant.MAX, 10)).isEmpty();
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).collect(Collectors.toList())).isEmpty();
    }
  }
}
