package dev.eden.artifacts.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.server.auth.CredentialRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineTest {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(ServerMain.class);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void addWorkerPrintsTheBearerAsTheLastLineAndStoresOnlyAHash() throws Exception {
    Run run = run("add-worker", "--data-dir", dir.toString(), "--group", "admins");
    assertThat(run.exit()).as(run.err()).isZero();
    String bearer = run.lines().get(run.lines().size() - 1);
    assertThat(bearer).matches("wkr_[0-9a-hjkmnp-tv-z]{26}:[A-Za-z0-9_-]{43}");
    String workerId = bearer.substring(0, bearer.indexOf(':'));
    String secret = bearer.substring(bearer.indexOf(':') + 1);
    CredentialRegistry registry = CredentialRegistry.open(dir.resolve("workers.json"));
    assertThat(registry.verify(workerId, secret)).isTrue();
    assertThat(registry.groups(workerId)).containsExactly("admins");
    assertThat(java.nio.file.Files.readString(registry.file())).doesNotContain(secret);
  }

  @Test
  void addWorkerRefusesAnUnknownGroup() {
    Run run = run("add-worker", "--data-dir", dir.toString(), "--group", "wheel");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("wheel");
  }

  @Test
  void serveHelpDocumentsEveryOption() {
    Run run = run("serve", "--help");
    assertThat(run.exit()).isZero();
    for (String option : List.of("--host", "--port", "--data-dir", "--experiment-id", "--max-artifact-bytes",
        "--db", "--idle-timeout-seconds", "--stop-timeout-seconds", "--sweep-temps-older-than",
        "--request-head-timeout-seconds", "--max-connections", "--max-threads", "--max-concurrent-deposits",
        "--max-concurrent-deposits-per-worker", "--min-deposit-rate", "--min-deposit-rate-grace-seconds",
        "--metadata-write-timeout")) {
      assertThat(run.out()).contains(option);
    }
    assertThat(run.out()).contains("EDEN_ADMIN_TOKEN").contains("/healthz");
    assertThat(run.out()).contains("--[no-]console").contains("/admin/v1/").contains("loopback");
  }

  @Test
  void serveRefusesConnectionLimitsThatCouldTakeEveryThread() {
    Run cap = run("serve", "--data-dir", dir.toString(), "--port", "0", "--max-concurrent-deposits", "200");
    assertThat(cap.exit()).isEqualTo(2);
    assertThat(cap.err()).contains("--max-concurrent-deposits").contains("--max-threads");
    Run perWorker = run("serve", "--data-dir", dir.toString(), "--port", "0",
        "--max-concurrent-deposits-per-worker", "65");
    assertThat(perWorker.exit()).isEqualTo(2);
    Run rate = run("serve", "--data-dir", dir.toString(), "--port", "0", "--min-deposit-rate", "1kb");
    assertThat(rate.exit()).isEqualTo(2);
    assertThat(rate.err()).contains("--min-deposit-rate");
    Run head = run("serve", "--data-dir", dir.toString(), "--port", "0", "--request-head-timeout-seconds", "0");
    assertThat(head.exit()).isEqualTo(2);
  }

  @Test
  void aMetadataWriteTimeoutBelowOneMillisecondIsAUsageError() {
    for (String bad : List.of("PT0S", "-PT1S", "PT0.0001S")) {
      Run run = run("serve", "--data-dir", dir.toString(), "--metadata-write-timeout", bad);
      assertThat(run.exit()).as(bad).isEqualTo(2);
      assertThat(run.err()).as(bad).contains("--metadata-write-timeout must be at least PT0.001S");
    }
  }

  @Test
  void theConsoleIsOnByDefaultOnlyOnLoopbackAddresses() {
    for (String loopback : List.of("127.0.0.1", "127.1.2.3", "::1", "localhost")) {
      assertThat(ServeCommand.consoleByDefault(loopback)).as(loopback).isTrue();
    }
    for (String other : List.of("0.0.0.0", "::", "192.0.2.10", "2001:db8::1")) {
      assertThat(ServeCommand.consoleByDefault(other)).as(other).isFalse();
    }
  }

  @Test
  void serveRefusesAMalformedExperimentId() {
    Run run = run("serve", "--data-dir", dir.toString(), "--experiment-id", "exp_NOPE", "--port", "0");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--experiment-id");
  }
}
