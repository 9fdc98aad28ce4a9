package dev.eden.artifacts.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code eden-artifacts.jar}, run as a process the way a shell worker runs it, against
 * this project's real server (embedded Jetty, file backend) on an ephemeral port: round trips are
 * byte-exact, every outcome class has its exit status and one line on stderr, the bearer never
 * shows in output or in the process list, and a progress bar is drawn under a pseudo-terminal only.
 */
class CliEndToEndIT {
  private static final String WORKER_A = Principal.mintWorkerId();
  private static final String WORKER_B = Principal.mintWorkerId();
  private static final String SECRET_A = "secret-of-worker-a-7f3c";
  private static final String SECRET_B = "secret-of-worker-b-91d2";
  private static final String BEARER_A = WORKER_A + ":" + SECRET_A;
  private static final String BEARER_B = WORKER_B + ":" + SECRET_B;
  private static final int SMALL_CAP = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ZEROS_URI = "eden://artifacts/" + "0".repeat(32);

  @TempDir
  static Path serverDir;

  @TempDir
  Path dir;

  private static final ExperimentId EXPERIMENT = ExperimentId.mint();
  private static JettyArtifactServer server;
  private static JettyArtifactServer smallServer;
  private static OddServer odd;

  /** Worker A against the main server, from the environment, as a worker host sets it up. */
  private Cli alice;

  @BeforeAll
  static void startServers() throws IOException {
    server = start(serverDir.resolve("blobs"), 64L * 1024 * 1024);
    smallServer = start(serverDir.resolve("small-blobs"), SMALL_CAP);
    odd = new OddServer();
  }

  private static JettyArtifactServer start(Path blobs, long cap) throws IOException {
    ArtifactService service = ArtifactService.builder()
        .backend(new FileArtifactBackend(blobs))
        .store(new InMemoryArtifactStore())
        .maxArtifactBytes(cap)
        .build();
    return JettyArtifactServer.builder()
        .service(service)
        .authenticator(InMemoryAuthenticator.builder()
            .adminToken("admin-token-of-the-cli-tests")
            .worker(WORKER_A, SECRET_A)
            .worker(WORKER_B, SECRET_B)
            .build())
        .servedExperiments(EXPERIMENT)
        .host("127.0.0.1").port(0)
        .build()
        .start();
  }

  @AfterAll
  static void stopServers() {
    server.close();
    smallServer.close();
    odd.close();
  }

  @BeforeEach
  void worker() {
    alice = new Cli()
        .env("EDEN_BASE_URL", server.baseUri().toString())
        .env("EDEN_EXPERIMENT_ID", EXPERIMENT.value())
        .env("EDEN_BEARER", BEARER_A);
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private String depositAsAlice(byte[] bytes) {
    return alice.run(bytes, "deposit", "-").succeeded().lastLine();
  }

  // -------------------------------------------------------------------------------------------
  // Round trips

  @Test
  void depositOfAFileAndFetchToAFileAreByteExact() throws IOException {
    byte[] bytes = random(300_000, 1);
    Path log = Files.write(dir.resolve("run.log"), bytes);

    Cli.Result deposit = alice.run("deposit", log.toString()).succeeded();
    String uri = deposit.lastLine();
    assertThat(uri).matches("eden://artifacts/[0-9a-f]{32}");
    assertThat(deposit.stderr()).as("no progress bar in a pipe").isEmpty();

    Path copy = dir.resolve("copy.log");
    Cli.Result fetch = alice.run("fetch", uri, "-o", copy.toString()).succeeded();
    assertThat(fetch.stdout()).isEmpty();
    assertThat(fetch.stderr()).isEmpty();
    assertThat(Files.readAllBytes(copy)).isEqualTo(bytes);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary file left").containsExactlyInAnyOrder("run.log", "copy.log");
    }
  }

