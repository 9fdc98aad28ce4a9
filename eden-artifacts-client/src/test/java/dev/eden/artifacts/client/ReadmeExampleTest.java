package dev.eden.artifacts.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's worker example compiles, runs against the real server, and matches the README. */
class ReadmeExampleTest {
  @TempDir
  Path temp;

  static void worker(String baseUrl, String experimentId, String bearer, Path plan, Path copy)
      throws Exception {
    // snippet: worker
    try (StoreClient client = StoreClient.builder()
        .baseUrl(baseUrl)                   // "http://127.0.0.1:8080"
        .experimentId(experimentId)         // "exp_…"
        .bearer(bearer)                     // "wkr_…:secret", never printed or logged
        .build()) {
      DepositReceipt receipt = client.depositArtifact(plan);  // streamed from disk
      System.out.println(receipt.uri());                      // eden://artifacts/…
      client.fetchArtifact(receipt.uri(), copy);              // temp file, fsync, atomic rename
    }
    // end snippet
  }

  @Test
  void exampleDepositsPrintsTheUriAndFetchesTheFileBack() throws Exception {
    Path plan = Files.writeString(temp.resolve("plan.txt"), "1. measure\n2. improve\n");
    Path copy = temp.resolve("plan-copy.txt");
    PrintStream original = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (LocalServer local = new LocalServer(Files.createDirectories(temp.resolve("blobs")), 1024)) {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      try {
        worker(local.baseUrl(), local.experiment.value(), LocalServer.bearerA(), plan, copy);
      } finally {
        System.setOut(original);
      }
    }
    assertThat(printed.toString(StandardCharsets.UTF_8)).matches("eden://artifacts/[0-9a-f]{32}\\R");
    assertThat(Files.readString(copy)).isEqualTo("1. measure\n2. improve\n");
  }

  @Test
  void readmeShowsExactlyThisExample() throws Exception {
    Path module = Path.of(System.getProperty("basedir", "."));
    List<String> source = Files.readAllLines(
        module.resolve("src/test/java/dev/eden/artifacts/client/ReadmeExampleTest.java"));
    int start = source.indexOf("    // snippet: worker");
    int end = source.indexOf("    // end snippet");
    String example = source.subList(start + 1, end).stream()
        .map(line -> line.substring(4))
        .collect(Collectors.joining("\n"));
    assertThat(example.lines().count()).isLessThanOrEqualTo(10);
    assertThat(Files.readString(module.resolve("README.md"))).contains(example);
  }
}
