package dev.eden.artifacts.cli;

import dev.eden.artifacts.client.ProgressListener;
import java.io.PrintStream;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;

/**
 * A progress bar on standard error (bytes, rate, time left) driven by the client's
 * {@link ProgressListener}, drawn only when standard error is a terminal.
 *
 * <p>Why jline: Java 17 cannot ask {@code isatty(2)} itself — {@code System.console()} looks at
 * standard input and output, so it is wrong both for {@code fetch URI > file} (stdout redirected,
 * stderr on the terminal: a bar is wanted) and for {@code deposit - 2>log} (a terminal, but stderr
 * in a file). jline's {@code exec} terminal provider, which the progress-bar library brings anyway,
 * answers for standard error specifically by running {@code test -t 2} in a child process that
 * inherits this process's descriptors (one short fork, only when a bar could be drawn). The bar is
 * created at the first progress event, so a refusal before any byte moves draws nothing.
 */
final class Progress implements ProgressListener, AutoCloseable {
  private static final int DEFAULT_WIDTH = 80;

  private final String task;
  /** Where the bar goes; {@code null} when none is drawn. */
  private final PrintStream err;
  private final int width;
  private ProgressBar bar;

  private static final int MAX_TASK = 28;

  private Progress(String task, PrintStream err, int width) {
    // The task (the command and a file name) leaves room for the count, the rate and the time.
    this.task = task.length() <= MAX_TASK ? task : task.substring(0, MAX_TASK - 3) + "...";
    this.err = err;
    this.width = width;
  }

  /**
   * A bar for {@code task} on {@code err} if standard error is a terminal and not {@code quiet};
   * otherwise a listener that draws nothing.
   */
  static Progress onStderr(String task, PrintStream err, boolean quiet, Map<String, String> env) {
    if (quiet) {
      return new Progress(task, null, 0);
    }
    TerminalProvider provider;
    try {
      provider = TerminalProvider.load("exec");
      if (!provider.isSystemStream(SystemStream.Error)) {
        return new Progress(task, null, 0);
      }
    } catch (Exception | LinkageError e) {
      return new Progress(task, null, 0);
    }
    return new Progress(task, err, width(provider, env));
  }

  /** Whether a bar is drawn at all. */
  boolean drawing() {
    return err != null;
  }

  /** {@code COLUMNS} if set, else the terminal's own width, else 80. */
  private static int width(TerminalProvider provider, Map<String, String> env) {
    try {
      int columns = Integer.parseInt(env.getOrDefault("COLUMNS", "").strip());
      if (columns > 0) {
        return columns;
      }
    } catch (NumberFormatException e) {
      // not set or not a number: ask the terminal
    }
    try {
      int columns = provider.systemStreamWidth(SystemStream.Error);
      return columns > 0 ? columns : DEFAULT_WIDTH;
    } catch (Exception | LinkageError e) {
      return DEFAULT_WIDTH;
    }
  }

  @Override
  public synchronized void onProgress(Direction direction, long bytesSoFar, long totalBytes) {
    if (err == null) {
      return;
    }
    if (bar == null) {
      Unit unit = Unit.of(totalBytes);
      bar = new ProgressBarBuilder()
          .setTaskName(task)
          .setInitialMax(totalBytes)
          .setUnit(unit.name, unit.bytes)
          .showSpeed()
          .setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(200)
          .setConsumer(new ConsoleProgressBarConsumer(err, width))
          .build();
    }
    if (totalBytes >= 0 && bar.getMax() != totalBytes) {
      bar.maxHint(totalBytes);
    }
    // A retried fetch starts again from zero: stepTo follows it back.
    bar.stepTo(bytesSoFar);
  }

  /** Draws the bar's last state and ends its line, so that what follows starts on a fresh one. */
  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  /** The unit the bar counts in: the largest binary unit the artifact reaches. */
  private enum Unit {
    B("B", 1), KIB("KiB", 1L << 10), MIB("MiB", 1L << 20), GIB("GiB", 1L << 30);

    private final String name;
    private final long bytes;

    Unit(String name, long bytes) {
      this.name = name;
      this.bytes = bytes;
    }

    static Unit of(long total) {
      if (total < 0) {
        return MIB;
      }
      Unit unit = B;
      for (Unit u : values()) {
        if (total >= 4 * u.bytes) {
          unit = u;
        }
      }
      return unit;
    }
  }
}
