package dev.eden.artifacts.testkit;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.spi.PendingBlob;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

/**
 * A {@link FileArtifactBackend} in a process of its own, for what only another process can show:
 * {@code write ROOT} begins a pending blob, writes to it, prints {@code writing}, and waits until
 * its standard input ends (or it is killed); {@code sweep ROOT SECONDS} prints how many leftovers
 * {@code sweepStalePending} of that age removed; {@code lock FILE} takes the exclusive lock of an
 * existing file as a writer does, prints {@code locked}, and waits like {@code write}.
 */
final class TempWriterProcess {
  private TempWriterProcess() {}

  public static void main(String[] args) throws IOException {
    if (args[0].equals("lock")) {
      try (FileChannel channel = FileChannel.open(Paths.get(args[1]), StandardOpenOption.WRITE)) {
        channel.lock();
        System.out.println("locked");
        System.out.flush();
        System.in.readAllBytes();
      }
      return;
    }
    FileArtifactBackend backend = new FileArtifactBackend(Paths.get(args[1]));
    switch (args[0]) {
      case "write" -> {
        try (PendingBlob pending = backend.begin(ArtifactId.mint())) {
          pending.output().write(new byte[] {1, 2, 3});
          System.out.println("writing");
          System.out.flush();
          System.in.readAllBytes();
        }
      }
      case "sweep" -> System.out.println(backend.sweepStalePending(Duration.ofSeconds(Long.parseLong(args[2]))));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  /** Starts {@code java TempWriterProcess args...} with just the classes it needs. */
  static Process start(String... args) throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = location(FileArtifactBackend.class) + File.pathSeparator + location(TempWriterProcess.class);
    List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", classPath, TempWriterProcess.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static String location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
