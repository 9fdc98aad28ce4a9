package dev.eden.artifacts.backend;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.internal.CrashSafeFile;
import dev.eden.artifacts.internal.RangedStreams;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.CommittedBlob;
import dev.eden.artifacts.spi.PendingLeftover;
import dev.eden.artifacts.spi.PendingBlob;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Blobs as files under a root directory, written crash-safely:
 *
 * <ol>
 *   <li>the bytes go to a uniquely named temp file ({@code .tmp-<id>-<random>.locked}) in the root,
 *       on which the writer holds an OS file lock for as long as it writes;
 *   <li>commit flushes and fsyncs it, then hard-links it to its final name
 *       {@code <root>/<first two hex chars>/<id>} — atomic, and failing if the name exists, so a
 *       commit can never overwrite;
 *   <li>the final directory is fsynced so the new entry survives a crash, then the temp is removed.
 * </ol>
 *
 * <p>The two-character fan-out keeps directories small at millions of artifacts. Reads never follow
 * symbolic links and refuse anything but a regular file. Files and directories are created
 * owner-only where the file system supports POSIX permissions. Temp files left by a crash are
 * invisible to {@link #open}, {@link #ids()} and {@link #blobs()}; {@link #sweepStalePending(Duration)}
 * removes them.
 *
 * <p><b>Whose temp file is dead.</b> The operating system releases a writer's lock when its
 * process ends, however it ends, so {@link #stalePending} lists the temp files whose lock it can
 * take at any age: their writer is gone, be it this process before a restart or another server
 * sharing the root. A temp file whose lock is held is being written, and is listed only once it
 * made no progress for the given time, like a temp file of an older release ({@code
 * .tmp-<id>-<random>}, never locked) and every temp file where the file system has no working
 * locks (then the writer renames its temp file to that older name). A writer creates its temp file
 * under the locked name and locks it at once, so one that dies in between leaves a temp file whose
 * lock is free too. Servers on several machines sharing one root
 * need a file system whose locks reach across machines (NFSv4 locks do; a mount with local-only
 * locks does not).
 *
 * <p>Thread-safe; several instances (or processes) may share one root.
 */
public final class FileArtifactBackend implements ArtifactBackend {
  private static final String TEMP_PREFIX = ".tmp-";
  /** Ends the name of a temp file whose writer holds its lock (see {@link TempFileLocks}). */
  private static final String LOCKED_SUFFIX = ".locked";
  /** Marks the location of a leftover listed because its writer is gone, not for its age. */
  private static final String WRITER_GONE = " (writer gone)";
  private static final int MAX_TEMP_ATTEMPTS = 3;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<Capability> CAPABILITIES =
      Set.of(Capability.BLOB_LISTING, Capability.STALE_PENDING_SWEEP);

  private final Path root;
  private final Clock clock;
  private final boolean posix;

  /** Uses {@code root}, creating it (owner-only) if it does not exist. */
  public FileArtifactBackend(Path root) throws IOException {
    this(root, Clock.systemUTC());
  }

  FileArtifactBackend(Path root, Clock clock) throws IOException {
    Path absolute = requireNonNull(root, "root").toAbsolutePath().normalize();
    this.clock = requireNonNull(clock, "clock");
    this.posix = absolute.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(absolute)) {
      createDirectory(absolute);
    }
    // The root itself may be a symbolic link (a data disk mounted elsewhere): resolve it once
    // here; only entries inside the root are refused when they are links.
    this.root = absolute.toRealPath();
  }

  /** The root directory, with symbolic links resolved. */
  public Path root() {
    return root;
  }

  @Override
  public PendingBlob begin(ArtifactId id) throws IOException {
    requireNonNull(id, "id");
    for (int attempt = 1; ; attempt++) {
      Optional<FilePendingBlob> pending = beginLocked(id);
      if (pending.isPresent()) {
        return pending.get();
      }
      if (attempt == MAX_TEMP_ATTEMPTS) {
        throw new IOException("sweeps of another process removed " + attempt + " new temp files of " + id
            + " before they could be locked");
      }
    }
  }

  /**
   * Creates a temp file under the locked name and takes its lock; empty if a sweep of another
   * process took the lock first (between the creation and the lock) and removed the file. So a
   * writer that dies at any moment leaves at most a temp file whose lock is free. Where the file
   * system has no working locks, the temp file is renamed to the unlocked name and judged by its
   * age.
   */
  private Optional<FilePendingBlob> beginLocked(ArtifactId id) throws IOException {
    String name = TEMP_PREFIX + id.value() + "-" + randomSuffix();
    Path temp = root.resolve(name + LOCKED_SUFFIX);
    TempFileLocks.held(temp); // before the name exists: sweeps of this process leave it alone
    FileChannel channel = null;
    try {
      channel = posix
          ? FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
          : FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      switch (TempFileLocks.lockForWriter(channel, temp)) {
        case HELD:
          return Optional.of(new FilePendingBlob(id, temp, channel));
        case SWEPT:
          channel.close();
          TempFileLocks.released(temp);
          return Optional.empty();
        default:
          Path unlocked = root.resolve(name);
          Files.move(temp, unlocked, StandardCopyOption.ATOMIC_MOVE);
          TempFileLocks.released(temp);
          return Optional.of(new FilePendingBlob(id, unlocked, channel));
      }
    } catch (IOException | RuntimeException e) {
      try {
        if (channel != null) {
          channel.close();
        }
        Files.deleteIfExists(temp);
      } finally {
        TempFileLocks.released(temp);
      }
      throw e;
    }
  }

  @Override
  public Optional<InputStream> open(ArtifactId id, long offset) throws IOException {
    requireNonNull(id, "id");
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative: " + offset);
    }
    return openFile(id, offset).map(Channels::newInputStream);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: the blob file's own read-only {@link FileChannel}, positioned at {@code offset}
   * (clamped to the file's size), after the same checks as {@link #open(ArtifactId, long)}. It does
   * not stop after {@code length} bytes: the caller does.
   */
  @Override
  public Optional<ReadableByteChannel> openChannel(ArtifactId id, long offset, long length)
      throws IOException {
    requireNonNull(id, "id");
    RangedStreams.checkRange(offset, length);
    return openFile(id, offset).map(channel -> channel);
  }

  /**
   * The committed blob file of {@code id}, opened for reading at {@code offset}, or empty if there
   * is none. Never follows a symbolic link, refuses anything but a regular file, and refuses a file
   * swapped in between its check and its opening.
   */
  private Optional<FileChannel> openFile(ArtifactId id, long offset) throws IOException {
    Path path = finalPath(id);
    if (!shardExists(path.getParent())) {
      return Optional.empty();
    }
    BasicFileAttributes before;
    try {
      before = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    requireRegularFile(path, before);
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty(); // deleted between the check and the open
    }
    try {
      // The checked entry must be the one we opened: refuse if it was swapped in between.
      BasicFileAttributes after =
          Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      requireRegularFile(path, after);
      if (!Objects.equals(before.fileKey(), after.fileKey())) {
        throw new IOException("blob file changed while being opened: " + id);
      }
      // Clamped: reading at an offset past what the file system supports fails (EINVAL)
      // instead of answering end of file.
      channel.position(Math.min(offset, channel.size()));
      return Optional.of(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public boolean delete(ArtifactId id) throws IOException {
    requireNonNull(id, "id");
    Path path = finalPath(id);
    if (!shardExists(path.getParent())) {
      return false;
    }
    boolean deleted = Files.deleteIfExists(path);
    if (deleted) {
      CrashSafeFile.fsyncDirectory(path.getParent());
    }
    return deleted;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Lazy: the shard directories are listed while the stream is consumed, one at a time, so
   * memory does not grow with the number of blobs. A directory that cannot be read while the
   * stream is consumed raises {@link UncheckedIOException} from the terminal operation.
   */
  @Override
  public Stream<ArtifactId> ids() throws IOException {
    // Closing the returned stream closes the open directories.
    return Files.list(root).filter(FileArtifactBackend::isShard).flatMap(FileArtifactBackend::idsIn);
  }

  /** {@link Capability#BLOB_LISTING} and {@link Capability#STALE_PENDING_SWEEP}. */
  @Override
  public Set<Capability> capabilities() {
    return CAPABILITIES;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Lazy like {@link #ids()}. {@code committedAt} is the file's modification time, which commit
   * sets just before it publishes the file; a blob deleted between listing and reading its
   * attributes is left out.
   */
  @Override
  public Stream<CommittedBlob> blobs() throws IOException {
    return ids().map(this::describe).flatMap(Optional::stream);
  }

  /**
   * The ids in one shard directory; empty if another process removed it meanwhile.
   *
   * @throws UncheckedIOException if the shard cannot be listed
   */
  private static Stream<ArtifactId> idsIn(Path shard) {
    String prefix = shard.getFileName().toString();
    try {
      return Files.list(shard)
          .map(file -> file.getFileName().toString())
          .filter(name -> ArtifactId.isValid(name) && name.startsWith(prefix))
          .map(ArtifactId::parse);
    } catch (NoSuchFileException e) {
      return Stream.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The listing entry of {@code id}; empty if it was deleted since it was listed. */
  private Optional<CommittedBlob> describe(ArtifactId id) {
    try {
      BasicFileAttributes attrs =
          Files.readAttributes(finalPath(id), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isRegularFile()) {
        throw new IOException("blob is not a regular file: " + id);
      }
      return Optional.of(new CommittedBlob(id, attrs.size(), attrs.lastModifiedTime().toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: the temp files ({@code .tmp-*} in the root) whose writer is gone, whatever their age
   * (their lock can be taken: see the class comment; listed as {@code "<name> (writer gone)"}), and
   * the others last modified more than {@code olderThan} ago; a live writer touches its temp file
   * with every write. Read eagerly, one directory listing; the lock is asked for only of young temp
   * files.
   */
  @Override
  public Stream<PendingLeftover> stalePending(Duration olderThan) throws IOException {
    requireNonNull(olderThan, "olderThan");
    if (olderThan.isNegative()) {
      throw new IllegalArgumentException("olderThan must not be negative: " + olderThan);
    }
    FileTime cutoff = FileTime.from(clock.instant().minus(olderThan));
    List<PendingLeftover> stale = new ArrayList<>();
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(root, TEMP_PREFIX + "*")) {
      for (Path temp : temps) {
        Optional<BasicFileAttributes> found = tempAttributes(temp).filter(BasicFileAttributes::isRegularFile);
        if (found.isEmpty()) {
          continue;
        }
        BasicFileAttributes attrs = found.get();
        String name = temp.getFileName().toString();
        if (attrs.lastModifiedTime().compareTo(cutoff) < 0) {
          stale.add(new PendingLeftover(name, attrs.size(), attrs.lastModifiedTime().toInstant()));
        } else if (writerGone(temp)) {
          stale.add(new PendingLeftover(name + WRITER_GONE, attrs.size(), attrs.lastModifiedTime().toInstant()));
        }
      }
    }
    return stale.stream();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: deletes the temp file named by {@link PendingLeftover#location()} only if its
   * modification time is still the listed one, so a writer that resumed keeps its file; one listed
   * because its writer is gone ({@code "<name> (writer gone)"}) only while its lock can still be
   * taken, so a writer that was just creating it keeps it.
   */
  @Override
  public boolean removeStalePending(PendingLeftover leftover) throws IOException {
    requireNonNull(leftover, "leftover");
    String location = leftover.location();
    boolean writerGone = location.endsWith(WRITER_GONE);
    String name = writerGone ? location.substring(0, location.length() - WRITER_GONE.length()) : location;
    if (!name.startsWith(TEMP_PREFIX) || name.contains("/") || name.contains(root.getFileSystem().getSeparator())) {
      throw new IllegalArgumentException("not a temp file of this backend: " + name);
    }
    Path temp = root.resolve(name);
    Optional<BasicFileAttributes> attrs = tempAttributes(temp);
    if (attrs.isEmpty() || !attrs.get().lastModifiedTime().toInstant().equals(leftover.lastModified())) {
      return false;
    }
    return writerGone ? TempFileLocks.deleteIfWriterGone(temp) : Files.deleteIfExists(temp);
  }

  /** Whether {@code temp} was named as locked by its writer and its lock can be taken now. */
  private static boolean writerGone(Path temp) throws IOException {
    return temp.getFileName().toString().endsWith(LOCKED_SUFFIX) && TempFileLocks.writerGone(temp);
  }

  /** A temp file's attributes, or empty if it is gone (its writer or another sweeper removed it). */
  private static Optional<BasicFileAttributes> tempAttributes(Path temp) throws IOException {
    try {
      return Optional.of(Files.readAttributes(temp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private Path finalPath(ArtifactId id) {
    return root.resolve(id.value().substring(0, 2)).resolve(id.value());
  }

  /**
   * Whether the shard directory exists. A shard must be a real directory: a symbolic link there
   * would lead reads and deletes out of the root, so it is refused.
   */
  private static boolean shardExists(Path shard) throws IOException {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(shard, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return false;
    }
    if (!attrs.isDirectory()) {
      throw new IOException("blob shard is not a directory: " + shard.getFileName());
    }
    return true;
  }

  private static boolean isShard(Path path) {
    String name = path.getFileName().toString();
    return name.length() == 2 && name.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
        && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
  }

  private static void requireRegularFile(Path path, BasicFileAttributes attrs) throws IOException {
    if (!attrs.isRegularFile()) {
      throw new IOException("blob is not a regular file: " + path.getFileName());
    }
  }

  private void createDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    FileAttribute<?>[] attrs = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
        : new FileAttribute<?>[0];
    try {
      if (dir.getParent() != null) {
        Files.createDirectories(dir.getParent());
      }
      Files.createDirectory(dir, attrs);
      if (dir.getParent() != null) {
        CrashSafeFile.fsyncDirectory(dir.getParent());
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw e;
      }
    }
  }

  private static String randomSuffix() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private final class FilePendingBlob implements PendingBlob {
    private final ArtifactId id;
    private final Path temp;
    private final FileChannel channel;
    private final OutputStream output;
    private final EarlyFlush earlyFlush;
    private State state = State.OPEN;

    FilePendingBlob(ArtifactId id, Path temp, FileChannel channel) {
      this.id = id;
      this.temp = temp;
      this.channel = channel;
      this.earlyFlush = new EarlyFlush(channel);
      this.output = new OutputStream() {
        private final OutputStream out = Channels.newOutputStream(channel);

        @Override
        public void write(int b) throws IOException {
          requireOpen();
          out.write(b);
          earlyFlush.wrote(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          requireOpen();
          out.write(b, off, len);
          earlyFlush.wrote(len);
        }
      };
    }

    private void requireOpen() throws IOException {
      if (state != State.OPEN) {
        throw new IOException("pending blob " + id + " is already " + state.name().toLowerCase());
      }
    }

    @Override
    public ArtifactId id() {
      return id;
    }

    @Override
    public OutputStream output() {
      return output;
    }

    @Override
    public void commit() throws IOException {
      if (state != State.OPEN) {
        throw new IllegalStateException("pending blob " + id + " is already " + state.name().toLowerCase());
      }
      state = State.ABORTED; // until the link succeeds, any failure leaves it aborted
      try {
        // The modification time is the listed commit time: stamp it now, not at the last write,
        // so an orphan sweep's grace counts from the commit (the fsync below makes it durable).
        Files.setLastModifiedTime(temp, FileTime.from(clock.instant()));
        channel.force(true);
        // The channel stays open, and with it the writer's lock, until the temp is removed: a
        // sweep must not take this temp file for a dead writer's before the link.
        Path target = finalPath(id);
        createDirectory(target.getParent());
        try {
          Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
          throw new ArtifactAlreadyExistsException(id);
        }
        CrashSafeFile.fsyncDirectory(target.getParent());
        state = State.COMMITTED;
      } finally {
        deleteTemp();
      }
    }

    @Override
    public void abort() throws IOException {
      if (state == State.COMMITTED) {
        return;
      }
      state = State.ABORTED;
      deleteTemp();
    }

    @Override
    public void close() throws IOException {
      abort();
    }

    /** Removes the temp file, then closes it, which releases the writer's lock. */
    private void deleteTemp() throws IOException {
      try {
        Files.deleteIfExists(temp);
      } finally {
        try {
          channel.close();
        } finally {
          TempFileLocks.released(temp);
        }
      }
    }
  }

  private enum State { OPEN, COMMITTED, ABORTED }

  @Override
  public String toString() {
    return "FileArtifactBackend[" + root + "]";
  }
}
