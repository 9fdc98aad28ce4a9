package dev.eden.artifacts.backend;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
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
 * temp files here, and the sweeps of this process leave registered files alone.
 *
 * <p>Thread-safe; static because the rule above is per process, not per backend instance.
 */
final class TempFileLocks {
  /** The temp files whose writers in this process hold their lock. */
  private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

  private TempFileLocks() {}

  /**
   * Takes the writer's lock on a temp file it just created and has not named as locked yet.
   *
   * @return whether the lock is held; false where the file system has no working locks (some
   *     network file systems), and the temp file is then judged by its age alone
   */
  static boolean lockForWriter(FileChannel channel) {
    try {
      return channel.tryLock() != null;
    } catch (IOException | UnsupportedOperationException | OverlappingFileLockException e) {
      return false;
    }
  }

  /** Records that a writer of this process holds the lock of {@code temp} (before the name appears). */
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
   */
  static boolean writerGone(Path temp) {
    if (HELD_HERE.contains(temp)) {
      return false;
    }
    // A shared lock needs only read access, and conflicts with the writer's exclusive one.
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true);
      if (lock == null) {
        return false;
      }
      lock.release();
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException | UnsupportedOperationException | OverlappingFileLockException e) {
      return false;
    }
  }
}
