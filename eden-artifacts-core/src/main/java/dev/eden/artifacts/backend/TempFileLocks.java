package dev.eden.artifacts.backend;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a sweep tells the temp file of a writer that is gone from one still being written, on any
 * file system with working locks and across processes: a writer holds an OS file lock ({@link
 * FileChannel#tryLock()}) on its temp file for as long as it writes it, and the operating system
 * releases that lock when the writer's process ends, however it ends (SIGKILL, a power cut). A temp
 * file whose lock a sweep can take therefore has no writer left, whatever its age; one whose lock
 * is held is being written.
 *
 * <p>A process must never open a temp file it is writing itself: closing any descriptor of a file
 * releases every POSIX lock the process holds on it. So the writers of this process register their
 * temp files here, and the sweeps of this process leave registered files alone; a sweep registers
 * the file it looks at in the same way, so that two sweeps of this process never open one file at
 * once (the second one's close would release the first one's lock).
 *
 * <p>Thread-safe; static because the rule above is per process, not per backend instance.
 */
final class TempFileLocks {
  /** The temp files whose writers in this process hold their lock. */
  private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

  private TempFileLocks() {}

  /** What became of a writer's attempt to lock the temp file it just created. */
  enum WriterLock {
    /** The writer holds the lock of its temp file. */
    HELD,
    /**
     * A sweep of another process took the lock between the file's creation and the writer's lock,
     * and removed the file: the writer starts over under another name.
     */
    SWEPT,
    /** The file system has no working locks (some network file systems). */
    UNAVAILABLE,
  }

  /**
   * Takes the writer's (exclusive) lock on {@code temp}, which it just created through {@code
   * channel} under the locked name, waiting while a sweep holds its shared lock for a moment.
   *
   * @throws IOException if the channel was closed or the thread interrupted meanwhile
   */
  static WriterLock lockForWriter(FileChannel channel, Path temp) throws IOException {
    try {
      channel.lock();
    } catch (ClosedChannelException | FileLockInterruptionException e) {
      throw e;
    } catch (IOException | UnsupportedOperationException e) {
      return WriterLock.UNAVAILABLE;
    }
    // Only this writer ever creates this name, so a file there now is the one it locked.
    return Files.exists(temp, LinkOption.NOFOLLOW_LINKS) ? WriterLock.HELD : WriterLock.SWEPT;
  }

  /** Records that a writer of this process locks {@code temp} (before the file is created). */
  static void held(Path temp) {
    HELD_HERE.add(temp);
  }

  /** Records that the writer of {@code temp} closed it (after it is removed). */
  static void released(Path temp) {
    HELD_HERE.remove(temp);
  }

  /**
   * Whether {@code temp}, a temp file named as locked by its writer, has no writer any more: its
   * lock can be taken. False if its writer holds it, if it is a writer's of this process, if it is
   * gone, and whenever the lock cannot be asked for (no working locks, another thread of this
   * process asking at the same moment): then the temp file is judged by its age.
   *
   * @throws IOException only if closing the file fails
   */
  static boolean writerGone(Path temp) throws IOException {
    return whileWriterGone(temp, () -> true);
  }

  /**
   * Removes {@code temp} while holding its lock, if its writer is gone (see {@link #writerGone});
   * a writer that created it a moment ago and waits for its lock then finds it removed and starts
   * over.
   *
   * @return whether this call removed it
   * @throws IOException if removing it fails
   */
  static boolean deleteIfWriterGone(Path temp) throws IOException {
    return whileWriterGone(temp, () -> Files.deleteIfExists(temp));
  }

  private interface LockedAction {
    boolean run() throws IOException;
  }

  private static boolean whileWriterGone(Path temp, LockedAction action) throws IOException {
    if (!HELD_HERE.add(temp)) {
      return false; // a writer of this process writes it, or another sweep of this process looks at it
    }
    try {
      FileChannel channel;
      try {
        // A shared lock needs only read access, and conflicts with the writer's exclusive one.
        channel = FileChannel.open(temp, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException | UnsupportedOperationException e) {
        return false; // gone, or not readable: judged by its age
      }
      try (channel) {
        FileLock lock;
        try {
          lock = channel.tryLock(0, Long.MAX_VALUE, true);
        } catch (IOException | UnsupportedOperationException | OverlappingFileLockException e) {
          return false; // no working locks here: judged by its age
        }
        if (lock == null) {
          return false; // its writer holds it
        }
        try {
          return action.run();
        } finally {
          lock.release();
        }
      }
    } finally {
      HELD_HERE.remove(temp);
    }
  }
}
