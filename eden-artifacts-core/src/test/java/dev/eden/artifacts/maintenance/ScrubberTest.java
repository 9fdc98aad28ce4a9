package dev.eden.artifacts.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.PendingBlob;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scrub on the file backend (damaged on disk) and on the in-memory backend and store (rows
 * that do not match their blobs), all real components from core.
 */
class ScrubberTest {
  private static final Principal WORKER = Principal.worker(Principal.mintWorkerId());

  @TempDir Path dir;
  private final ExperimentId experiment = ExperimentId.mint();
  private final InMemoryArtifactStore store = new InMemoryArtifactStore();
  private FileArtifactBackend files;
  private ArtifactService service;
  private final Heard heard = new Heard();

  /** Everything the listener heard, in order. */
  static class Heard implements ScrubListener {
    final List<ScrubFinding> findings = new ArrayList<>();
    final List<String> events = new ArrayList<>();

    @Override
    public void damageFound(ScrubFinding finding) {
      findings.add(finding);
      events.add("found " + finding.artifact().id());
    }

    @Override
    public void artifactChecked(ArtifactMetadata artifact) {
      events.add("checked " + artifact.id());
    }
  }

  @BeforeEach
  void fileBackend() throws IOException {
    files = new FileArtifactBackend(dir.resolve("blobs"));
    service = ArtifactService.builder().backend(files).store(store).build();
  }

  private ArtifactMetadata deposit(byte[] bytes) throws IOException {
    return service.deposit(experiment, WORKER, "a.bin", "application/octet-stream",
        new ByteArrayInputStream(bytes)).metadata();
  }

  private ArtifactMetadata deposit(int size, long seed) throws IOException {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return deposit(bytes);
  }

  private Path blobFile(ArtifactMetadata artifact) {
    String id = artifact.id().value();
    return files.root().resolve(id.substring(0, 2)).resolve(id);
  }

  private Scrubber.Builder scrubber(ArtifactBackend backend) {
    return Scrubber.builder().store(store).backend(backend).unthrottled();
  }

  private ScrubReport scrub() throws Exception {
    return scrubber(files).build().scrub(experiment, heard);
  }

  @Test
  void aCleanStorePassesAndEveryByteIsRead() throws Exception {
    ArtifactMetadata a = deposit(10_000, 1);
    ArtifactMetadata b = deposit(200_000, 2);
    ArtifactMetadata empty = deposit(new byte[0]);

    ScrubReport report = scrub();

    assertThat(report.isClean()).isTrue();
    assertThat(report.totalFindings()).isZero();
    assertThat(report.artifactsChecked()).isEqualTo(3);
    assertThat(report.bytesRead()).isEqualTo(210_000);
    assertThat(report.findings()).containsOnlyKeys(Damage.values()).allSatisfy((kind, n) -> assertThat(n).isZero());
    assertThat(heard.findings).isEmpty();
    assertThat(heard.events).containsExactly( // listing order: newest first
        "checked " + empty.id(), "checked " + b.id(), "checked " + a.id());
  }

  @Test
  void aFlippedByteIsADigestMismatch() throws Exception {
    ArtifactMetadata intact = deposit(5_000, 1);
    ArtifactMetadata flipped = deposit(5_000, 2);
    byte[] bytes = Files.readAllBytes(blobFile(flipped));
    bytes[1234] ^= 0x01;
    Files.write(blobFile(flipped), bytes);

    ScrubReport report = scrub();

    assertThat(report.count(Damage.DIGEST_MISMATCH)).isOne();
    assertThat(report.totalFindings()).isOne();
    assertThat(report.artifactsChecked()).isEqualTo(2);
    ScrubFinding finding = heard.findings.get(0);
    assertThat(finding.artifact()).isEqualTo(flipped);
    assertThat(finding.damage()).isEqualTo(Damage.DIGEST_MISMATCH);
    assertThat(finding.foundSha256()).contains(sha256(bytes));
    assertThat(finding.foundSizeBytes()).hasValue(5_000);
    assertThat(finding.toString()).isEqualTo(flipped.uri() + " digest mismatch: recorded sha256 "
        + flipped.sha256() + ", found " + sha256(bytes));
    assertThat(heard.events).containsExactly("found " + flipped.id(), "checked " + flipped.id(), "checked " + intact.id());
  }

