package dev.eden.artifacts.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Starts several stores on one database at the same moment, as several server instances would. */
final class ConcurrentStarts {
  private ConcurrentStarts() {}

  /**
   * Runs {@code open} on {@code instances} threads released together by one barrier and returns
   * every store it built; the caller closes them. If any start fails, the others are closed and
   * the failure is thrown.
   */
  static List<JdbiArtifactStore> startTogether(int instances, Callable<JdbiArtifactStore> open)
      throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(instances);
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    List<JdbiArtifactStore> started = new ArrayList<>();
    try {
      List<Future<JdbiArtifactStore>> futures = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        futures.add(
            pool.submit(
                () -> {
                  barrier.await();
                  return open.call();
                }));
      }
      for (Future<JdbiArtifactStore> future : futures) {
        started.add(future.get(1, TimeUnit.MINUTES));
      }
      return started;
    } catch (Exception e) {
      started.forEach(JdbiArtifactStore::close);
      throw e;
    } finally {
      pool.shutdownNow();
    }
  }
}