  @Test
  void depositFromStdinAndFetchToStdoutAreByteExact() throws IOException {
    byte[] bytes = random(3 * 1024 * 1024 + 17, 2);

    Cli.Result deposit = alice.run(bytes, "deposit", "-", "--filename", "bundle.tar.gz", "--json")
        .succeeded();
    JsonNode answer = JSON.readTree(deposit.lastLine());
    assertThat(answer.get("size_bytes").asLong()).isEqualTo(bytes.length);
    assertThat(answer.get("content_type").asText()).isEqualTo("application/gzip");
    String uri = answer.get("artifacts_uri").asText();
    assertThat(uri).matches("eden://artifacts/[0-9a-f]{32}");

    Cli.Result fetch = alice.run("fetch", uri).succeeded();
    assertThat(fetch.stdout()).isEqualTo(bytes);
    assertThat(alice.run("fetch", uri, "-o", "-").succeeded().stdout()).isEqualTo(bytes);
  }

  @Test
  void depositOfAProcessSubstitutionStoresEveryByte() throws IOException {
    // bash hands the command /dev/fd/63, a pipe whose size is 0 until it is read.
    Path source = Files.write(dir.resolve("source.bin"), random(100_000, 8));
    String command = shellQuoted(List.of(Cli.JAVA, "-jar", Cli.JAR.toString(), "deposit", "--json"))
        + " <(cat " + shellQuoted(List.of(source.toString())) + ")";
    Cli.Result deposit = alice.start(List.of("bash", "-c", command), new byte[0], p -> { })
        .succeeded();
    JsonNode answer = JSON.readTree(deposit.lastLine());
    assertThat(answer.get("size_bytes").asLong()).isEqualTo(100_000);
    assertThat(alice.run("fetch", answer.get("artifacts_uri").asText()).succeeded().stdout())
        .isEqualTo(Files.readAllBytes(source));
  }

  @Test
  void depositOfAFifoStoresEveryByte() throws Exception {
    Path fifo = dir.resolve("stream.log");
    assertThat(exec("mkfifo", fifo.toString())).isEmpty();
    byte[] bytes = random(250_000, 9);
    Thread writer = new Thread(() -> {
      try (java.io.OutputStream out = Files.newOutputStream(fifo)) {
        out.write(bytes);
      } catch (IOException readerGone) {
        // The assertions below tell.
      }
    });
    writer.setDaemon(true);
    writer.start();
    String uri = alice.run("deposit", fifo.toString()).succeeded().lastLine();
    JsonNode stat = JSON.readTree(alice.run("stat", uri, "--json").succeeded().out());
    assertThat(stat.get("size_bytes").asLong()).isEqualTo(bytes.length);
    assertThat(stat.get("content_type").asText()).isEqualTo("text/plain");
    assertThat(stat.get("sha256").asText()).isEqualTo(OddServer.sha256(bytes));
  }

  @Test
  void fetchIntoAPipeThatClosesEarlyStopsWithOneLineAndStatusNine() throws IOException {
    String uri = depositAsAlice(random(4 * 1024 * 1024, 10));
    String command = "set -o pipefail; "
        + shellQuoted(List.of(Cli.JAVA, "-jar", Cli.JAR.toString(), "fetch", uri))
        + " | head -c 10 | wc -c; echo \"fetch status ${PIPESTATUS[0]}\"";
    Cli.Result pipe = alice.start(List.of("bash", "-c", command), new byte[0], p -> { });
    assertThat(pipe.out().lines().map(String::strip).toList())
        .containsExactly("10", "fetch status " + ExitStatus.IO);
    assertThat(pipe.stderr().lines().toList()).as("stderr").singleElement().asString()
        .startsWith("eden-artifacts: cannot write to standard output: ")
        .endsWith("the rest was neither fetched nor checked)")
        .doesNotContain("transfer failed");
  }

