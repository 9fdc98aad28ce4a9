package dev.eden.artifacts.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.server.BearerCredential;
import dev.eden.artifacts.server.auth.CredentialRegistry.WorkerCredential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAuthenticatorTest {
  @TempDir Path dir;

  private static BearerCredential bearer(WorkerCredential w) {
    return BearerCredential.of(w.workerId(), w.secret());
  }

  @Test
  void registryStoresOnlyASlowHashOwnerOnly() throws Exception {
    CredentialRegistry registry = CredentialRegistry.open(dir.resolve("workers.json"));
    WorkerCredential w = registry.addWorker(List.of());
    String text = Files.readString(registry.file());
    assertThat(text).contains(w.workerId()).doesNotContain(w.secret());
    assertThat(registry.secretHash(w.workerId()).orElseThrow()).startsWith("pbkdf2-sha256$600000$");
    // read the mode bits: permission checks pass silently wrong when tests run as root
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(registry.file())))
        .isEqualTo("rw-------");
    assertThat(w.toString()).doesNotContain(w.secret());
    assertThat(w.bearer()).isEqualTo(w.workerId() + ":" + w.secret());
  }

  @Test
  void enrolledWorkerAuthenticatesAndWrongSecretDoesNot() throws Exception {
    CredentialRegistry registry = CredentialRegistry.open(dir.resolve("workers.json"));
    WorkerCredential w = registry.addWorker(List.of());
    FileAuthenticator auth = FileAuthenticator.builder().registry(registry).adminToken("tok").build();
    assertThat(auth.authenticate(bearer(w))).contains(Principal.worker(w.workerId()));
    assertThat(auth.authenticate(BearerCredential.of(w.workerId(), w.secret() + "x"))).isEmpty();
    assertThat(auth.authenticate(BearerCredential.of(Principal.mintWorkerId(), w.secret()))).isEmpty();
    assertThat(auth.authenticate(BearerCredential.of("admin", "tok"))).contains(Principal.admin());
    assertThat(auth.authenticate(BearerCredential.of("admin", "tok2"))).isEmpty();
    assertThat(auth.authenticate(BearerCredential.of("root", "tok"))).isEmpty();
    assertThat(auth.authenticate(bearer(w)).orElseThrow().groups()).isEmpty();
  }

  @Test
  void steadyWorkerPaysTheSlowHashOnce() throws Exception {
    CredentialRegistry registry = CredentialRegistry.open(dir.resolve("workers.json"));
    WorkerCredential w = registry.addWorker(List.of());
    FileAuthenticator auth = FileAuthenticator.builder().registry(registry).build();
    long first = System.nanoTime();
    assertThat(auth.authenticate(bearer(w))).isPresent();
    long firstTook = System.nanoTime() - first;
    long rest = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      assertThat(auth.authenticate(bearer(w))).isPresent();
    }
    long restTook = System.nanoTime() - rest;
    assertThat(auth.cachedBearers()).isEqualTo(1);
    // a thousand cached checks cost less than the one slow hash
    assertThat(restTook).isLessThan(firstTook);
  }

  @Test
  void workerEnrolledWhileRunningIsSeenWithoutRestart() throws Exception {
    Path file = dir.resolve("workers.json");
    FileAuthenticator auth = FileAuthenticator.builder().registry(CredentialRegistry.open(file)).build();
    // another process (add-worker) writes the file
    WorkerCredential w = CredentialRegistry.open(file).addWorker(List.of());
    assertThat(auth.authenticate(bearer(w))).contains(Principal.worker(w.workerId()));
  }

  @Test
  void workerEnrolledWhileRunningIsLetInWhenItsFirstRequestsArriveTogether() throws Exception {
    Path file = dir.resolve("workers.json");
    FileAuthenticator auth = FileAuthenticator.builder().registry(CredentialRegistry.open(file)).build();
    WorkerCredential w = CredentialRegistry.open(file).addWorker(List.of());
    growRegistry(file, 2_000);
    // A fleet starting at once: all but the request that re-reads the (large) registry arrive while it does.
    int requests = 32;
    ExecutorService pool = Executors.newFixedThreadPool(requests);
    CyclicBarrier together = new CyclicBarrier(requests);
    try {
      List<Future<Optional<Principal>>> answers = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        answers.add(pool.submit(() -> {
          together.await();
          return auth.authenticate(bearer(w));
        }));
      }
      for (Future<Optional<Principal>> answer : answers) {
        assertThat(answer.get(2, TimeUnit.MINUTES)).contains(Principal.worker(w.workerId()));
      }
    } finally {
      pool.shutdownNow();
    }
    // ...and they shared one slow hash: paid once per request, a few at a time, the last ones
    // waited past the server's idle time-out with their bodies unread.
    assertThat(auth.slowHashChecks()).isEqualTo(1);
  }

  /** Adds {@code count} more workers to the file (copies of the first one's hash), replacing it at once. */
  private static void growRegistry(Path file, int count) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(file.toFile());
    ObjectNode workers = (ObjectNode) root.get("workers");
    JsonNode first = workers.elements().next();
    for (int i = 0; i < count; i++) {
      workers.set(Principal.mintWorkerId(), first.deepCopy());
    }
    Path grown = file.resolveSibling("workers.json.grown");
    json.writeValue(grown.toFile(), root);
    Files.move(grown, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void removedWorkerStopsWorkingDespiteTheCache() throws Exception {
    Path file = dir.resolve("workers.json");
    CredentialRegistry writer = CredentialRegistry.open(file);
    WorkerCredential w = writer.addWorker(List.of());
    WorkerCredential other = writer.addWorker(List.of());
    FileAuthenticator auth = FileAuthenticator.builder().registry(CredentialRegistry.open(file))
        .recheckInterval(Duration.ZERO).build();
    assertThat(auth.authenticate(bearer(w))).isPresent();
    assertThat(CredentialRegistry.open(file).removeWorker(w.workerId())).isTrue();
    assertThat(auth.authenticate(bearer(w))).isEmpty();
    assertThat(auth.authenticate(bearer(other))).isPresent();
  }

  @Test
  void cacheEntriesExpireAfterTheTtl() throws Exception {
    CredentialRegistry registry = CredentialRegistry.open(dir.resolve("workers.json"));
    WorkerCredential w = registry.addWorker(List.of());
    FileAuthenticator auth = FileAuthenticator.builder().registry(registry).cacheTtl(Duration.ZERO).build();
    assertThat(auth.authenticate(bearer(w))).isPresent();
    // with a zero TTL every check re-verifies, and a wrong secret never rides on a cached entry
    assertThat(auth.authenticate(BearerCredential.of(w.workerId(), "wrong"))).isEmpty();
    assertThat(auth.authenticate(bearer(w))).isPresent();
  }

  @Test
  void cacheIsBounded() throws Exception {
    CredentialRegistry registry = CredentialRegistry.open(dir.resolve("workers.json"));
    WorkerCredential a = registry.addWorker(List.of());
    WorkerCredential b = registry.addWorker(List.of());
    WorkerCredential c = registry.addWorker(List.of());
    FileAuthenticator auth = FileAuthenticator.builder().registry(registry).cacheSize(2).build();
    for (WorkerCredential w : List.of(a, b, c)) {
      assertThat(auth.authenticate(bearer(w))).isPresent();
    }
    assertThat(auth.cachedBearers()).isLessThanOrEqualTo(2);
  }

  @Test
  void groupsChangedInTheFileReachCachedBearers() throws Exception {
    Path file = dir.resolve("workers.json");
    String team = "grp_" + "d".repeat(26);
    WorkerCredential w = CredentialRegistry.open(file).addWorker(List.of(team));
    FileAuthenticator auth = FileAuthenticator.builder().registry(CredentialRegistry.open(file))
        .recheckInterval(Duration.ZERO).build();
    assertThat(auth.authenticate(bearer(w)).orElseThrow().groups()).containsExactly(team);
    CredentialRegistry.open(file).setGroupParents(team, List.of("admins"));
    assertThat(auth.authenticate(bearer(w)).orElseThrow().groups()).containsExactlyInAnyOrder(team, "admins");
  }

  @Test
  void principalCarriesEveryGroupReachedThroughNesting() throws Exception {
    CredentialRegistry registry = CredentialRegistry.open(dir.resolve("workers.json"));
    String outer = "grp_" + "a".repeat(26);
    String inner = "grp_" + "b".repeat(26);
    registry.setGroupParents(outer, List.of("admins"));
    registry.setGroupParents(inner, List.of(outer));
    WorkerCredential direct = registry.addWorker(List.of("admins"));
    WorkerCredential nested = registry.addWorker(List.of(inner));
    WorkerCredential plain = registry.addWorker(List.of());
    String cyclic = "grp_" + "c".repeat(26);
    registry.setGroupParents(cyclic, List.of(cyclic));
    WorkerCredential looping = registry.addWorker(List.of(cyclic));
    FileAuthenticator auth = FileAuthenticator.builder().registry(registry).build();
    assertThat(auth.authenticate(bearer(direct)).orElseThrow().groups()).containsExactly("admins");
    assertThat(auth.authenticate(bearer(nested)).orElseThrow().groups())
        .containsExactlyInAnyOrder(inner, outer, "admins");
    assertThat(auth.authenticate(bearer(plain)).orElseThrow().groups()).isEmpty();
    assertThat(auth.authenticate(bearer(looping)).orElseThrow().groups()).containsExactly(cyclic);
  }

  @Test
  void unknownGroupNamesAreRefused() throws Exception {
    CredentialRegistry registry = CredentialRegistry.open(dir.resolve("workers.json"));
    assertThatThrownBy(() -> registry.addWorker(List.of("root")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("root");
    assertThat(Files.exists(registry.file())).isFalse();
  }

  @Test
  void corruptRegistryIsAnErrorNotAnEmptyRegistry() throws Exception {
    Path file = dir.resolve("workers.json");
    Files.writeString(file, "{\"workers\": {\"wkr_bad\": {\"secret_hash\": \"x\"}}}");
    assertThatThrownBy(() -> CredentialRegistry.open(file)).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void corruptUpdateKeepsPreviousContentInForce() throws Exception {
    Path file = dir.resolve("workers.json");
    CredentialRegistry registry = CredentialRegistry.open(file);
    WorkerCredential w = registry.addWorker(List.of());
    FileAuthenticator auth = FileAuthenticator.builder().registry(registry).recheckInterval(Duration.ZERO).build();
    Files.writeString(file, "not json at all, and a different size");
    assertThat(auth.authenticate(bearer(w))).isPresent();
    assertThat(Optional.of(registry.contains(w.workerId()))).contains(true);
  }
}
