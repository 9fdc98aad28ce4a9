package dev.eden.artifacts.server.cli;

import dev.eden.artifacts.maintenance.GarbageCollector;
import dev.eden.artifacts.maintenance.GcReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --gc-interval}: a garbage collection every interval on one daemon thread, the first
 * one interval after start. Each run logs its summary at {@code INFO}; a failed run logs a warning
 * and the next one tries again.
 */
final class BackgroundCollection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BackgroundCollection.class);

  private final ScheduledExecutorService executor;

  private BackgroundCollection(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  /** Told of every run, for metrics. */
  interface RunObserver {
    RunObserver NONE = new RunObserver() {
      @Override
      public void succeeded(GcReport report, Duration took) {}

      @Override
      public void failed(Duration took) {}
    };

    void succeeded(GcReport report, Duration took);

    void failed(Duration took);
  }

  /** Starts collecting with {@code collector} every {@code interval}, telling {@code observer} of each run. */
  static BackgroundCollection start(GarbageCollector collector, Duration interval, RunObserver observer) {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "eden-artifacts-gc");
      thread.setDaemon(true);
      return thread;
    });
    long millis = interval.toMillis();
    executor.scheduleWithFixedDelay(() -> runOnce(collector, observer), millis, millis, TimeUnit.MILLISECONDS);
    return new BackgroundCollection(executor);
  }

  private static void runOnce(GarbageCollector collector, RunObserver observer) {
    long started = System.nanoTime();
    try {
      GcReport report = collector.collect();
      log.info("gc: {}", report.summary());
      observer.succeeded(report, Duration.ofNanos(System.nanoTime() - started));
    } catch (IOException | UncheckedIOException e) {
      log.warn("gc: failed, the next run tries again: {}", e.getMessage());
      observer.failed(Duration.ofNanos(System.nanoTime() - started));
    } catch (RuntimeException e) {
      log.error("gc: failed, the next run tries again", e); // a bug: keep the thread alive, show it
      observer.failed(Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** Stops; a run under way finishes its current step. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
