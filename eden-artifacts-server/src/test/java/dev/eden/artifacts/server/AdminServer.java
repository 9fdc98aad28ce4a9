package dev.eden.artifacts.server;

import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.DepositResult;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.spi.ArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * The embedded Jetty server with the artifact endpoints and, beside them, the admin API (and the
 * console when asked), on a real file backend and the given metadata store: two served experiments,
 * two plain workers, an {@code admins} member and the admin. Its clock is the system clock, except
 * that no two deposits share a millisecond, so the listing order is the deposit order reversed.
 */
final class AdminServer implements AutoCloseable {
  static final String ADMIN_TOKEN = "admin-token-for-admin-tests";
  static final String WORKER_A = Principal.mintWorkerId();
  static final String WORKER_B = Principal.mintWorkerId();
  static final String ADMINS_MEMBER = Principal.mintWorkerId();
  static final String SECRET_A = "secret-a";
  static final String SECRET_B = "secret-b";
  static final String SECRET_ADMINS_MEMBER = "secret-admins-member";

  final ExperimentId experiment = ExperimentId.mint();
  final ExperimentId otherExperiment = ExperimentId.mint();
  final ArtifactService service;
  final JettyArtifactServer server;

  AdminServer(Path dir, ArtifactStore store, boolean console) {
    try {
      this.service = ArtifactService.builder()
          .backend(new FileArtifactBackend(dir.resolve("blobs")))
          .store(store)
          .clock(new TickingClock())
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    InMemoryAuthenticator authenticator = InMemoryAuthenticator.builder()
        .adminToken(ADMIN_TOKEN)
        .worker(WORKER_A, SECRET_A)
        .worker(WORKER_B, SECRET_B)
        .adminClassWorker(ADMINS_MEMBER, SECRET_ADMINS_MEMBER)
        .build();
    this.server = JettyArtifactServer.builder()
        .service(service)
        .authenticator(authenticator)
        .servedExperiments(experiment, otherExperiment)
        .adminHandler(AdminHandler.builder()
            .service(service)
            .authenticator(authenticator)
            .experiments(experiment, otherExperiment)
            .console(console)
            .build())
        .port(0)
        .build()
        .start();
  }

  URI baseUri() {
    return server.baseUri();
  }

  static String admin() {
    return "admin:" + ADMIN_TOKEN;
  }

  static String workerA() {
    return WORKER_A + ":" + SECRET_A;
  }

  static String workerB() {
    return WORKER_B + ":" + SECRET_B;
  }

  static String adminsMember() {
    return ADMINS_MEMBER + ":" + SECRET_ADMINS_MEMBER;
  }

  /** Deposits in-process, through the same service the server uses. */
  DepositResult deposit(ExperimentId into, Principal who, String filename, String contentType, byte[] bytes) {
    try {
      return service.deposit(into, who, filename, contentType, new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  DepositResult deposit(Principal who, String filename, byte[] bytes) {
    return deposit(experiment, who, filename, "application/octet-stream", bytes);
  }

  @Override
  public void close() {
    server.close();
  }

  /** UTC wall-clock time, moved on by a millisecond when a reading would not be later than the last. */
  private static final class TickingClock extends java.time.Clock {
    private final java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.time.Instant instant() {
      long now = System.currentTimeMillis();
      return java.time.Instant.ofEpochMilli(last.updateAndGet(previous -> Math.max(previous + 1, now)));
    }
  }
}