  @Test
  void aTruncatedBlobIsASizeMismatch() throws Exception {
    ArtifactMetadata truncated = deposit(5_000, 1);
    byte[] bytes = Files.readAllBytes(blobFile(truncated));
    Files.write(blobFile(truncated), java.util.Arrays.copyOf(bytes, 4_000));

    ScrubReport report = scrub();

    assertThat(report.count(Damage.SIZE_MISMATCH)).isOne();
    assertThat(report.totalFindings()).isOne();
    ScrubFinding finding = heard.findings.get(0);
    assertThat(finding.damage()).isEqualTo(Damage.SIZE_MISMATCH);
    assertThat(finding.foundSizeBytes()).hasValue(4_000);
    assertThat(finding.foundSizeIsLowerBound()).isFalse();
    assertThat(finding.foundSha256()).isEmpty();
    assertThat(finding.description()).isEqualTo("size mismatch: recorded 5000 bytes, found 4000 bytes");
  }

  @Test
  void appendedBytesAreASizeMismatchCountedToTheEnd() throws Exception {
    ArtifactMetadata appended = deposit(5_000, 1);
    Files.write(blobFile(appended), new byte[300_000], java.nio.file.StandardOpenOption.APPEND);

    ScrubReport report = scrub();

    assertThat(report.count(Damage.SIZE_MISMATCH)).isOne();
    assertThat(report.bytesRead()).isEqualTo(305_000);
    assertThat(heard.findings.get(0).description()).isEqualTo("size mismatch: recorded 5000 bytes, found 305000 bytes");
  }

  @Test
  void aBlobFarLongerThanRecordedIsReadOnlyToTheBound() throws Exception {
    InMemoryArtifactBackend memory = new InMemoryArtifactBackend();
    ArtifactMetadata small = row(memory, 10, new byte[10 + 3 * (int) Scrubber.MIN_READ_PAST_SIZE]);
    ArtifactMetadata large = row(memory, 3_000_000, new byte[7_000_000]);

    ScrubReport report = scrubber(memory).build().scrub(experiment, heard);

    long smallLimit = 10 + Scrubber.MIN_READ_PAST_SIZE; // at least 1 MiB past
    long largeLimit = 2 * 3_000_000; // as far again as recorded
    assertThat(heard.findings).extracting(ScrubFinding::artifact).containsExactly(large, small);
    assertThat(heard.findings).allSatisfy(f -> assertThat(f.foundSizeIsLowerBound()).isTrue());
    assertThat(heard.findings.get(0).foundSizeBytes()).hasValue(largeLimit + 1);
    assertThat(heard.findings.get(1).foundSizeBytes()).hasValue(smallLimit + 1);
    assertThat(heard.findings.get(1).description())
        .isEqualTo("size mismatch: recorded 10 bytes, found at least " + (smallLimit + 1) + " bytes");
    assertThat(report.bytesRead()).isEqualTo(largeLimit + 1 + smallLimit + 1);
  }

  @Test
  void aMissingBlobIsReportedAsMissing() throws Exception {
    ArtifactMetadata missing = deposit(5_000, 1);
    deposit(5_000, 2);
    Files.delete(blobFile(missing));

    ScrubReport report = scrub();

    assertThat(report.count(Damage.MISSING)).isOne();
    assertThat(report.totalFindings()).isOne();
    assertThat(report.artifactsChecked()).isEqualTo(2);
    assertThat(heard.findings.get(0).toString()).isEqualTo(missing.uri() + " blob missing: recorded 5000 bytes");
    assertThat(heard.findings.get(0).foundSizeBytes()).isEmpty();
  }

  @Test
  void aBlobThatCannotBeReadIsReportedAndTheScrubGoesOn() throws Exception {
    ArtifactMetadata older = deposit(5_000, 1);
    ArtifactMetadata unreadable = deposit(5_000, 2);
    ArtifactMetadata newer = deposit(5_000, 3);
    Files.delete(blobFile(unreadable));
    Files.createDirectory(blobFile(unreadable)); // the backend refuses anything but a regular file

    ScrubReport report = scrub();

    assertThat(report.count(Damage.UNREADABLE)).isOne();
    assertThat(report.totalFindings()).isOne();
    assertThat(report.artifactsChecked()).isEqualTo(3);
    ScrubFinding finding = heard.findings.get(0);
    assertThat(finding.artifact()).isEqualTo(unreadable);
    assertThat(finding.error()).get().isInstanceOf(IOException.class);
    assertThat(finding.description()).startsWith("storage error: ").contains("not a regular file");
    assertThat(heard.events).containsExactly("checked " + newer.id(), "found " + unreadable.id(),
        "checked " + unreadable.id(), "checked " + older.id());
  }

