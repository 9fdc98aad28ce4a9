package dev.eden.artifacts.checks.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;

/**
 * A tmpfs of a few MiB mounted by the test ({@code mount -t tmpfs -o size=N tmpfs DIR}, which needs
 * root), so that a scenario can fill a disk for real; {@link #close()} unmounts it. Where it cannot
 * be mounted the scenario fails in CI (environment {@code CI=true}) and is skipped, with the reason,
 * elsewhere.
 */
final class SmallFilesystem implements AutoCloseable {
  private static final int CHUNK = 64 * 1024;

  final Path root;
  private final List<Path> fillers = new ArrayList<>();

  private SmallFilesystem(Path root) {
    this.root = root;
  }

  /** Mounts a tmpfs of {@code bytes} (a multiple of 4 KiB) on {@code dir}, created if missing. */
  static SmallFilesystem mount(Path dir, long bytes) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Command mount = Command.run("mount", "-t", "tmpfs", "-o", "size=" + bytes + ",mode=0700", "tmpfs", dir.toString());
    if (mount.exit != 0) {
      String reason = "cannot mount a tmpfs of " + bytes + " bytes on " + dir + " (the disk-full scenario needs root): "
          + mount.output.strip();
      Campaign.requireOrSkip(reason);
    }
    return new SmallFilesystem(dir.toRealPath());
  }

  /** Bytes a new file may still take. */
  long usableBytes() throws IOException {
    return Files.getFileStore(root).getUsableSpace();
  }

  /**
   * Writes a filler file of zeros (its own name) until at most {@code leaveFree} bytes are left, or
   * until the file system refuses with no space left when {@code leaveFree} is 0; returns its size.
   */
  long fill(long leaveFree) throws IOException {
    Path filler = root.resolve("filler-" + fillers.size());
    fillers.add(filler);
    long target = leaveFree == 0 ? Long.MAX_VALUE : Math.max(0, usableBytes() - leaveFree);
    byte[] zeros = new byte[CHUNK];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (written < target) {
        int n = (int) Math.min(CHUNK, target - written);
        out.write(zeros, 0, n);
        written += n;
      }
    } catch (IOException e) {
      if (leaveFree != 0 || !noSpaceLeft(e)) {
        throw e;
      }
    }
    return Files.size(filler);
  }

  /** Deletes every filler file written so far; returns the bytes freed. */
  long freeFillers() throws IOException {
    long freed = 0;
    for (Path filler : fillers) {
      freed += Files.size(filler);
      Files.delete(filler);
    }
    fillers.clear();
    return freed;
  }

  private static boolean noSpaceLeft(IOException e) {
    return String.valueOf(e.getMessage()).contains("No space left on device");
  }

  /** Unmounts; lazily if something still holds a file there, so that it never stays mounted. */
  @Override
  public void close() throws IOException, InterruptedException {
    Command umount = Command.run("umount", root.toString());
    if (umount.exit != 0) {
      Command lazy = Command.run("umount", "-l", root.toString());
      if (lazy.exit != 0) {
        throw new IOException("could not unmount " + root + ": " + umount.output + lazy.output);
      }
    }
  }

  private record Command(int exit, String output) {
    static Command run(String... command) throws IOException, InterruptedException {
      ProcessBuilder builder = new ProcessBuilder(command);
      try {
        ChildCommand done = ChildCommand.run(builder, Duration.ofSeconds(30));
        return new Command(done.exit(), done.output());
      } catch (IOException e) {
        return new Command(-1, e.getMessage());
      }
    }
  }
}
