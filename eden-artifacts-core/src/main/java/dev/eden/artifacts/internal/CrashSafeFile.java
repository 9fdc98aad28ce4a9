package dev.eden.artifacts.internal;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The project's one way to write a file that survives a crash whole or not at all (the file
 * backend's commit sequence, WIRE-CONTRACT §7): the bytes go to a uniquely named, owner-only temp
 * file; publishing fsyncs it, gives it its final name in one atomic step, and fsyncs the directory
 * that holds the name. Until then nothing is visible under the final name, and {@link #close()}
 * removes the temp file.
 *
 * <p>Two ways to publish: {@link #publishExclusively} hard-links, failing if the name exists
 * (blobs, files that must never be overwritten); {@link #publishReplacing} renames over an existing
 * file (a download into a caller's path). Not API. Not thread-safe: one writer.
 */
public final class CrashSafeFile implements Closeable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path temp;
  private final FileChannel channel;
  private boolean published;

  private CrashSafeFile(Path temp, FileChannel channel) {
    this.temp = temp;
    this.channel = channel;
  }

  /**
   * Creates the temp file {@code directory/<prefix><16 random hex digits><suffix>}, owner-only
   * where the file system has POSIX permissions. Put it in the directory of the final name (a
   * rename or link cannot cross file systems) under a name that readers of that directory skip.
   *
   * @throws IOException if the directory does not exist or is not writable
   */
  public static CrashSafeFile create(Path directory, String prefix, String suffix)
      throws IOException {
    requireNonNull(directory, "directory");
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    Path temp = directory.resolve(requireNonNull(prefix, "prefix")
        + HexFormat.of().formatHex(random) + requireNonNull(suffix, "suffix"));
    Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileChannel channel = directory.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? FileChannel.open(temp, options,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        : FileChannel.open(temp, options);
    return new CrashSafeFile(temp, channel);
  }

  /** Where the bytes are written until they are published. */
  public Path temp() {
    return temp;
  }

  /** The temp file's channel, for writing; closed by publishing or by {@link #close()}. */
  public FileChannel channel() {
    return channel;
  }

  /**
   * Fsyncs the bytes, hard-links them to {@code target} (atomic, and failing if the name exists, so
   * it never overwrites) and fsyncs {@code target}'s directory, which must be on the temp file's
   * file system. The temp file is removed either way.
   *
   * @throws FileAlreadyExistsException if {@code target} exists; nothing was changed
   */
  public void publishExclusively(Path target) throws IOException {
    requireNonNull(target, "target");
    try {
      channel.force(true);
      channel.close();
      Files.createLink(target, temp);
      published = true;
      fsyncDirectory(target.toAbsolutePath().getParent());
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Fsyncs the bytes, renames them atomically to {@code target} (replacing an existing file) and
   * fsyncs {@code target}'s directory, which must be the temp file's directory.
   *
   * @throws java.nio.file.FileSystemException if {@code target} cannot be replaced (a directory,
   *     for example); {@code target} is then unchanged and {@link #close()} removes the temp file
   */
  public void publishReplacing(Path target) throws IOException {
    requireNonNull(target, "target");
    channel.force(true);
    channel.close();
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename atomically into " + target.toAbsolutePath().getParent(),
          e);
    }
    published = true;
    fsyncDirectory(target.toAbsolutePath().getParent());
  }

  /**
   * Makes a new or removed name in {@code directory} durable. Platforms that cannot open a
   * directory (Windows) make the link or rename durable by themselves; anywhere else a failure
   * is reported.
   */
  public static void fsyncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      if (System.getProperty("os.name", "").startsWith("Windows")) {
        return;
      }
      throw e;
    }
  }

  /** Abandons an unpublished file: closes the channel and removes the temp file. Idempotent. */
  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      if (!published) {
        Files.deleteIfExists(temp);
      }
    }
  }
}