  @Test
  void theScrubModifiesNothing() throws Exception {
    deposit(5_000, 1);
    ArtifactMetadata flipped = deposit(5_000, 2);
    ArtifactMetadata truncated = deposit(5_000, 3);
    ArtifactMetadata missing = deposit(5_000, 4);
    byte[] bytes = Files.readAllBytes(blobFile(flipped));
    bytes[0] ^= (byte) 0x80;
    Files.write(blobFile(flipped), bytes);
    Files.write(blobFile(truncated), new byte[1]);
    Files.delete(blobFile(missing));
    Map<String, String> before = snapshot(dir);
    List<ArtifactMetadata> rowsBefore = store.page(experiment, dev.eden.artifacts.spi.PageRequest.first(10)).artifacts();

    ScrubReport report = scrub();

    assertThat(report.totalFindings()).isEqualTo(3);
    assertThat(snapshot(dir)).isEqualTo(before);
    assertThat(store.page(experiment, dev.eden.artifacts.spi.PageRequest.first(10)).artifacts()).isEqualTo(rowsBefore);
  }

  @Test
  void anArtifactDeletedWhileTheScrubRunsIsNoDamage() throws Exception {
    ArtifactMetadata deleted = deposit(5_000, 1); // oldest: checked last
    ArtifactMetadata first = deposit(5_000, 2);
    Heard checking = new Heard() {
      @Override
      public void artifactChecked(ArtifactMetadata artifact) {
        super.artifactChecked(artifact);
        if (artifact.equals(first)) { // garbage collection removes the other one, row then blob
          try {
            store.delete(deleted.id());
            files.delete(deleted.id());
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }
    };

    ScrubReport report = scrubber(files).build().scrub(experiment, checking);

    assertThat(report.isClean()).isTrue();
    assertThat(report.artifactsChecked()).isOne();
    assertThat(checking.events).containsExactly("checked " + first.id());
  }

  @Test
  void everyRowIsCheckedAcrossPagesAndEveryExperimentOnce() throws Exception {
    InMemoryArtifactBackend memory = new InMemoryArtifactBackend();
    ArtifactService inMemory = ArtifactService.builder().backend(memory).store(store).clock(ticking()).build();
    ExperimentId other = ExperimentId.mint();
    List<ArtifactMetadata> deposited = new ArrayList<>();
    for (int i = 0; i < dev.eden.artifacts.spi.PageRequest.MAX_LIMIT + 3; i++) {
      deposited.add(inMemory.deposit(experiment, WORKER, null, null, new ByteArrayInputStream(new byte[] {(byte) i}))
          .metadata());
    }
    ArtifactMetadata elsewhere = inMemory.deposit(other, WORKER, null, null, new ByteArrayInputStream(new byte[7]))
        .metadata();
    ArtifactMetadata oldest = deposited.get(0); // the last row of the second page, the first being full
    memory.delete(oldest.id());
    memory.delete(elsewhere.id());

    ScrubReport report = scrubber(memory).build().scrub(List.of(experiment, other, experiment), heard);

    assertThat(report.artifactsChecked()).isEqualTo(deposited.size() + 1);
    assertThat(report.bytesRead()).isEqualTo(deposited.size() - 1);
    assertThat(heard.findings).extracting(ScrubFinding::artifact).containsExactly(oldest, elsewhere);
    List<String> checked = heard.events.stream().filter(e -> e.startsWith("checked ")).toList();
    assertThat(checked).hasSize(deposited.size() + 1).doesNotHaveDuplicates();
  }

  @Test
  void theRateBoundsTheWholeRunOnTheClock() throws Exception {
    deposit(2_500, 1);
    deposit(2_500, 2);
    long[] now = {0};
    List<Long> sleeps = new ArrayList<>();
    Scrubber scrubber = scrubber(files).bytesPerSecond(1_000)
        .time(() -> now[0], nanos -> {
          sleeps.add(nanos);
          now[0] += nanos;
        })
        .build();

    ScrubReport report = scrubber.scrub(experiment, heard);

    // 5,000 bytes at 1,000 bytes/s in reads of a second's worth at most: the first is free, and
    // each of the others waits for the time of the one before it.
    assertThat(report.isClean()).isTrue();
    assertThat(report.bytesRead()).isEqualTo(5_000);
    assertThat(scrubber.bytesPerSecond()).hasValue(1_000);
    long slept = sleeps.stream().mapToLong(Long::longValue).sum();
    assertThat(slept).isEqualTo(Duration.ofMillis(4_500).toNanos());
    assertThat(sleeps).allSatisfy(nanos -> assertThat(nanos).isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos()));
    assertThat(report.duration()).isEqualTo(Duration.ofMillis(4_500));
  }

  @Test
  void unthrottledNeverWaitsAndTheDefaultIsFiftyMegabytesASecond() throws Exception {
    deposit(300_000, 1);
    long[] now = {0};
    Scrubber unthrottled = scrubber(files).time(() -> now[0], nanos -> {
      throw new AssertionError("waited " + nanos);
    }).build();
    assertThat(unthrottled.scrub(experiment, heard).bytesRead()).isEqualTo(300_000);
    assertThat(unthrottled.bytesPerSecond()).isEmpty();
    assertThat(Scrubber.builder().store(store).backend(files).build().bytesPerSecond())
        .hasValue(Scrubber.DEFAULT_BYTES_PER_SECOND).hasValue(50_000_000);
  }

  @Test
  void anInterruptWhileWaitingStopsTheScrub() throws Exception {
    deposit(300_000, 1);
    Scrubber scrubber = scrubber(files).bytesPerSecond(1_000_000).time(System::nanoTime, nanos -> {
      throw new InterruptedException("stop");
    }).build();
    assertThatThrownBy(() -> scrubber.scrub(experiment, heard)).isInstanceOf(InterruptedException.class);
    assertThat(heard.events).isEmpty();
  }

  @Test
  void aFailingMetadataStoreStopsTheScrub() {
    Scrubber scrubber = Scrubber.builder().store(failingStore()).backend(files).unthrottled().build();
    assertThatThrownBy(() -> scrubber.scrub(experiment, heard)).isInstanceOf(IOException.class).hasMessage("database down");
  }

  @Test
  void theBuilderRefusesWhatCannotWork() {
    assertThatThrownBy(() -> Scrubber.builder().bytesPerSecond(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unthrottled()");
    assertThatThrownBy(() -> Scrubber.builder().backend(files).build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("store is required");
    assertThatThrownBy(() -> Scrubber.builder().store(store).build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("backend is required");
  }

  /** A row recording {@code recordedSize} bytes over a blob of {@code blob}. */
  private ArtifactMetadata row(InMemoryArtifactBackend backend, long recordedSize, byte[] blob) throws IOException {
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob pending = backend.begin(id)) {
      pending.output().write(blob);
      pending.commit();
    }
    ArtifactMetadata row = new ArtifactMetadata(experiment, id, WORKER, recordedSize, "application/octet-stream",
        Instant.now(), sha256(new byte[0]), "a.bin");
    store.create(row);
    return row;
  }

  /** A clock one millisecond further on every reading, so each deposit has its own time. */
  private static java.time.Clock ticking() {
    return new java.time.Clock() {
      private Instant next = Instant.parse("2026-01-01T00:00:00Z");

      @Override
      public synchronized Instant instant() {
        next = next.plusMillis(1);
        return next;
      }

      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public java.time.Clock withZone(java.time.ZoneId zone) {
        throw new UnsupportedOperationException();
      }
    };
  }

  private static ArtifactStore failingStore() {
    return new ArtifactStore() {
      @Override
      public void create(ArtifactMetadata metadata) throws IOException {
        throw new IOException("database down");
      }

      @Override
      public Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id) throws IOException {
        throw new IOException("database down");
      }

      @Override
      public boolean contains(ArtifactId id) throws IOException {
        throw new IOException("database down");
      }

      @Override
      public List<ArtifactId> idsCreatedBefore(ExperimentId experimentId, Instant cutoff, int limit) throws IOException {
        throw new IOException("database down");
      }

      @Override
      public boolean delete(ArtifactId id) throws IOException {
        throw new IOException("database down");
      }
    };
  }

  /** Every file and directory under {@code root}: kind, size, modification time and content digest. */
  static Map<String, String> snapshot(Path root) throws Exception {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.toList()) {
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String content = attrs.isRegularFile() ? sha256(Files.readAllBytes(path)) : "dir";
        entries.put(root.relativize(path).toString(),
            content + " " + attrs.size() + " " + attrs.lastModifiedTime().toMillis());
      }
    }
    return entries;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
