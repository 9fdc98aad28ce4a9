package dev.eden.artifacts.checks.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A short child command ({@code add-worker}, {@code jcmd}, {@code pg_ctl}, {@code mount}, …) run
 * to its end within a time-out: its output (standard output and error, merged) goes to a temp file,
 * so waiting is bounded however much it prints, and a command over its time is killed.
 *
 * @param exit the exit status
 * @param output what it printed
 */
record ChildCommand(List<String> command, int exit, String output) {

  /** Runs {@code builder}'s command; fails if it does not end within {@code timeout} (it is then killed). */
  static ChildCommand run(ProcessBuilder builder, Duration timeout) throws IOException, InterruptedException {
    Path out = Files.createTempFile("campaign-command", ".out");
    try {
      Process process = builder.redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", builder.command()) + " did not end within " + timeout);
      }
      return new ChildCommand(List.copyOf(builder.command()), process.exitValue(),
          new String(Files.readAllBytes(out), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** This, if it exited 0; else an {@link IOException} naming the command, its status and output. */
  ChildCommand requireSuccess() throws IOException {
    if (exit != 0) {
      throw new IOException(String.join(" ", command) + " exited " + exit + ":\n" + output);
    }
    return this;
  }
}
