package dev.eden.artifacts.checks.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.time.Duration;

/**
 * A PostgreSQL 15 cluster of the test's own, so that it can be stopped and started without
 * touching a cluster other tests use: {@code initdb} into a new directory as the {@code postgres}
 * user, then {@code pg_ctl} on a free port of 127.0.0.1 with a role and database {@code eden}
 * (password authentication). {@link #close()} stops it and removes its directory.
 */
final class PrivatePostgres implements AutoCloseable {
  private static final Path BIN = Paths.get("/usr/lib/postgresql/15/bin");
  private static final String OS_USER = "postgres";

  private final Path base;
  private final Path data;
  private final int port;
  private final String password;

  private PrivatePostgres(Path base, int port, String password) {
    this.base = base;
    this.data = base.resolve("pgdata");
    this.port = port;
    this.password = password;
  }

  /**
   * Creates and starts the cluster. Without the PostgreSQL binaries (or not as root, which
   * {@code runuser} needs) the test fails when the environment has {@code CI=true} and is skipped
   * with a message otherwise.
   */
  static PrivatePostgres start() throws IOException, InterruptedException, SQLException {
    String missing = !Files.isExecutable(BIN.resolve("initdb")) ? "no PostgreSQL 15 binaries in " + BIN
        : !"root".equals(System.getProperty("user.name")) ? "not running as root (runuser needs it)"
        : null;
    if (missing != null) {
      String message = "a private PostgreSQL cluster is needed: " + missing
          + " (install PostgreSQL 15, e.g. by running .ci/start-postgres once)";
      Campaign.requireOrSkip(message);
    }
    Path base = Files.createTempDirectory("eden-private-postgres");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    Path passwordFile = base.resolve("password");
    Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
    run("chown", "-R", OS_USER + ":" + OS_USER, base.toString());
    PrivatePostgres postgres = new PrivatePostgres(base, freePort(), password);
    asPostgres(BIN.resolve("initdb").toString(), "-D", postgres.data.toString(), "-U", OS_USER,
        "--auth=scram-sha-256", "--pwfile=" + passwordFile, "-E", "UTF8", "--no-sync", "--no-instructions");
    Files.delete(passwordFile);
    try {
      postgres.startAgain();
      try (Connection admin = DriverManager.getConnection(postgres.url("postgres", OS_USER));
          Statement statement = admin.createStatement()) {
        statement.execute("CREATE ROLE eden LOGIN PASSWORD '" + password + "'");
        statement.execute("CREATE DATABASE eden OWNER eden");
      }
      return postgres;
    } catch (IOException | SQLException | RuntimeException e) {
      postgres.close(); // no cluster left running, no directory left behind
      throw e;
    }
  }

  /** The JDBC URL of the database {@code eden} as the role {@code eden}. */
  String jdbcUrl() {
    return url("eden", "eden");
  }

  private String url(String database, String user) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + user + "&password=" + password
        + "&connectTimeout=5";
  }

  /** {@code pg_ctl start}, returning once the server accepts connections. */
  void startAgain() throws IOException, InterruptedException {
    asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", base.resolve("log").toString(),
        "-w", "-t", "60", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + data, "start");
  }

  /** {@code pg_ctl stop -m immediate}: every backend is killed at once, as in a crash. */
  void stopImmediately() throws IOException, InterruptedException {
    asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop");
    } catch (IOException notStoppedFast) {
      try {
        stopImmediately(); // never remove the directory under a live server
      } catch (IOException alreadyStopped) {
        // nothing to stop
      }
    } finally {
      run("rm", "-rf", base.toString());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void asPostgres(String... command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(List.of("runuser", "-u", OS_USER, "--"));
    full.addAll(List.of(command));
    run(full.toArray(String[]::new));
  }

  private static void run(String... command) throws IOException, InterruptedException {
    ChildCommand.run(new ProcessBuilder(command), Duration.ofSeconds(120)).requireSuccess();
  }
}
