package dev.eden.artifacts.testkit;

import java.io.UncheckedIOException;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.CommittedBlob;
import static dev.eden.artifacts.testkit.Blobs.commit;
import static dev.eden.artifacts.testkit.Blobs.ids;
import static dev.eden.artifacts.testkit.Blobs.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.PendingBlob;
import dev.eden.artifacts.spi.PendingLeftover;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What {@link FileArtifactBackend} promises beyond the backend contract. */
class FileArtifactBackendTest {
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

  @TempDir Path dir;
  Path root;
  FileArtifactBackend backend;

  @BeforeEach
  void setUp() throws IOException {
    root = dir.resolve("data").resolve("blobs");
    backend = new FileArtifactBackend(root);
  }

  @Test
  void committedBlobLivesUnderItsShardAndNoTempRemains() throws IOException {
    ArtifactId id = ArtifactId.mint();
    commit(backend, id, new byte[] {1, 2, 3});
    Path expected = root.resolve(id.value().substring(0, 2)).resolve(id.value());
    assertThat(expected).isRegularFile().hasBinaryContent(new byte[] {1, 2, 3});
    assertThat(listRoot()).containsExactly(id.value().substring(0, 2));
  }

  @Test
  void blobsLargerThanSeveralEarlyFlushesRoundTripOrLeaveNothing() throws IOException {
    // 40 MiB crosses the 16 MiB early-flush threshold twice: flushes run in the background while
    // writing goes on, and an abort closes the channel under a flush that may still be running.
    byte[] chunk = new byte[1024 * 1024];
    for (int i = 0; i < chunk.length; i++) {
      chunk[i] = (byte) (i * 31);
    }
    ArtifactId kept = ArtifactId.mint();
    ArtifactId dropped = ArtifactId.mint();
    try (PendingBlob keep = backend.begin(kept); PendingBlob drop = backend.begin(dropped)) {
      for (int mib = 0; mib < 40; mib++) {
        chunk[0] = (byte) mib;
        keep.output().write(chunk);
        drop.output().write(chunk);
      }
      drop.abort();
      keep.commit();
    }

    assertThat(ids(backend)).containsExactly(kept);
    assertThat(listRoot()).containsExactly(kept.value().substring(0, 2));
    byte[] back = read(backend, kept).orElseThrow();
    assertThat(back).hasSize(40 * chunk.length);
    for (int mib = 0; mib < 40; mib++) {
      chunk[0] = (byte) mib;
      assertThat(Arrays.equals(back, mib * chunk.length, (mib + 1) * chunk.length,
          chunk, 0, chunk.length)).as("MiB %d", mib).isTrue();
    }
  }