  @Test
  void stdinWithoutANameIsOctetStreamAndAnExplicitTypeIsRecordedVerbatim() throws IOException {
    String plain = depositAsAlice("x".getBytes(UTF_8));
    assertThat(alice.run("stat", plain, "--json").succeeded().out())
        .contains("\"content_type\":\"application/octet-stream\"");
    String typed = alice.run("hello".getBytes(UTF_8), "deposit", "-",
        "--content-type", "text/plain; charset=utf-8").succeeded().lastLine();
    assertThat(JSON.readTree(alice.run("stat", typed, "--json").succeeded().out())
        .get("content_type").asText()).isEqualTo("text/plain; charset=utf-8");
  }

  @Test
  void statPrintsWhatTheServerRecorded() throws IOException {
    byte[] bytes = random(12_345, 3);
    Instant before = Instant.now().minusSeconds(1);
    String uri = alice.run("deposit", Files.write(dir.resolve("plan.md"), bytes).toString())
        .succeeded().lastLine();

    Cli.Result text = alice.run("stat", uri).succeeded();
    assertThat(text.out().lines()).contains(
        "artifacts_uri " + uri,
        "size_bytes    12345",
        "content_type  text/markdown",
        "created_by    " + WORKER_A,
        "sha256        " + OddServer.sha256(bytes));

    JsonNode json = JSON.readTree(alice.run("stat", uri, "--json").succeeded().out());
    assertThat(json.get("size_bytes").asLong()).isEqualTo(12_345);
    assertThat(json.get("sha256").asText()).isEqualTo(OddServer.sha256(bytes));
    assertThat(Instant.parse(json.get("created_at").asText())).isBetween(before, Instant.now());
  }

  @Test
  void launcherScriptBesideTheJarRunsItWithTheBearerFromAFile() throws IOException {
    assertThat(Files.isExecutable(Cli.LAUNCHER)).isTrue();
    Path bearerFile = Files.writeString(dir.resolve("bearer"), BEARER_A + "\n");
    Cli fromFile = alice.copy().withoutEnv("EDEN_BEARER");
    Cli.Result deposit = fromFile.start(List.of(Cli.LAUNCHER.toString(), "deposit", "-",
        "--bearer-file", bearerFile.toString()), "via the launcher".getBytes(UTF_8), p -> { })
        .succeeded();
    assertThat(alice.run("fetch", deposit.lastLine()).succeeded().out()).isEqualTo("via the launcher");
  }

  @Test
  void optionsWinOverTheEnvironment() {
    Cli wrongEnv = alice.copy()
        .env("EDEN_BASE_URL", "http://127.0.0.1:" + freePort())
        .env("EDEN_EXPERIMENT_ID", ExperimentId.mint().value());
    String uri = wrongEnv.run("x".getBytes(UTF_8), "--base-url", server.baseUri().toString(),
        "deposit", "-", "--experiment", EXPERIMENT.value()).succeeded().lastLine();
    assertThat(uri).startsWith("eden://artifacts/");
  }

  // -------------------------------------------------------------------------------------------
  // One exit status and one line per outcome class

  /** One line on stderr, {@code eden-artifacts: <title>: <detail>}, no stack trace, no bearer. */
  private static void assertOneLine(Cli.Result result, int status, String line) {
    assertThat(result.status()).as("exit status; stderr: %s", result.stderr()).isEqualTo(status);
    assertThat(result.stderr().lines().toList()).as("stderr").hasSize(1);
    assertThat(result.stderr()).startsWith(line).doesNotContain("\tat ")
        .doesNotContain(SECRET_A).doesNotContain(SECRET_B);
  }

  @Test
  void unknownUriIsNotFound() {
    assertOneLine(alice.run("fetch", ZEROS_URI), ExitStatus.NOT_FOUND, "eden-artifacts: Not Found: ");
    assertOneLine(alice.run("stat", ZEROS_URI), ExitStatus.NOT_FOUND, "eden-artifacts: Not Found: ");
  }

