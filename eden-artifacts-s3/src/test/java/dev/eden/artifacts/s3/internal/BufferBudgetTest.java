package dev.eden.artifacts.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The banker's rule of {@link BufferBudget}, without a server. */
class BufferBudgetTest {

  @Test
  void aGrantThatWouldStrandTheLargestHolderWaits() throws Exception {
    BufferBudget budget = new BufferBudget(100, 60);
    BufferBudget.Holder a = budget.newHolder();
    BufferBudget.Holder b = budget.newHolder();
    BufferBudget.Holder c = budget.newHolder();
    a.acquire(50);
    b.acquire(10); // free 40 >= 60 - 50
    assertThat(acquiresWithin(c, 35, 200)).as("c would leave a unable to finish its claim").isFalse();
    a.acquire(10); // the largest holder always proceeds: free 30 >= 60 - 60
    assertThat(budget.reservedBytes()).isEqualTo(70);
    a.releaseAll();
    assertThat(acquiresWithin(c, 35, 5000)).isTrue();
    assertThat(budget.peakReservedBytes()).isLessThanOrEqualTo(100);
  }

  @Test
  void smallHoldersShareAllButOneClaim() throws Exception {
    BufferBudget budget = new BufferBudget(2048, 1024);
    List<BufferBudget.Holder> holders = new ArrayList<>();
    for (int i = 0; i < 129; i++) { // 129 * 8 = 1032 = 2048 - (1024 - 8): room left for one to grow
      BufferBudget.Holder h = budget.newHolder();
      h.acquire(8);
      holders.add(h);
    }
    assertThat(budget.reservedBytes()).isEqualTo(129 * 8);
    assertThat(acquiresWithin(budget.newHolder(), 8, 100)).isFalse();
    holders.forEach(BufferBudget.Holder::releaseAll);
    assertThat(budget.reservedBytes()).isZero();
  }

  @Test
  void aWaiterProceedsWhenAnotherReleases() throws Exception {
    BufferBudget budget = new BufferBudget(10, 10);
    BufferBudget.Holder a = budget.newHolder();
    a.acquire(4);
    BufferBudget.Holder b = budget.newHolder();
    CountDownLatch granted = new CountDownLatch(1);
    Thread waiter = new Thread(() -> {
      try {
        b.acquire(1);
        granted.countDown();
      } catch (InterruptedIOException e) {
        // not expected
      }
    });
    waiter.start();
    assertThat(granted.await(200, TimeUnit.MILLISECONDS)).isFalse();
    a.releaseAll();
    assertThat(granted.await(5, TimeUnit.SECONDS)).isTrue();
    waiter.join();
  }

  @Test
  void anInterruptedWaiterGetsNothing() throws Exception {
    BufferBudget budget = new BufferBudget(10, 10);
    budget.newHolder().acquire(6);
    BufferBudget.Holder b = budget.newHolder();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread waiter = new Thread(() -> {
      try {
        b.acquire(1);
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    waiter.start();
    Thread.sleep(100);
    waiter.interrupt();
    waiter.join(5000);
    assertThat(thrown.get()).isInstanceOf(InterruptedIOException.class);
    assertThat(b.held()).isZero();
    assertThat(budget.reservedBytes()).isEqualTo(6);
  }

  @Test
  void holdingMoreThanTheClaimIsRefused() throws Exception {
    BufferBudget budget = new BufferBudget(10, 5);
    BufferBudget.Holder h = budget.newHolder();
    h.acquire(5);
    assertThatThrownBy(() -> h.acquire(1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BufferBudget(4, 5)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Writers that each grow to a whole claim in random steps and then release, far more of them
   * than the budget holds at once, all starting together: none may wait forever, and the budget
   * is never exceeded.
   */
  @Test
  void manyWritersGrowingAtOnceNeverDeadlock() {
    int claim = 1000;
    BufferBudget budget = new BufferBudget(2 * claim + 300, claim);
    int writers = 24;
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      try {
        CyclicBarrier start = new CyclicBarrier(writers);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          done.add(pool.submit(() -> {
            BufferBudget.Holder h = budget.newHolder();
            start.await();
            for (int round = 0; round < 20; round++) {
              while (h.held() < claim) {
                h.acquire(Math.min(claim - h.held(), 1 + ThreadLocalRandom.current().nextInt(200)));
                if (ThreadLocalRandom.current().nextInt(4) == 0) {
                  Thread.yield();
                }
              }
              h.releaseAll();
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
    });
    assertThat(budget.peakReservedBytes()).isLessThanOrEqualTo(2L * claim + 300);
    assertThat(budget.reservedBytes()).isZero();
  }

  private static boolean acquiresWithin(BufferBudget.Holder holder, long bytes, long millis) throws Exception {
    CountDownLatch granted = new CountDownLatch(1);
    Thread t = new Thread(() -> {
      try {
        holder.acquire(bytes);
        granted.countDown();
      } catch (InterruptedIOException e) {
        // gave up below
      }
    });
    t.start();
    boolean ok = granted.await(millis, TimeUnit.MILLISECONDS);
    if (!ok) {
      t.interrupt();
    }
    t.join();
    return ok;
  }
}
