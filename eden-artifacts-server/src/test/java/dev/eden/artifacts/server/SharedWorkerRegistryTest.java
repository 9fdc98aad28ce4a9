package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.Principal;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.jdbc.JdbiWorkerRegistry;
import dev.eden.artifacts.server.auth.CredentialRegistry.WorkerCredential;
import dev.eden.artifacts.server.auth.DatabaseCredentialRegistry;
import dev.eden.artifacts.server.auth.FileAuthenticator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two server instances on one PostgreSQL database — each its own store (pool), database registry
 * and authenticator with the default re-check interval of one second — accept the same workers:
 * an enrolment or a removal through one reaches the other in time, measured. Fails without
 * PostgreSQL under {@code CI=true}, is skipped otherwise.
 */
class SharedWorkerRegistryTest {
  private static final Duration RECHECK = Duration.ofSeconds(1);
  /** How long a request of an unknown worker waits for a re-check at most (FileAuthenticator). */
  private static final Duration RECHECK_WAIT = Duration.ofSeconds(2);

  private TestDatabases.Schema schema;
  private final List<JdbiArtifactStore> stores = new ArrayList<>();
  private Instance one;
  private Instance two;

  /** One server instance's authentication stack on the shared database. */
  private record Instance(JdbiArtifactStore store, DatabaseCredentialRegistry registry, FileAuthenticator auth) {}

  @BeforeEach
  void twoInstances() throws Exception {
    schema = TestDatabases.postgresSchema();
    one = instance();
    two = instance();
  }

  @AfterEach
  void dropSchema() throws Exception {
    stores.forEach(JdbiArtifactStore::close);
    if (schema != null) {
      schema.close();
    }
  }

  private Instance instance() throws Exception {
    JdbiArtifactStore store = JdbiArtifactStore.builder().postgresUrl(schema.url()).maximumPoolSize(4).build();
    stores.add(store);
    DatabaseCredentialRegistry registry = DatabaseCredentialRegistry.open(JdbiWorkerRegistry.on(store));
    return new Instance(store, registry,
        FileAuthenticator.builder().registry(registry).adminToken("tok").recheckInterval(RECHECK).build());
  }

  private static BearerCredential bearer(WorkerCredential w) {
    return BearerCredential.of(w.workerId(), w.secret());
  }

  /** Authenticates every 20 ms until {@code until} holds; the milliseconds that took. */
  private static long millisUntil(FileAuthenticator auth, BearerCredential credential,
      Predicate<Optional<Principal>> until) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(10);
    while (!until.test(auth.authenticate(credential))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s");
      }
      Thread.sleep(20);
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Test
  void workerEnrolledThroughOneInstanceIsAcceptedByTheOtherWithinTwoSeconds() throws Exception {
    WorkerCredential earlier = one.registry().addWorker(List.of());
    assertThat(two.auth().authenticate(bearer(earlier))).isPresent(); // the other instance is warm and has just checked

    WorkerCredential w = one.registry().addWorker(List.of());
    long took = millisUntil(two.auth(), bearer(w), Optional::isPresent);

    System.out.println("a worker enrolled on one instance was accepted by the other after " + took + " ms");
    assertThat(took).isLessThan(2_000);
    assertThat(two.auth().authenticate(bearer(w))).contains(Principal.worker(w.workerId()));
  }

  @Test
  void removalThroughOneInstanceStopsTheOtherWithinTheRecheckInterval() throws Exception {
    WorkerCredential w = one.registry().addWorker(List.of());
    WorkerCredential stays = one.registry().addWorker(List.of());
    assertThat(two.auth().authenticate(bearer(w))).isPresent(); // now cached on the other instance

    assertThat(one.registry().removeWorker(w.workerId())).isTrue();
    long took = millisUntil(two.auth(), bearer(w), Optional::isEmpty);

    System.out.println("a worker removed on one instance was refused by the other after " + took + " ms");
    assertThat(took).isLessThan(RECHECK.toMillis() + 500);
    assertThat(two.auth().authenticate(bearer(stays))).isPresent();
  }

  @Test
  void wrongSecretsAndUnknownWorkersAreRefusedOnEveryInstance() throws Exception {
    WorkerCredential w = one.registry().addWorker(List.of());
    for (Instance instance : List.of(one, two)) {
      assertThat(instance.auth().authenticate(BearerCredential.of(w.workerId(), w.secret() + "x"))).isEmpty();
      assertThat(instance.auth().authenticate(BearerCredential.of(Principal.mintWorkerId(), w.secret()))).isEmpty();
      assertThat(instance.auth().authenticate(BearerCredential.of("admin", w.secret()))).isEmpty();
      assertThat(instance.auth().authenticate(bearer(w))).isPresent();
    }
  }