  @Test
  void anotherWorkersArtifactIsForbidden() {
    String uri = depositAsAlice("mine".getBytes(UTF_8));
    Cli bob = alice.copy().env("EDEN_BEARER", BEARER_B);
    Path target = dir.resolve("never.bin");
    assertOneLine(bob.run("fetch", uri, "-o", target.toString()), ExitStatus.FORBIDDEN,
        "eden-artifacts: Forbidden: ");
    assertThat(target).doesNotExist();
    assertOneLine(bob.run("stat", uri), ExitStatus.FORBIDDEN, "eden-artifacts: Forbidden: ");
  }

  @Test
  void aWrongSecretIsUnauthorizedAndNeverPrinted() {
    String wrongSecret = "not-the-secret-5e1a";
    Cli wrong = alice.copy().env("EDEN_BEARER", WORKER_A + ":" + wrongSecret);
    Cli.Result result = wrong.run("x".getBytes(UTF_8), "deposit", "-");
    assertOneLine(result, ExitStatus.UNAUTHORIZED, "eden-artifacts: Unauthorized: ");
    assertThat(result.out() + result.stderr()).doesNotContain(wrongSecret);
  }

  @Test
  void overTheCapIsPayloadTooLarge() throws IOException {
    Cli small = alice.copy().env("EDEN_BASE_URL", smallServer.baseUri().toString());
    Path big = Files.write(dir.resolve("big.bin"), random(SMALL_CAP + 1, 4));
    assertOneLine(small.run("deposit", big.toString()), ExitStatus.PAYLOAD_TOO_LARGE,
        "eden-artifacts: Payload Too Large: ");
    assertOneLine(small.run(random(5 * SMALL_CAP, 5), "deposit", "-"),
        ExitStatus.PAYLOAD_TOO_LARGE, "eden-artifacts: Payload Too Large: ");
    // Exactly the cap is accepted.
    small.run(random(SMALL_CAP, 6), "deposit", "-").succeeded();
  }

  @Test
  void anExperimentTheServerDoesNotServeIsABadRequest() {
    Cli elsewhere = alice.copy().env("EDEN_EXPERIMENT_ID", ExperimentId.mint().value());
    assertOneLine(elsewhere.run("x".getBytes(UTF_8), "deposit", "-"), ExitStatus.BAD_REQUEST,
        "eden-artifacts: Experiment Id Mismatch: ");
  }

  @Test
  void corruptBytesAreADigestMismatchAndLeaveNoFile() throws IOException {
    Cli corrupt = alice.copy().env("EDEN_BASE_URL", odd.baseUrl("corrupt"));
    Path target = Files.writeString(dir.resolve("keep.bin"), "old content");
    assertOneLine(corrupt.run("fetch", ZEROS_URI, "-o", target.toString()),
        ExitStatus.DIGEST_MISMATCH, "eden-artifacts: digest mismatch: ");
    assertThat(Files.readString(target)).as("target untouched").isEqualTo("old content");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("keep.bin");
    }

