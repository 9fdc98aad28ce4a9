package dev.eden.artifacts.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.server.GarbageFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gc} as an operator runs it, on the embedded defaults: an artifact deposited long ago
 * stays, an old orphan blob and an old temp file go, young ones stay; a dry run removes nothing.
 */
class GcCommandTest {
  @TempDir Path dir;
  private GarbageFixture garbage;

  record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = ServerMain.commandLine(name -> null);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @BeforeEach
  void aDataDirectoryWithGarbage() throws Exception {
    garbage = new GarbageFixture(dir.resolve("data"));
  }

  @Test
  void aDryRunCountsAndRemovesNothingThenARunRemovesExactlyTheOldGarbage() {
    Run dryRun = run("gc", "--data-dir", garbage.data.toString(), "--dry-run");

    assertThat(dryRun.exit()).as(dryRun.err()).isZero();
    assertThat(dryRun.out().lines()).containsExactly("gc (dry run): would remove orphan blobs: 1 (2000 bytes),"
        + " leftovers of crashed deposits: 1 (500 bytes), unreferenced artifacts: not checked (no reference"
        + " checker configured); grace PT24H");
    assertThat(garbage.oldOrphan).exists();
    assertThat(garbage.oldTemp).exists();

    Run gc = run("gc", "--data-dir", garbage.data.toString());

    assertThat(gc.exit()).as(gc.err()).isZero();
    assertThat(gc.out().lines()).singleElement().asString()
        .startsWith("gc: removed orphan blobs: 1 (2000 bytes), leftovers of crashed deposits: 1 (500 bytes)");
    assertThat(garbage.oldOrphan).doesNotExist();
    assertThat(garbage.oldTemp).doesNotExist();
    assertThat(garbage.youngOrphan).exists();
    assertThat(garbage.artifact).exists();

    Run longerGrace = run("gc", "--data-dir", garbage.data.toString(), "--grace", "P3D");
    assertThat(longerGrace.out()).contains("orphan blobs: 0 (0 bytes)").contains("grace PT72H");
  }

  @Test
  void theGraceDecides() {
    Run run = run("gc", "--data-dir", garbage.data.toString(), "--grace", "P3D", "--dry-run");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("orphan blobs: 0 (0 bytes), leftovers of crashed deposits: 0 (0 bytes)");
  }

  @Test
  void usageErrorsAndMissingStorageAreOneLineWithTheirExitStatus() {
    Run tooShort = run("gc", "--data-dir", garbage.data.toString(), "--grace", "PT30S");
    assertThat(tooShort.exit()).isEqualTo(2);
    assertThat(tooShort.err()).contains("--grace must be at least PT10M: PT30S");
    assertThat(garbage.oldOrphan).exists();

    Run notADuration = run("gc", "--data-dir", garbage.data.toString(), "--grace", "yesterday");
    assertThat(notADuration.exit()).isEqualTo(2);

    Run nowhere = run("gc", "--data-dir", dir.resolve("typo").toString());
    assertThat(nowhere.exit()).isEqualTo(1);
    assertThat(nowhere.err().lines()).singleElement().asString()
        .startsWith("gc: no metadata database at ").contains("typo");
    assertThat(dir.resolve("typo")).as("a mistyped data directory is not created").doesNotExist();
  }

  @Test
  void aDatabaseThatIsNotTheServersIsRefusedAndNothingIsCreatedOrRemoved() throws Exception {
    Path typo = dir.resolve("typo.db");
    Run mistyped = run("gc", "--data-dir", garbage.data.toString(), "--db", "jdbc:sqlite:" + typo);
    assertThat(mistyped.exit()).isEqualTo(1);
    assertThat(mistyped.err().lines()).singleElement().asString()
        .startsWith("gc: no metadata database at " + typo).endsWith("(is --db the servers' database?)");
    assertThat(typo).as("a mistyped database is not created").doesNotExist();

    Path empty = java.nio.file.Files.createFile(dir.resolve("empty.db")); // an SQLite database with no tables
    Run other = run("gc", "--data-dir", garbage.data.toString(), "--db", "jdbc:sqlite:" + empty);
    assertThat(other.exit()).isEqualTo(1);
    assertThat(other.err()).contains("the database holds no eden-artifacts metadata");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + empty);
        java.sql.ResultSet tables = c.createStatement().executeQuery("SELECT COUNT(*) FROM sqlite_master")) {
      tables.next();
      assertThat(tables.getInt(1)).as("nothing was migrated into it").isZero();
    }
    assertThat(garbage.oldOrphan).exists();

    Run scrub = run("scrub", "--data-dir", garbage.data.toString(), "--db", "jdbc:sqlite:" + empty,
        "--experiment-id", dev.eden.artifacts.ExperimentId.mint().value());
    assertThat(scrub.exit()).isEqualTo(1);
    assertThat(scrub.err()).contains("the database holds no eden-artifacts metadata");
  }
}