  @Test
  void pendingBlobIsATempThatIsNeverVisible() throws IOException {
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob blob = backend.begin(id)) {
      blob.output().write(new byte[] {1, 2, 3});
      assertThat(listRoot()).singleElement().asString().startsWith(".tmp-" + id.value()).endsWith(".locked");
      assertThat(ids(backend)).isEmpty();
      assertThat(backend.open(id, 0)).isEmpty();
    }
    assertThat(listRoot()).isEmpty();
  }

  @Test
  void idsReadsEachShardOnlyWhileTheStreamIsConsumed() throws IOException {
    ArtifactId first = ArtifactId.mint();
    commit(backend, first, new byte[] {1});
    ArtifactId sameShard = ArtifactId.parse(first.value().substring(0, 2) + ArtifactId.mint().value().substring(2));

    try (Stream<ArtifactId> ids = backend.ids()) {
      commit(backend, sameShard, new byte[] {2}); // after ids() returned, before it is consumed
      assertThat(ids).containsExactlyInAnyOrder(first, sameShard);
    }
  }

  @Test
  void idsSkipsAShardRemovedWhileTheStreamIsConsumed() throws IOException {
    ArtifactId kept = ArtifactId.mint();
    commit(backend, kept, new byte[] {1});
    String otherShard = kept.value().startsWith("00") ? "ff" : "00";
    Files.createDirectory(root.resolve(otherShard));

    try (Stream<ArtifactId> ids = backend.ids()) {
      Files.delete(root.resolve(otherShard));
      assertThat(ids).containsExactly(kept);
    }
  }

  @Test
  void leftoverTempsFromACrashAreNeverVisible() throws IOException {
    ArtifactId id = ArtifactId.mint();
    Files.write(root.resolve(".tmp-" + id.value() + "-0123456789abcdef"), new byte[] {1});
    Path shard = Files.createDirectories(root.resolve(id.value().substring(0, 2)));
    Files.write(shard.resolve(".tmp-" + id.value()), new byte[] {2});
    assertThat(ids(backend)).isEmpty();
    assertThat(backend.open(id, 0)).isEmpty();
  }

  @Test
  void abortAndRejectedDuplicateRemoveTheirTemps() throws IOException {
    ArtifactId id = ArtifactId.mint();
    commit(backend, id, new byte[] {1});
    try (PendingBlob duplicate = backend.begin(id)) {
      duplicate.output().write(2);
      assertThatThrownBy(duplicate::commit).isInstanceOf(ArtifactAlreadyExistsException.class);
    }
    try (PendingBlob aborted = backend.begin(ArtifactId.mint())) {
      aborted.output().write(3);
      aborted.abort();
    }
    assertThat(listRoot()).containsExactly(id.value().substring(0, 2));
    assertThat(read(backend, id)).hasValueSatisfying(b -> assertThat(b).containsExactly(1));
  }

  @Test
  void sweepStaleTempsRemovesOnlyOldTemps() throws IOException {
    Instant now = Instant.now();
    Path old = root.resolve(".tmp-" + ArtifactId.mint().value() + "-00000000000000aa");
    Path fresh = root.resolve(".tmp-" + ArtifactId.mint().value() + "-00000000000000bb");
    Path oldOther = root.resolve("operator-notes.txt");
    Files.write(old, new byte[] {1});
    Files.write(fresh, new byte[] {2});
    Files.write(oldOther, new byte[] {3});
    Files.setLastModifiedTime(old, FileTime.from(now.minus(Duration.ofHours(2))));
    Files.setLastModifiedTime(oldOther, FileTime.from(now.minus(Duration.ofHours(2))));
    ArtifactId committed = ArtifactId.mint();
    commit(backend, committed, new byte[] {4});
    Path committedFile = root.resolve(committed.value().substring(0, 2)).resolve(committed.value());
    Files.setLastModifiedTime(committedFile, FileTime.from(now.minus(Duration.ofDays(30))));

    ArtifactId inFlight = ArtifactId.mint();
    try (PendingBlob pending = backend.begin(inFlight)) {
      pending.output().write(5);
      assertThat(backend.sweepStalePending(Duration.ofHours(1))).isEqualTo(1);
      assertThat(old).doesNotExist();
      assertThat(fresh).exists();
      assertThat(oldOther).exists();
      pending.commit();
    }
    assertThat(read(backend, committed)).hasValueSatisfying(b -> assertThat(b).containsExactly(4));
    assertThat(read(backend, inFlight)).hasValueSatisfying(b -> assertThat(b).containsExactly(5));
    assertThat(backend.sweepStalePending(Duration.ofHours(1))).isZero();
  }

  @Test
  void aTempWhoseWriterIsGoneIsSweptAtAnyAge() throws IOException {
    // What a writer killed mid-deposit leaves: its temp file under the locked name, and no process
    // holding the lock.
    Path crashed = Files.write(root.resolve(".tmp-" + ArtifactId.mint().value() + "-00000000000000aa.locked"),
        new byte[] {1});
    Path unlocked = Files.write(root.resolve(".tmp-" + ArtifactId.mint().value() + "-00000000000000bb"),
        new byte[] {2});
    try (Stream<PendingLeftover> stale = backend.stalePending(Duration.ofHours(1))) {
      assertThat(stale).extracting(PendingLeftover::location).containsExactly(crashed.getFileName() + " (writer gone)");
    }
    assertThat(backend.sweepStalePending(Duration.ofHours(1))).isEqualTo(1);
    assertThat(crashed).doesNotExist();
    assertThat(unlocked).as("a temp file of an older release, never locked: judged by its age").exists();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aTempOfAWriterKilledInAnotherProcessIsSweptAtOnceAndNotBefore() throws Exception {
    Process writer = TempWriterProcess.start("write", root.toString());
    try {
      awaitLine(writer, "writing");
      List<String> temps = temps();
      assertThat(temps).singleElement().asString().endsWith(".locked");
      assertThat(backend.sweepStalePending(Duration.ofHours(1))).as("the writer lives").isZero();
      assertThat(temps()).isEqualTo(temps);
    } finally {
      writer.destroyForcibly(); // SIGKILL: no clean-up of its own
      writer.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(temps()).as("what the killed writer left").hasSize(1);
    assertThat(backend.sweepStalePending(Duration.ofHours(1))).isEqualTo(1);
    assertThat(temps()).isEmpty();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aTempListedAsItsWritersGoneIsKeptIfAWriterHoldsItsLockSince() throws Exception {
    // A writer creates its temp file under the locked name, then locks it: a sweep that listed it
    // in between must not remove it once the writer holds the lock.
    Path temp = Files.write(root.resolve(".tmp-" + ArtifactId.mint().value() + "-00000000000000aa.locked"),
        new byte[] {1});
    List<PendingLeftover> listed;
    try (Stream<PendingLeftover> stale = backend.stalePending(Duration.ofHours(1))) {
      listed = stale.toList();
    }
    assertThat(listed).singleElement().extracting(PendingLeftover::location).asString().endsWith(" (writer gone)");
    Process writer = TempWriterProcess.start("lock", temp.toString());
    try {
      awaitLine(writer, "locked");
      assertThat(backend.removeStalePending(listed.get(0))).isFalse();
      assertThat(temp).exists();
    } finally {
      writer.destroyForcibly();
      writer.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(backend.removeStalePending(listed.get(0))).as("its writer is gone again").isTrue();
    assertThat(temp).doesNotExist();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void sweepsOfTheWritersOwnProcessLeaveItsLockHeld() throws Exception {
    FileArtifactBackend other = new FileArtifactBackend(root);
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob pending = backend.begin(id)) {
      pending.output().write(1);
      assertThat(other.sweepStalePending(Duration.ofHours(1))).isZero();
      assertThat(backend.sweepStalePending(Duration.ofHours(1))).isZero();
      // Closing any descriptor of a file drops every POSIX lock its process holds on it: had a
      // sweep of this process opened the temp file, another process would now find it unlocked.
      assertThat(sweepInAnotherProcess()).isZero();
      pending.output().write(2);
      pending.commit();
    }
    assertThat(read(backend, id)).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2));
    assertThat(temps()).isEmpty();
  }

  @Test
  void aStalledLiveWriterIsStillSweptByItsAge() throws IOException {
    try (PendingBlob pending = backend.begin(ArtifactId.mint())) {
      pending.output().write(1);
      Files.setLastModifiedTime(root.resolve(temps().get(0)), FileTime.from(Instant.now().minus(Duration.ofHours(2))));
      assertThat(backend.sweepStalePending(Duration.ofHours(1))).isEqualTo(1);
      assertThatThrownBy(pending::commit).isInstanceOf(IOException.class);
    }
    assertThat(ids(backend)).isEmpty();
    assertThat(temps()).isEmpty();
  }

  private List<String> temps() throws IOException {
    return listRoot().stream().filter(name -> name.startsWith(".tmp-")).toList();
  }

  private int sweepInAnotherProcess() throws Exception {
    Process sweeper = TempWriterProcess.start("sweep", root.toString(), Long.toString(Duration.ofHours(1).toSeconds()));
    String out = new String(sweeper.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(sweeper.waitFor()).as(out).isZero();
    return Integer.parseInt(out.strip());
  }

  private static void awaitLine(Process process, String expected) throws IOException {
    java.io.BufferedReader lines = new java.io.BufferedReader(
        new java.io.InputStreamReader(process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      if (line.equals(expected)) {
        return;
      }
      seen.append(line).append('\n');
    }
    throw new AssertionError("the process ended without printing '" + expected + "':\n" + seen);
  }

  @Test
  void listedCommitTimeIsTheCommitsNotTheLastWrites() throws IOException {
    Instant longAgo = Instant.parse("2001-01-01T00:00:00Z");
    ArtifactId id = ArtifactId.mint();
    Instant beforeCommit;
    try (PendingBlob pending = backend.begin(id)) {
      pending.output().write(new byte[] {1, 2, 3});
      try (Stream<Path> temps = Files.list(root)) {
        for (Path temp : temps.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) {
          Files.setLastModifiedTime(temp, FileTime.from(longAgo)); // an upload that began long ago
        }
      }
      beforeCommit = Instant.now().minusSeconds(1); // the file system's clock granularity
      pending.commit();
    }
    assertThat(Blobs.blobs(backend)).singleElement().satisfies(blob -> {
      assertThat(blob.id()).isEqualTo(id);
      assertThat(blob.sizeBytes()).isEqualTo(3);
      assertThat(blob.committedAt()).isAfterOrEqualTo(beforeCommit);
    });
  }

  @Test
  void blobsRefusesAnythingButARegularFileAtABlobsName() throws IOException {
    ArtifactId id = ArtifactId.mint();
    Files.createDirectories(root.resolve(id.value().substring(0, 2)).resolve(id.value()));
    try (Stream<CommittedBlob> blobs = backend.blobs()) {
      assertThatThrownBy(blobs::toList).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("not a regular file");
    }
  }

  @Test
  void staleSweepOfTheSpiIsTheTempSweep() throws IOException {
    Path old = root.resolve(".tmp-" + ArtifactId.mint().value() + "-00000000000000aa");
    Files.write(old, new byte[] {1});
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    assertThat(backend.capabilities()).contains(ArtifactBackend.Capability.STALE_PENDING_SWEEP);
    assertThat(backend.sweepStalePending(Duration.ofHours(1))).isEqualTo(1);
    assertThat(old).doesNotExist();
  }

  @Test
  void symlinkAtTheFinalNameIsRefusedOnOpen() throws IOException {
    ArtifactId id = ArtifactId.mint();
    Path secret = Files.write(dir.resolve("secret"), new byte[] {42});
    Path shard = Files.createDirectories(root.resolve(id.value().substring(0, 2)));
    Files.createSymbolicLink(shard.resolve(id.value()), secret);
    assertThatThrownBy(() -> backend.open(id, 0))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a regular file");
  }

  @Test
  void symlinkAtTheFinalNameIsRefusedOnChannelOpen() throws IOException {
    ArtifactId id = ArtifactId.mint();
    Path secret = Files.write(dir.resolve("secret"), new byte[] {42});
    Path shard = Files.createDirectories(root.resolve(id.value().substring(0, 2)));
    Files.createSymbolicLink(shard.resolve(id.value()), secret);
    assertThatThrownBy(() -> backend.openChannel(id, 0, 1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a regular file");
    Files.delete(shard.resolve(id.value()));
    Files.createDirectory(shard.resolve(id.value()));
    assertThatThrownBy(() -> backend.openChannel(id, 0, 1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a regular file");
  }

  /** What lets a server send the bytes without reading them: the file's own channel, at the offset. */
  @Test
  void channelOpenIsTheBlobFilesChannelAtTheOffset() throws IOException {
    ArtifactId id = ArtifactId.mint();
    commit(backend, id, new byte[] {1, 2, 3, 4, 5});
    for (long offset : new long[] {0, 3, 5, 6, Long.MAX_VALUE}) {
      try (ReadableByteChannel channel = backend.openChannel(id, offset, 1).orElseThrow()) {
        assertThat(channel).isInstanceOf(FileChannel.class);
        assertThat(((FileChannel) channel).position()).as("offset %d", offset).isEqualTo(Math.min(offset, 5));
        assertThat(((FileChannel) channel).size()).isEqualTo(5);
      }
    }
    assertThat(backend.openChannel(ArtifactId.mint(), 0, 1)).isEmpty();
  }

  @Test
  void symlinkedShardIsRefusedOnOpenCommitAndDelete() throws IOException {
    ArtifactId id = ArtifactId.mint();
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.write(elsewhere.resolve(id.value()), new byte[] {42});
    Files.createSymbolicLink(root.resolve(id.value().substring(0, 2)), elsewhere);
    assertThatThrownBy(() -> backend.open(id, 0))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a directory");
    try (PendingBlob blob = backend.begin(id)) {
      blob.output().write(1);
      assertThatThrownBy(blob::commit).isInstanceOf(IOException.class);
    }
    assertThatThrownBy(() -> backend.delete(id))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a directory");
    assertThat(elsewhere.resolve(id.value())).hasBinaryContent(new byte[] {42});
    assertThat(ids(backend)).isEmpty();
  }

  @Test
  void commitDoesNotWriteThroughASymlinkAtTheFinalName() throws IOException {
    ArtifactId id = ArtifactId.mint();
    Path victim = Files.write(dir.resolve("victim"), new byte[] {42});
    Path shard = Files.createDirectories(root.resolve(id.value().substring(0, 2)));
    Files.createSymbolicLink(shard.resolve(id.value()), victim);
    try (PendingBlob blob = backend.begin(id)) {
      blob.output().write(new byte[] {1, 2});
      assertThatThrownBy(blob::commit).isInstanceOf(ArtifactAlreadyExistsException.class);
    }
    assertThat(victim).hasBinaryContent(new byte[] {42});
  }

  @Test
  void directoryAtTheFinalNameIsRefusedOnOpen() throws IOException {
    ArtifactId id = ArtifactId.mint();
    Files.createDirectories(root.resolve(id.value().substring(0, 2)).resolve(id.value()));
    assertThatThrownBy(() -> backend.open(id, 0))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a regular file");
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void fifoAtTheFinalNameIsRefusedWithoutBlocking() throws Exception {
    ArtifactId id = ArtifactId.mint();
    Path shard = Files.createDirectories(root.resolve(id.value().substring(0, 2)));
    Path fifo = shard.resolve(id.value());
    int exit;
    try {
      exit = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
    } catch (IOException e) {
      exit = -1;
    }
    assumeTrue(exit == 0, "mkfifo is not available on this machine");
    assertThatThrownBy(() -> backend.open(id, 0))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a regular file");
  }

  @Test
  void rootShardsAndBlobsAreOwnerOnly() throws IOException {
    assumeTrue(root.getFileSystem().supportedFileAttributeViews().contains("posix"),
        "the file system has no POSIX permissions");
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob blob = backend.begin(id)) {
      blob.output().write(1);
      try (Stream<Path> entries = Files.list(root)) {
        Path temp = entries.filter(p -> p.getFileName().toString().startsWith(".tmp-")).findFirst().orElseThrow();
        assertThat(Files.getPosixFilePermissions(temp, LinkOption.NOFOLLOW_LINKS)).isEqualTo(OWNER_ONLY_FILE);
      }
      blob.commit();
    }
    Path shard = root.resolve(id.value().substring(0, 2));
    assertThat(Files.getPosixFilePermissions(root, LinkOption.NOFOLLOW_LINKS)).isEqualTo(OWNER_ONLY_DIR);
    assertThat(Files.getPosixFilePermissions(shard, LinkOption.NOFOLLOW_LINKS)).isEqualTo(OWNER_ONLY_DIR);
    assertThat(Files.getPosixFilePermissions(shard.resolve(id.value()), LinkOption.NOFOLLOW_LINKS))
        .isEqualTo(OWNER_ONLY_FILE);
  }

  @Test
  void foreignFilesInTheRootAreNotListed() throws IOException {
    ArtifactId id = ArtifactId.mint();
    commit(backend, id, new byte[] {1});
    Files.write(root.resolve(ArtifactId.mint().value()), new byte[] {2}); // not in a shard
    Path shard = root.resolve(id.value().substring(0, 2));
    Files.write(shard.resolve("README"), new byte[] {3});
    Files.write(shard.resolve(mintWithPrefixOtherThan(id.value().substring(0, 2)).value()), new byte[] {4});
    Files.createDirectories(root.resolve("zz"));
    assertThat(ids(backend)).containsExactly(id);
  }

  @Test
  void aRootThatIsAFileIsRefused() throws IOException {
    Path file = Files.write(dir.resolve("plain-file"), new byte[] {1});
    assertThatThrownBy(() -> new FileArtifactBackend(file)).isInstanceOf(IOException.class);
  }

  @Test
  void aRootThatIsASymlinkToADirectoryIsResolvedOnce() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("link"), root);
    FileArtifactBackend viaLink = new FileArtifactBackend(link);
    assertThat(viaLink.root()).isEqualTo(root.toRealPath());
    ArtifactId id = ArtifactId.mint();
    commit(viaLink, id, new byte[] {1});
    assertThat(read(backend, id)).hasValueSatisfying(b -> assertThat(b).containsExactly(1));
  }

  @Test
  void twoInstancesOnOneRootShareBlobsAndExclusivity() throws IOException {
    FileArtifactBackend other = new FileArtifactBackend(root);
    ArtifactId id = ArtifactId.mint();
    commit(backend, id, new byte[] {1});
    assertThat(read(other, id)).hasValueSatisfying(b -> assertThat(b).containsExactly(1));
    try (PendingBlob duplicate = other.begin(id)) {
      duplicate.output().write(2);
      assertThatThrownBy(duplicate::commit).isInstanceOf(ArtifactAlreadyExistsException.class);
    }
  }

  private List<String> listRoot() throws IOException {
    try (Stream<Path> entries = Files.list(root)) {
      return entries.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  private static ArtifactId mintWithPrefixOtherThan(String prefix) {
    ArtifactId id;
    do {
      id = ArtifactId.mint();
    } while (id.value().startsWith(prefix));
    return id;
  }
}