  @Test
  void adminsIsResolvedTransitivelyOnTheOtherInstance() throws Exception {
    String outer = "grp_" + "e".repeat(26);
    String inner = "grp_" + "f".repeat(26);
    one.registry().setGroupParents(outer, List.of("admins"));
    one.registry().setGroupParents(inner, List.of(outer));
    WorkerCredential nested = one.registry().addWorker(List.of(inner));
    WorkerCredential plain = one.registry().addWorker(List.of());

    Principal principal = two.auth().authenticate(bearer(nested)).orElseThrow();

    assertThat(principal.groups()).containsExactlyInAnyOrder(inner, outer, "admins");
    assertThat(principal.isAdminClass()).isTrue();
    assertThat(two.auth().authenticate(bearer(plain)).orElseThrow().isAdminClass()).isFalse();
  }

  @Test
  void aGroupChangedThroughOneInstanceReachesBearersCachedOnTheOther() throws Exception {
    String team = "grp_" + "g".repeat(26);
    WorkerCredential w = one.registry().addWorker(List.of(team));
    assertThat(two.auth().authenticate(bearer(w)).orElseThrow().isAdminClass()).isFalse();

    one.registry().setGroupParents(team, List.of("admins"));

    long took = millisUntil(two.auth(), bearer(w), p -> p.orElseThrow().isAdminClass());
    assertThat(took).isLessThan(RECHECK.toMillis() + 500);
  }

  @Test
  void aSlowDatabaseHoldsUpOneRecheckAndNoOtherRequestForLongerThanTheRecheckWait() throws Exception {
    WorkerCredential known = one.registry().addWorker(List.of());
    FileAuthenticator auth = FileAuthenticator.builder().registry(two.registry()).recheckInterval(Duration.ZERO).build();
    assertThat(auth.authenticate(bearer(known))).isPresent();
    ExecutorService pool = Executors.newFixedThreadPool(64);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try (Connection locker = DriverManager.getConnection(schema.url());
        Statement statement = locker.createStatement()) {
      locker.setAutoCommit(false);
      // Every read of the change counter now waits for this transaction, as on an overloaded database.
      statement.execute("LOCK TABLE eden_worker_registry_generation IN ACCESS EXCLUSIVE MODE");
      Future<Optional<Principal>> stuck =
          pool.submit(() -> auth.authenticate(BearerCredential.of(Principal.mintWorkerId(), "x")));
      Thread.sleep(300); // it is waiting in the database now
      assertThat(stuck.isDone()).isFalse();

      long start = System.nanoTime();
      List<Future<Optional<Principal>>> unknown = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        unknown.add(pool.submit(() -> auth.authenticate(BearerCredential.of(Principal.mintWorkerId(), "x"))));
      }
      // A cached bearer never waits for the registry.
      long steadyStart = System.nanoTime();
      assertThat(other.submit(() -> auth.authenticate(bearer(known))).get(5, TimeUnit.SECONDS)).isPresent();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - steadyStart)).isLessThan(500);
      // Unknown workers wait for a re-check that began after they arrived, but only a bounded while
      // (and only a bounded number of them): the stuck one holds up none of them longer.
      for (Future<Optional<Principal>> f : unknown) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isEmpty();
      }
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .isLessThan(RECHECK_WAIT.toMillis() + 1_500);
      assertThat(stuck.isDone()).isFalse();

      locker.commit();
      assertThat(stuck.get(30, TimeUnit.SECONDS)).isEmpty();
    } finally {
      pool.shutdownNow();
      other.shutdownNow();
    }
  }


  @Test
  void whileTheDatabaseFailsTheLastSnapshotStaysAndNobodyNewGetsIn() throws Exception {
    WorkerCredential known = one.registry().addWorker(List.of());
    FileAuthenticator auth = FileAuthenticator.builder().registry(two.registry())
        .recheckInterval(Duration.ZERO).cacheTtl(Duration.ZERO).build();
    assertThat(auth.authenticate(bearer(known))).isPresent();

    // A worker with the same secret as the known one, written behind the registry's back: only
    // whether the instance has read it decides whether it gets in.
    WorkerCredential meanwhile = new WorkerCredential(Principal.mintWorkerId(), known.secret());
    execute("INSERT INTO eden_workers (worker_id, group_ids, secret_hash, created_at) VALUES ('"
        + meanwhile.workerId() + "', '', '" + one.registry().secretHash(known.workerId()).orElseThrow() + "', 0)");
    execute("ALTER TABLE eden_worker_registry_generation RENAME TO broken_generation");
    try {
      assertThat(auth.authenticate(bearer(known))).isPresent();
      assertThat(auth.authenticate(bearer(meanwhile))).isEmpty();
      assertThat(auth.authenticate(BearerCredential.of(known.workerId(), "wrong"))).isEmpty();
    } finally {
      execute("ALTER TABLE broken_generation RENAME TO eden_worker_registry_generation");
    }
    execute("UPDATE eden_worker_registry_generation SET generation = generation + 1");
    assertThat(auth.authenticate(bearer(meanwhile))).isPresent();
  }

  private void execute(String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(schema.url());
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
