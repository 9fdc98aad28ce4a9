package dev.eden.artifacts.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code scrub} in-process on a data directory whose artifacts were deposited through the service
 * on the server's own stores (SQLite and the blob directory), then damaged on disk.
 */
class ScrubCommandTest {
  private static final String SUMMARY_TIME = ", [0-9]+\\.[0-9]{3} s";

  @TempDir Path dir;
  private Path data;
  private ExperimentId experiment;
  private final List<ArtifactMetadata> artifacts = new ArrayList<>();

  record Run(int exit, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  private static Run run(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = ServerMain.commandLine(environment::get);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Run scrub(String... options) {
    List<String> args = new ArrayList<>(List.of("scrub", "--data-dir", data.toString()));
    args.addAll(List.of(options));
    return run(Map.of(), args.toArray(String[]::new));
  }

  /** A data directory as 'serve' leaves it, with five artifacts deposited through the service. */
  @BeforeEach
  void depositedArtifacts() throws Exception {
    data = dir.resolve("data");
    experiment = ExperimentId.mint();
    Files.createDirectories(data);
    Files.writeString(data.resolve(DataDirectory.EXPERIMENT_FILE), experiment.value() + "\n");
    try (JdbiArtifactStore store = JdbiArtifactStore.sqlite(data.resolve("metadata.db"))) {
      ArtifactService service = ArtifactService.builder()
          .backend(new FileArtifactBackend(data.resolve("blobs"))).store(store).build();
      Random random = new Random(7);
      for (int i = 0; i < 5; i++) {
        byte[] bytes = new byte[10_000 + i];
        random.nextBytes(bytes);
        artifacts.add(service.deposit(experiment, Principal.admin(), "part-" + i + ".bin", "application/octet-stream",
            new ByteArrayInputStream(bytes)).metadata());
      }
    }
  }

  private Path blob(ArtifactMetadata artifact) {
    String id = artifact.id().value();
    return data.resolve("blobs").resolve(id.substring(0, 2)).resolve(id);
  }

  @Test
  void aCleanStoreExitsZeroWithOnlyTheSummary() {
    Run run = scrub();

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.lines()).singleElement().asString().matches(
        "scrub clean: 5 artifacts checked, 50010 bytes read, 0 damaged, 0 missing, 0 unreadable" + SUMMARY_TIME);
    assertThat(run.err()).startsWith("scrub: " + experiment + " in sqlite " + data.resolve("metadata.db"))
        .contains("blobs " + data.resolve("blobs")).contains("at most 50 MB/s");
  }

  @Test
  void damageExitsOneWithOneLinePerDamagedArtifactAndChangesNothing() throws Exception {
    ArtifactMetadata flipped = artifacts.get(0);
    ArtifactMetadata truncated = artifacts.get(1);
    ArtifactMetadata appended = artifacts.get(2);
    ArtifactMetadata missing = artifacts.get(3);
    byte[] bytes = Files.readAllBytes(blob(flipped));
    bytes[5_000] ^= 0x01;
    Files.write(blob(flipped), bytes);
    Files.write(blob(truncated), Arrays.copyOf(Files.readAllBytes(blob(truncated)), 10));
    Files.write(blob(appended), new byte[] {'x'}, StandardOpenOption.APPEND);
    Files.delete(blob(missing));
    Map<String, String> before = snapshot(data.resolve("blobs"));

    Run run = scrub();

    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    List<String> lines = run.lines();
    assertThat(lines).hasSize(5);
    assertThat(lines.subList(0, 4)).containsExactlyInAnyOrder(
        "damaged " + flipped.uri() + " digest mismatch: recorded sha256 " + flipped.sha256() + ", found " + sha256(bytes),
        "damaged " + truncated.uri() + " size mismatch: recorded 10001 bytes, found 10 bytes",
        "damaged " + appended.uri() + " size mismatch: recorded 10002 bytes, found 10003 bytes",
        "missing " + missing.uri() + " blob missing: recorded 10003 bytes");
    assertThat(lines.get(4)).matches("scrub found problems: 5 artifacts checked, 30017 bytes read, "
        + "3 damaged \\(2 size mismatch, 1 digest mismatch\\), 1 missing, 0 unreadable" + SUMMARY_TIME);
    assertThat(snapshot(data.resolve("blobs"))).isEqualTo(before);
  }

  @Test
  void aBlobThatCannotBeReadIsReportedAndTheRestIsStillChecked() throws Exception {
    ArtifactMetadata unreadable = artifacts.get(2);
    Files.delete(blob(unreadable));
    Files.createDirectory(blob(unreadable));

    Run run = scrub("--rate", "unlimited");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.lines()).hasSize(2);
    assertThat(run.lines().get(0)).startsWith("unreadable " + unreadable.uri() + " storage error: ")
        .contains("not a regular file");
    assertThat(run.lines().get(1)).startsWith("scrub found problems: 5 artifacts checked, 40008 bytes read, "
        + "0 damaged, 0 missing, 1 unreadable");
    assertThat(run.err()).contains("at most unlimited");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--rate nonsense | Invalid value for option '--rate': 'nonsense' is not a byte rate",
      "--rate 0        | less than one byte per second",
      "--rate 50mb     | 'b' would be bits",
      "--experiment-id exp_NOPE | --experiment-id must be",
      "--s3-path-style | need --blob-store s3://",
  })
  void badOptionsAreUsageErrors(String options, String message) throws Exception {
    Map<String, String> before = snapshot(data);
    Run run = scrub(options.split(" "));
    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains(message);
    assertThat(run.out()).isEmpty();
    assertThat(snapshot(data)).isEqualTo(before);
  }

  @Test
  void theRateComesFromTheEnvironmentToo() {
    Run run = run(Map.of("EDEN_RATE", "1MiB", "EDEN_DATA_DIR", data.toString()), "scrub");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("at most 1 MiB/s");

    Run bad = run(Map.of("EDEN_RATE", "nonsense", "EDEN_DATA_DIR", data.toString()), "scrub");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("'nonsense' is not a byte rate").contains("EDEN_RATE");
  }

  @Test
  void storageThatIsNotThereIsOneLineAndExitOneAndIsNotCreated() {
    Path elsewhere = dir.resolve("not-a-data-dir");
    Run noDatabase = run(Map.of(), "scrub", "--data-dir", elsewhere.toString(), "--experiment-id", experiment.value());
    assertThat(noDatabase.exit()).isEqualTo(1);
    assertThat(noDatabase.err().lines().toList()).singleElement().asString()
        .startsWith("scrub: no metadata database at " + elsewhere.resolve("metadata.db"));
    assertThat(Files.exists(elsewhere)).isFalse();

    Path noBlobs = dir.resolve("no-blobs");
    Run noBlobDirectory = scrub("--blob-store", noBlobs.toString());
    assertThat(noBlobDirectory.exit()).isEqualTo(1);
    assertThat(noBlobDirectory.err().lines().toList()).last().asString()
        .isEqualTo("scrub: no blob directory at " + noBlobs + " (is --data-dir the server's? --blob-store names another place)");
    assertThat(Files.exists(noBlobs)).isFalse();
    assertThat(noDatabase.out() + noBlobDirectory.out()).isEmpty();
  }

  @Test
  void helpDocumentsTheRateItsUnitsAndTheExitStatuses() {
    Run run = run(Map.of(), "scrub", "--help");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("--rate=<bytes/s>").contains("default: 50MB").contains("[env: EDEN_RATE]")
        .contains("powers of 1000").contains("powers of 1024").contains("unlimited")
        .contains("--data-dir").contains("--db").contains("--blob-store").contains("--experiment-id")
        .contains("Exit status:").contains("Read-only");
    assertThat(run(Map.of(), "--help").out()).contains("scrub");
  }

  /** Every file and directory: kind, size, modification time and content digest. */
  private static Map<String, String> snapshot(Path root) throws Exception {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.toList()) {
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        entries.put(root.relativize(path).toString(), (attrs.isRegularFile() ? sha256(Files.readAllBytes(path)) : "dir")
            + " " + attrs.size() + " " + attrs.lastModifiedTime().toMillis());
      }
    }
    return entries;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