    Cli.Result toStdout = corrupt.run("fetch", ZEROS_URI);
    assertOneLine(toStdout, ExitStatus.DIGEST_MISMATCH, "eden-artifacts: digest mismatch: ");
    assertThat(toStdout.stderr()).contains(OddServer.sha256(OddServer.BYTES));
  }

  @Test
  void nothingListeningIsATransportFailure() {
    Cli nowhere = alice.copy().env("EDEN_BASE_URL", "http://127.0.0.1:" + freePort());
    assertOneLine(nowhere.run("stat", ZEROS_URI), ExitStatus.IO, "eden-artifacts: cannot connect: ");
    assertOneLine(nowhere.run("x".getBytes(UTF_8), "deposit", "-"), ExitStatus.IO,
        "eden-artifacts: cannot connect: ");
  }

  @Test
  void aMissingLocalFileIsAnIoFailure() {
    assertOneLine(alice.run("deposit", dir.resolve("absent.log").toString()), ExitStatus.IO,
        "eden-artifacts: no such file: ");
  }

  @Test
  void anInternalErrorOfTheServerIsAServerError() {
    Cli broken = alice.copy().env("EDEN_BASE_URL", odd.baseUrl("broken"));
    assertOneLine(broken.run("fetch", ZEROS_URI), ExitStatus.SERVER,
        "eden-artifacts: Internal Server Error: incident 0f0e0d0c");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertOneLineThenHint(alice.run("fetch"), "eden-artifacts: usage: Missing required parameter");
    assertOneLineThenHint(alice.run("deposit", "-", "--no-such-option"),
        "eden-artifacts: usage: Unknown option: '--no-such-option'");
    assertOneLineThenHint(alice.run(), "eden-artifacts: usage: a command is required");
    assertOneLineThenHint(alice.copy().withoutEnv("EDEN_BASE_URL").run("stat", ZEROS_URI),
        "eden-artifacts: usage: no server: pass --base-url URL or set EDEN_BASE_URL");
    assertOneLineThenHint(alice.copy().withoutEnv("EDEN_BEARER").run("stat", ZEROS_URI),
        "eden-artifacts: usage: no bearer: set EDEN_BEARER or pass --bearer-file FILE");
    assertOneLineThenHint(alice.copy().env("EDEN_EXPERIMENT_ID", "exp_nope").run("stat", ZEROS_URI),
        "eden-artifacts: usage: ");
    assertOneLineThenHint(alice.run("deposit", dir.toString()), "eden-artifacts: usage: ");
    assertOneLineThenHint(alice.run("fetch", ZEROS_URI, "-o", "/"), "eden-artifacts: usage: -o /: ");
    assertOneLineThenHint(alice.run("x".getBytes(UTF_8), "deposit", "-", "--content-type", "bad type"),
        "eden-artifacts: usage: --content-type 'bad type' is not a media type");
    assertOneLineThenHint(alice.run("x".getBytes(UTF_8), "deposit", "-", "--filename", ""),
        "eden-artifacts: usage: --filename must not be empty");
  }

  @Test
  void fetchIntoAnExistingDirectoryIsAUsageErrorBeforeAnyDownload() throws IOException {
    String uri = depositAsAlice(random(1000, 11));
    Path downloads = Files.createDirectory(dir.resolve("downloads"));
    assertOneLineThenHint(alice.run("fetch", uri, "-o", downloads.toString()),
        "eden-artifacts: usage: -o " + downloads + ": target is a directory: " + downloads);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary file left beside it").containsExactly("downloads");
    }
    try (Stream<Path> files = Files.list(downloads)) {
      assertThat(files).isEmpty();
    }
  }

  private static void assertOneLineThenHint(Cli.Result result, String line) {
    assertThat(result.status()).as("exit status; stderr: %s", result.stderr()).isEqualTo(ExitStatus.USAGE);
    List<String> lines = result.stderr().lines().toList();
    assertThat(lines).as("stderr").hasSize(2);
    assertThat(lines.get(0)).startsWith(line);
    assertThat(lines.get(1)).startsWith("Try 'eden-artifacts ").endsWith("--help'.");
  }

  @Test
  void helpListsEveryExitStatus() {
    for (String command : List.of("--help", "deposit --help", "fetch --help", "stat --help")) {
      Cli.Result help = alice.run(command.split(" ")).succeeded();
      assertThat(help.out()).contains("Exit status:");
      for (String status : ExitStatus.HELP.keySet()) {
        assertThat(help.out()).as(command).containsPattern("(?m)^  " + status + " +\\S");
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // The bearer

  @Test
  void thereIsNoBearerOptionAndItsValueIsNeverRepeated() {
    Cli.Result result = alice.copy().withoutEnv("EDEN_BEARER")
        .run("stat", ZEROS_URI, "--bearer", "wkr_x:typed-secret-3b9");
    assertThat(result.status()).isEqualTo(ExitStatus.USAGE);
    assertThat(result.stderr()).startsWith("eden-artifacts: usage: there is no --bearer option")
        .doesNotContain("typed-secret-3b9");
  }

  @Test
  void theBearerIsNeitherInTheProcessListNorInDebugOutput() {
    Cli slow = alice.copy().env("EDEN_BASE_URL", odd.baseUrl("slow"));
    List<String> seen = new ArrayList<>();
    Cli.Result result = slow.run(new byte[0], process -> {
      // The fetch takes about 20 × 150 ms: look at the running child as ps shows it.
      sleep(700);
      assertThat(process.isAlive()).as("still fetching").isTrue();
      seen.add(String.join(" ", process.info().arguments().orElse(new String[0])));
      seen.add(read(Path.of("/proc/" + process.pid() + "/cmdline")).replace('\0', ' '));
      seen.add(exec("ps", "-o", "args=", "-p", Long.toString(process.pid())));
    }, "--debug", "fetch", ZEROS_URI, "-o", dir.resolve("slow.bin").toString()).succeeded();
    assertThat(seen.get(2)).as("ps saw the child").contains("eden-artifacts.jar", "fetch");
    assertThat(seen).allSatisfy(args -> assertThat(args).doesNotContain(SECRET_A));
    assertThat(result.stderr()).contains("eden-artifacts: debug: GET ", "principal " + WORKER_A)
        .doesNotContain(SECRET_A);
    assertThat(result.out()).doesNotContain(SECRET_A);

    // A failure with --debug prints its stack trace, still without the secret.
    Cli.Result failure = alice.copy().env("EDEN_BEARER", WORKER_A + ":wrong-secret-c4d0")
        .run("--debug", "stat", ZEROS_URI);
    assertThat(failure.status()).isEqualTo(ExitStatus.UNAUTHORIZED);
    assertThat(failure.stderr()).contains("\tat ", "UnauthorizedException")
        .doesNotContain("wrong-secret-c4d0");
  }

  // -------------------------------------------------------------------------------------------
  // Progress

  @Test
  void aProgressBarIsDrawnUnderAPseudoTerminalAndNotInAPipe() throws IOException {
    assertThat(exec("sh", "-c", "command -v script")).as("util-linux script is installed")
        .isNotBlank();
    byte[] bytes = random(8 * 1024 * 1024, 7);
    Path file = Files.write(dir.resolve("data.bin"), bytes);
    String uri = alice.run("deposit", file.toString()).succeeded().lastLine();
    Path copy = dir.resolve("copy.bin");

    // script gives the command a pseudo-terminal as stdin, stdout and stderr, and copies what the
    // terminal shows to its own stdout.
    String command = shellQuoted(List.of(Cli.JAVA, "-jar", Cli.JAR.toString(), "fetch", uri,
        "-o", copy.toString()));
    Cli.Result tty = alice.start(List.of("script", "-qfec", command, "/dev/null"), new byte[0],
        p -> { }).succeeded();
    // For example "fetch copy.bin 100% [=====] 8/8MiB (0:00:01 / 0:00:00) 6.1MiB/s", redrawn after \r.
    assertThat(tty.out()).contains("\rfetch copy.bin ", "100%", "8/8MiB", "MiB/s");
    assertThat(Files.readAllBytes(copy)).isEqualTo(bytes);

    String quiet = shellQuoted(List.of(Cli.JAVA, "-jar", Cli.JAR.toString(), "--quiet", "fetch",
        uri, "-o", copy.toString()));
    assertThat(alice.start(List.of("script", "-qfec", quiet, "/dev/null"), new byte[0], p -> { })
        .succeeded().out()).doesNotContain("%");

    Cli.Result pipe = alice.run("fetch", uri, "-o", copy.toString()).succeeded();
    assertThat(pipe.stderr()).isEmpty();
  }

  private static String shellQuoted(List<String> words) {
    return words.stream().map(w -> "'" + w.replace("'", "'\\''") + "'")
        .collect(Collectors.joining(" "));
  }

  // -------------------------------------------------------------------------------------------

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String read(Path path) {
    try {
      return new String(Files.readAllBytes(path), UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String exec(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), UTF_8);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      return out.strip();
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
