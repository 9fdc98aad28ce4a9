package dev.eden.artifacts.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Runs the command line against a real socket whose server gets everything wrong, so that every
 * check must fail: none of them can pass by accident.
 */
class ConformanceMainTest {
  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void startServerThatAnswersEverythingWithOk() throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void everyCheckFailsAgainstAServerThatAnswersOkToEverything() {
    Run run = run(
        "--base-url", "http://127.0.0.1:" + server.getAddress().getPort(),
        "--experiment-id", "exp_0123456789abcdefghjkmnpqrs",
        "--admin-bearer", "admin:token",
        "--worker-bearer", "wkr_0123456789abcdefghjkmnpqrs:one",
        "--other-worker-bearer", "wkr_1123456789abcdefghjkmnpqrs:two",
        "--admins-group-worker-bearer", "wkr_2123456789abcdefghjkmnpqrs:three",
        "--other-experiment-id", "exp_1123456789abcdefghjkmnpqrs",
        "--max-artifact-bytes", "1000");

    int checks = ConformanceSuite.create(ConformanceConfig.builder()
        .baseUrl(java.net.URI.create("http://127.0.0.1:1")).experimentId("e").adminBearer("a")
        .workerBearer("w").otherWorkerBearer("o").build()).checks().size();
    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.lines).hasSize(checks + 1);
    assertThat(run.lines.subList(0, checks)).allMatch(line -> line.startsWith("FAIL "));
    assertThat(run.lines.get(checks)).isEqualTo("0 passed, " + checks + " failed, 0 skipped");
    assertThat(run.lines).noneMatch(line -> line.contains("pqrs:one") || line.contains("admin:token"));
    assertThat(requests.get()).isGreaterThanOrEqualTo(checks);
  }

  @Test
  void checksNeedingOptionalInputsAreSkippedVisibly() {
    Run run = run(
        "--portable-only",
        "--base-url", "http://127.0.0.1:" + server.getAddress().getPort(),
        "--experiment-id", "exp_0123456789abcdefghjkmnpqrs",
        "--admin-bearer", "admin:token",
        "--worker-bearer", "wkr_0123456789abcdefghjkmnpqrs:one",
        "--other-worker-bearer", "wkr_1123456789abcdefghjkmnpqrs:two");

    assertThat(run.lines).hasSize(7);
    assertThat(run.lines.get(0))
        .startsWith("FAIL portable/deposit-answers-201-with-uri-size-and-type: expected 201 for "
            + "POST /v0/experiments/exp_0123456789abcdefghjkmnpqrs/artifacts -> 200");
    assertThat(run.lines.get(6)).isEqualTo("0 passed, 6 failed, 0 skipped");
  }

  @Test
  void skippedChecksAreCountedAndDoNotFailTheRun() throws Exception {
    try (SemanticsServer server = new SemanticsServer(java.util.Set.of(), java.util.Set.of())) {
      Run run = run(
          "--base-url", server.config().build().baseUrl().toString(),
          "--experiment-id", SemanticsServer.EXPERIMENT,
          "--admin-bearer", SemanticsServer.ADMIN,
          "--worker-bearer", SemanticsServer.WORKER,
          "--other-worker-bearer", SemanticsServer.OTHER_WORKER);
      List<String> http = run.lines.stream().filter(l -> l.contains(" http/")).toList();

      assertThat(http).hasSize(18).allMatch(line -> line.startsWith("SKIP http/"));
      assertThat(http).contains("SKIP http/etag-is-strong-and-stable: the 200 fetch answer carries"
          + " no ETag: the server offers no validators");
      String summary = run.lines.get(run.lines.size() - 1);
      assertThat(summary).endsWith(" failed, " + (18 + 4) + " skipped");
    }
  }

  @Test
  void requiredHttpSemanticsFailWhenNotOffered() throws Exception {
    try (SemanticsServer server = new SemanticsServer(java.util.Set.of(), java.util.Set.of())) {
      Run run = run(
          "--require-http-semantics",
          "--base-url", server.config().build().baseUrl().toString(),
          "--experiment-id", SemanticsServer.EXPERIMENT,
          "--admin-bearer", SemanticsServer.ADMIN,
          "--worker-bearer", SemanticsServer.WORKER,
          "--other-worker-bearer", SemanticsServer.OTHER_WORKER);

      assertThat(run.exitCode).isEqualTo(1);
      assertThat(run.lines.stream().filter(l -> l.contains(" http/")))
          .hasSize(18).allMatch(line -> line.startsWith("FAIL http/"));
    }
  }

  @Test
  void aCompleteServerPassesTheHttpSemanticsGroup() throws Exception {
    try (SemanticsServer server = SemanticsServer.complete()) {
      Run run = run(
          "--base-url", server.config().build().baseUrl().toString(),
          "--experiment-id", SemanticsServer.EXPERIMENT,
          "--admin-bearer", SemanticsServer.ADMIN,
          "--worker-bearer", SemanticsServer.WORKER,
          "--other-worker-bearer", SemanticsServer.OTHER_WORKER);

      assertThat(run.lines.stream().filter(l -> l.contains(" http/")))
          .hasSize(18).allMatch(line -> line.startsWith("PASS http/"));
    }
  }

  @Test
  void optionalChecksAreSkippedWithTheInputTheyNeed() {
    ConformanceSuite suite = ConformanceSuite.create(ConformanceConfig.builder()
        .baseUrl(java.net.URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .experimentId("exp_0123456789abcdefghjkmnpqrs").adminBearer("admin:t")
        .workerBearer("wkr_0123456789abcdefghjkmnpqrs:one")
        .otherWorkerBearer("wkr_1123456789abcdefghjkmnpqrs:two").build());

    List<CheckResult> skipped = suite.checks().stream()
        .filter(c -> c.skipReason().isPresent()).map(ConformanceCheck::run).toList();

    assertThat(skipped).extracting(CheckResult::line).containsExactly(
        "SKIP strict/artifact-is-invisible-from-another-experiment: needs a second served experiment"
            + " (eden.conformance.otherExperimentId / EDEN_CONFORMANCE_OTHER_EXPERIMENT_ID)",
        "SKIP strict/admins-group-worker-fetches-any-artifact: needs a worker in the admins group"
            + " (eden.conformance.adminsGroupWorkerBearer / EDEN_CONFORMANCE_ADMINS_GROUP_WORKER_BEARER)",
        "SKIP strict/deposit-of-exactly-the-cap-is-accepted: needs the server's cap"
            + " (eden.conformance.maxArtifactBytes / EDEN_CONFORMANCE_MAX_ARTIFACT_BYTES)",
        "SKIP strict/deposit-over-the-cap-is-payload-too-large: needs the server's cap"
            + " (eden.conformance.maxArtifactBytes / EDEN_CONFORMANCE_MAX_ARTIFACT_BYTES)");
    assertThat(requests.get()).isZero();
  }

  @Test
  void listNamesEveryCheckWithItsRuleWithoutAServer() {
    Run run = run("--list");

    assertThat(run.exitCode).isZero();
    assertThat(run.lines).hasSize(63);
    assertThat(run.lines.get(0)).isEqualTo("portable/deposit-answers-201-with-uri-size-and-type  "
        + "§16.1: a deposit answers 201 with an RFC 3986 URI, the size and the content type sent");
    assertThat(run.lines.subList(0, 6)).allMatch(line -> line.startsWith("portable/"));
    assertThat(run.lines.subList(6, 45)).allMatch(line -> line.startsWith("strict/"));
    assertThat(run.lines.subList(45, 63)).allMatch(line -> line.startsWith("http/"));
    assertThat(requests.get()).isZero();
  }

  @Test
  void missingInputsAreAUsageError() {
    Run run = run("--base-url", "http://127.0.0.1:1");

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.errors).contains("conformance inputs missing: eden.conformance.experimentId");
  }

  @Test
  void unreachableServerFailsEveryCheckWithATransportMessage() {
    Run run = run(
        "--portable-only", "--timeout-seconds", "5",
        "--base-url", "http://127.0.0.1:1",
        "--experiment-id", "exp_0123456789abcdefghjkmnpqrs",
        "--admin-bearer", "admin:token",
        "--worker-bearer", "wkr_0123456789abcdefghjkmnpqrs:one",
        "--other-worker-bearer", "wkr_1123456789abcdefghjkmnpqrs:two");

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.lines.subList(0, 6)).allMatch(l -> l.startsWith("FAIL ") && l.contains("transport failure"));
    assertThat(run.lines.get(6)).isEqualTo("0 passed, 6 failed, 0 skipped");
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new ConformanceMain());
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    int code = command.execute(args);
    return new Run(code, Arrays.asList(out.toString().split("\\R")), err.toString());
  }

  private record Run(int exitCode, List<String> lines, String errors) {}
}
