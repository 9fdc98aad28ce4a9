package dev.eden.artifacts.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.Principal;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.jdbc.JdbiWorkerRegistry;
import dev.eden.artifacts.server.BearerCredential;
import dev.eden.artifacts.server.auth.CredentialRegistry.WorkerCredential;
import dev.eden.artifacts.server.auth.DatabaseCredentialRegistry.ImportReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database registry behind {@link FileAuthenticator}, on SQLite (each "instance" its own store
 * on one file); the same on PostgreSQL, two instances at once, is {@code SharedWorkerRegistryTest}.
 */
class DatabaseCredentialRegistryTest {
  private static final String OUTER = "grp_" + "a".repeat(26);
  private static final String INNER = "grp_" + "b".repeat(26);

  @TempDir Path dir;
  private final List<JdbiArtifactStore> stores = new ArrayList<>();

  @AfterEach
  void closeStores() {
    stores.forEach(JdbiArtifactStore::close);
  }

  /** A new instance: its own store (pool) on the test's database file, and its registry. */
  private DatabaseCredentialRegistry instance() throws IOException {
    return DatabaseCredentialRegistry.open(JdbiWorkerRegistry.on(store()));
  }

  private JdbiArtifactStore store() throws IOException {
    JdbiArtifactStore store = JdbiArtifactStore.sqlite(dir.resolve("metadata.db"));
    stores.add(store);
    return store;
  }

  private static FileAuthenticator authenticator(WorkerRegistry registry, Duration recheck) {
    return FileAuthenticator.builder().registry(registry).adminToken("tok").recheckInterval(recheck).build();
  }

  private static BearerCredential bearer(WorkerCredential w) {
    return BearerCredential.of(w.workerId(), w.secret());
  }

  @Test
  void enrolledWorkerAuthenticatesAndWrongSecretDoesNot() throws Exception {
    DatabaseCredentialRegistry registry = instance();
    WorkerCredential w = registry.addWorker(List.of());
    FileAuthenticator auth = authenticator(registry, Duration.ofSeconds(1));

    assertThat(auth.authenticate(bearer(w))).contains(Principal.worker(w.workerId()));
    assertThat(auth.authenticate(BearerCredential.of(w.workerId(), w.secret() + "x"))).isEmpty();
    assertThat(auth.authenticate(BearerCredential.of(Principal.mintWorkerId(), w.secret()))).isEmpty();
    assertThat(auth.authenticate(BearerCredential.of("admin", "tok"))).contains(Principal.admin());
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void concurrentFirstRequestsOfAWorkerEnrolledByAnotherInstanceAllGetIn() throws Exception {
    // Only an unknown worker makes this authenticator re-check: its interval is an hour.
    FileAuthenticator auth = authenticator(instance(), Duration.ofHours(1));
    DatabaseCredentialRegistry addWorker = instance(); // as add-worker --db in another process
    int clients = 8;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      for (int round = 1; round <= 10; round++) {
        WorkerCredential w = addWorker.addWorker(List.of());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<Principal>>> firsts = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          firsts.add(pool.submit(() -> {
            start.await();
            return auth.authenticate(bearer(w));
          }));
        }
        start.countDown();
        for (Future<Optional<Principal>> first : firsts) {
          assertThat(first.get(60, TimeUnit.SECONDS)).as("round %d", round).contains(Principal.worker(w.workerId()));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theDatabaseHoldsOnlyTheSlowHash() throws Exception {
    JdbiArtifactStore store = store();
    DatabaseCredentialRegistry registry = DatabaseCredentialRegistry.open(JdbiWorkerRegistry.on(store));
    WorkerCredential w = registry.addWorker(List.of("admins"));

    JdbiWorkerRegistry.EnrolledWorker row = JdbiWorkerRegistry.on(store).read().workers().get(w.workerId());
    assertThat(row.secretHash()).startsWith("pbkdf2-sha256$600000$").doesNotContain(w.secret());
    assertThat(row.secretHash()).isEqualTo(registry.secretHash(w.workerId()).orElseThrow());
    assertThat(row.groups()).containsExactly("admins");
  }

  @Test
  void adminsIsResolvedThroughNestedGroups() throws Exception {
    DatabaseCredentialRegistry registry = instance();
    registry.setGroupParents(OUTER, List.of("admins"));
    registry.setGroupParents(INNER, List.of(OUTER));
    WorkerCredential nested = registry.addWorker(List.of(INNER));
    WorkerCredential plain = registry.addWorker(List.of());
    FileAuthenticator auth = authenticator(registry, Duration.ofSeconds(1));

    Principal principal = auth.authenticate(bearer(nested)).orElseThrow();
    assertThat(principal.groups()).containsExactlyInAnyOrder(INNER, OUTER, "admins");
    assertThat(principal.isAdminClass()).isTrue();
    assertThat(auth.authenticate(bearer(plain)).orElseThrow().isAdminClass()).isFalse();
  }

  @Test
  void refreshReloadsOnlyWhenAnotherInstanceChangedSomething() throws Exception {
    DatabaseCredentialRegistry mine = instance();
    DatabaseCredentialRegistry other = instance();
    long generation = mine.generation();

    assertThat(mine.refresh()).isFalse();
    assertThat(mine.generation()).isEqualTo(generation);

    WorkerCredential w = other.addWorker(List.of());
    assertThat(mine.contains(w.workerId())).isFalse();
    assertThat(mine.refresh()).isTrue();
    assertThat(mine.generation()).isNotEqualTo(generation);
    assertThat(mine.workerIds()).containsExactly(w.workerId());
    assertThat(mine.refresh()).isFalse();
  }

  @Test
  void workerEnrolledAndRemovedByAnotherInstanceIsSeen() throws Exception {
    DatabaseCredentialRegistry other = instance();
    FileAuthenticator auth = authenticator(instance(), Duration.ZERO);

    WorkerCredential w = other.addWorker(List.of());
    assertThat(auth.authenticate(bearer(w))).isPresent();
    assertThat(other.removeWorker(w.workerId())).isTrue();
    assertThat(auth.authenticate(bearer(w))).isEmpty();
  }

  @Test
  void databaseFailureKeepsThePreviousSnapshotAndLetsNobodyNewIn() throws Exception {
    JdbiArtifactStore store = store();
    DatabaseCredentialRegistry registry = DatabaseCredentialRegistry.open(JdbiWorkerRegistry.on(store));
    WorkerCredential known = registry.addWorker(List.of("admins"));
    DatabaseCredentialRegistry other = instance();
    FileAuthenticator auth = FileAuthenticator.builder().registry(registry)
        .recheckInterval(Duration.ZERO).cacheTtl(Duration.ZERO).build(); // every call refreshes and re-verifies
    assertThat(auth.authenticate(bearer(known))).isPresent();

    store.close(); // this instance's database connections are gone
    WorkerCredential enrolledMeanwhile = other.addWorker(List.of());

    assertThatThrownBy(registry::refresh).isInstanceOf(IOException.class);
    assertThat(auth.authenticate(bearer(known)).orElseThrow().groups()).containsExactly("admins");
    assertThat(auth.authenticate(BearerCredential.of(known.workerId(), "wrong"))).isEmpty();
    assertThat(auth.authenticate(bearer(enrolledMeanwhile))).isEmpty();
    assertThat(auth.authenticate(BearerCredential.of(Principal.mintWorkerId(), "x"))).isEmpty();
  }

  @Test
  void whileOneRecheckIsUnderWayOtherRequestsDoNotWaitForIt() throws Exception {
    DatabaseCredentialRegistry registry = instance();
    WorkerCredential known = registry.addWorker(List.of());
    FileAuthenticator auth = authenticator(registry, Duration.ZERO);
    assertThat(auth.authenticate(bearer(known))).isPresent();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      Future<Optional<Principal>> stuck;
      AtomicReference<Thread> stuckThread = new AtomicReference<>();
      synchronized (registry) { // refresh() is synchronized: the first re-check waits here, as on a slow database
        stuck = pool.submit(() -> {
          stuckThread.set(Thread.currentThread());
          return auth.authenticate(BearerCredential.of(Principal.mintWorkerId(), "x"));
        });
        waitUntilBlocked(stuckThread, stuck);
        List<Future<Optional<Principal>>> others = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          others.add(pool.submit(() -> auth.authenticate(BearerCredential.of(Principal.mintWorkerId(), "x"))));
        }
        others.add(pool.submit(() -> auth.authenticate(bearer(known))));
        for (int i = 0; i < 20; i++) {
          assertThat(others.get(i).get(5, TimeUnit.SECONDS)).isEmpty();
        }
        assertThat(others.get(20).get(5, TimeUnit.SECONDS)).isPresent();
        assertThat(stuck.isDone()).isFalse();
      }
      assertThat(stuck.get(30, TimeUnit.SECONDS)).isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  /** Waits until the task's thread is blocked on a monitor (the registry's). */
  private static void waitUntilBlocked(AtomicReference<Thread> thread, Future<?> task) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Thread t = thread.get();
      if (t != null && t.getState() == Thread.State.BLOCKED) {
        return;
      }
      assertThat(task.isDone()).as("the first re-check should be waiting").isFalse();
      Thread.sleep(5);
    }
    throw new AssertionError("the first re-check never reached the registry");
  }

  @Test
  void importCopiesEveryWorkerAndGroupWithSecretsStillValid() throws Exception {
    CredentialRegistry file = CredentialRegistry.open(dir.resolve("workers.json"));
    file.setGroupParents(OUTER, List.of("admins"));
    file.setGroupParents(INNER, List.of(OUTER));
    WorkerCredential nested = file.addWorker(List.of(INNER));
    WorkerCredential plain = file.addWorker(List.of());
    DatabaseCredentialRegistry database = instance();

    ImportReport report = database.importFrom(file);

    assertThat(report.workersCopied()).containsExactlyInAnyOrder(nested.workerId(), plain.workerId());
    assertThat(report.groupsCopied()).containsExactly(OUTER, INNER);
    assertThat(report.workersAlreadyHere()).isEmpty();
    FileAuthenticator auth = authenticator(instance(), Duration.ofSeconds(1));
    assertThat(auth.authenticate(bearer(nested)).orElseThrow().groups())
        .containsExactlyInAnyOrder(INNER, OUTER, "admins");
    assertThat(auth.authenticate(bearer(plain)).orElseThrow().groups()).isEmpty();
    assertThat(database.secretHash(plain.workerId())).isEqualTo(file.secretHash(plain.workerId()));
  }

  @Test
  void importingAgainCopiesNothingAndChangesNothing() throws Exception {
    CredentialRegistry file = CredentialRegistry.open(dir.resolve("workers.json"));
    file.setGroupParents(OUTER, List.of("admins"));
    WorkerCredential w = file.addWorker(List.of(OUTER));
    DatabaseCredentialRegistry database = instance();
    database.importFrom(file);
    long generation = JdbiWorkerRegistry.on(stores.get(0)).generation();

    ImportReport again = database.importFrom(file);

    assertThat(again).isEqualTo(new ImportReport(List.of(), List.of(w.workerId()), List.of(), List.of(OUTER)));
    assertThat(JdbiWorkerRegistry.on(stores.get(0)).generation()).isEqualTo(generation);
  }

  @Test
  void importRefusesAnIdTheDatabaseHoldsDifferentlyAndCopiesNothing() throws Exception {
    CredentialRegistry file = CredentialRegistry.open(dir.resolve("workers.json"));
    WorkerCredential clash = file.addWorker(List.of());
    JdbiArtifactStore store = store();
    JdbiWorkerRegistry.on(store).enrol(clash.workerId(), List.of("admins"), file.secretHash(clash.workerId()).orElseThrow());
    JdbiWorkerRegistry.on(store).setGroupParents(OUTER, List.of());
    file.setGroupParents(OUTER, List.of("admins"));
    WorkerCredential fresh = file.addWorker(List.of());
    DatabaseCredentialRegistry database = DatabaseCredentialRegistry.open(JdbiWorkerRegistry.on(store));

    assertThatThrownBy(() -> database.importFrom(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("the database registry already holds " + clash.workerId() + ", " + OUTER + " with")
        .hasMessageContaining("nothing was imported");

    assertThat(database.contains(fresh.workerId())).isFalse();
    assertThat(JdbiWorkerRegistry.on(store).read().workers()).containsOnlyKeys(clash.workerId());
  }

  @Test
  void unknownGroupNamesAreRefusedAndNothingIsEnrolled() throws Exception {
    DatabaseCredentialRegistry registry = instance();

    assertThatThrownBy(() -> registry.addWorker(List.of("root")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("root");
    assertThatThrownBy(() -> registry.setGroupParents("admins", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(JdbiWorkerRegistry.on(stores.get(0)).generation()).isZero();
  }

  @Test
  void malformedHashInTheDatabaseFailsOpeningButNotARunningInstance() throws Exception {
    JdbiArtifactStore store = store();
    DatabaseCredentialRegistry running = DatabaseCredentialRegistry.open(JdbiWorkerRegistry.on(store));
    WorkerCredential w = running.addWorker(List.of());
    JdbiWorkerRegistry.on(store).enrol(Principal.mintWorkerId(), List.of(), "not-a-pbkdf2-hash");

    assertThatThrownBy(() -> DatabaseCredentialRegistry.open(JdbiWorkerRegistry.on(store)))
        .isInstanceOf(IOException.class).hasMessageContaining("malformed hash");
    assertThatThrownBy(running::refresh).isInstanceOf(IOException.class);
    assertThat(running.contains(w.workerId())).isTrue();
  }
}
