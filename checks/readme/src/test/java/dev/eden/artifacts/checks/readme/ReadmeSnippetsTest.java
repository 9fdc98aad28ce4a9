package dev.eden.artifacts.checks.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.client.DepositReceipt;
import dev.eden.artifacts.client.StoreClient;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The top-level README's snippets: every Java block equals a region compiled in this module, and
 * runs here; the dependency blocks name exactly this module's dependencies, at this build's
 * versions, so the embed snippet runs on what the README tells a reader to add.
 */
class ReadmeSnippetsTest {
  static final Path README = Path.of("../../README.md");
  private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

  @TempDir Path dir;

  @Test
  void everyJavaBlockOfTheReadmeIsACompiledRegion() {
    Map<String, String> regions = Snippets.regions(Path.of("src/main/java"), Path.of("src/test/java"));
    List<Snippets.Block> java = Snippets.blocks(README).stream()
        .filter(b -> b.language().equals("java") || b.name() != null)
        .toList();
    assertThat(java).as("Java blocks in the README").hasSizeGreaterThanOrEqualTo(3);
    for (Snippets.Block block : java) {
      assertThat(block.name()).as("a Java block without a '<!-- snippet: NAME -->' line:%n%s", block.text())
          .isNotNull();
      assertThat(regions).as("no region '// snippet: %s' in this module", block.name())
          .containsKey(block.name());
      assertThat(block.text()).as("README block '%s' against its compiled region", block.name())
          .isEqualTo(regions.get(block.name()));
    }
  }

  /**
   * The server module's README: its metrics block runs in the server's own MetricsOnTheServerTest,
   * its servlet block in checks/servlet-consumer, its Spring Boot block in the examples' Spring Boot
   * application.
   */
  @Test
  void serverReadmeJavaBlocksAreCompiledRegions() {
    Map<String, String> regions = Snippets.regions(Path.of("../servlet-consumer/src/test/java"),
        Path.of("../../examples/src/main/java"), Path.of("../../eden-artifacts-server/src/test/java"));
    List<Snippets.Block> java = Snippets.blocks(Path.of("../../eden-artifacts-server/README.md")).stream()
        .filter(b -> b.language().equals("java"))
        .toList();
    assertThat(java).extracting(Snippets.Block::name).containsExactly("metrics", "servlet", "spring-boot");
    for (Snippets.Block block : java) {
      assertThat(block.text()).as("server README block '%s' against its compiled region", block.name())
          .isEqualTo(regions.get(block.name()));
    }
  }

  /**
   * The client README: every Java block is a region of the client's own tests, which run it against
   * the real server ({@code ReadmeExampleTest}, {@code StoreClientRangeTest}).
   */
  @Test
  void clientReadmeJavaBlocksAreCompiledRegions() {
    Map<String, String> regions = Snippets.regions(Path.of("../../eden-artifacts-client/src/test/java"));
    List<Snippets.Block> java = Snippets.blocks(Path.of("../../eden-artifacts-client/README.md")).stream()
        .filter(b -> b.language().equals("java") || b.name() != null)
        .toList();
    assertThat(java).extracting(Snippets.Block::name).containsExactly("worker", "head-and-tail");
    for (Snippets.Block block : java) {
      assertThat(block.text()).as("client README block '%s' against its compiled region", block.name())
          .isEqualTo(regions.get(block.name()));
    }
  }

  /**
   * The testkit README: every Java block is a region of the testkit's own tests (which run there)
   * or of {@link FaultyBackendSnippetTest}.
   */
  @Test
  void testkitReadmeJavaBlocksAreCompiledRegions() {
    Map<String, String> regions = Snippets.regions(Path.of("../../eden-artifacts-testkit/src/test/java"),
        Path.of("src/test/java/dev/eden/artifacts/checks/readme/FaultyBackendSnippetTest.java"));
    List<Snippets.Block> java = Snippets.blocks(Path.of("../../eden-artifacts-testkit/README.md")).stream()
        .filter(b -> b.language().equals("java"))
        .toList();
    assertThat(java).extracting(Snippets.Block::name)
        .containsExactly("backend-contract", "backend-properties", "store-contract", "faulty-backend");
    for (Snippets.Block block : java) {
      assertThat(block.text()).as("testkit README block '%s' against its compiled region", block.name())
          .isEqualTo(regions.get(block.name()));
    }
  }

  @Test
  void dependencyBlocksNameExactlyThisModulesDependenciesAtThisBuildsVersions() {
    Set<String> named = new TreeSet<>();
    for (Snippets.Block block : Snippets.blocks(README)) {
      if (!block.language().equals("xml")) {
        continue;
      }
      Matcher m = DEPENDENCY.matcher(block.text());
      while (m.find()) {
        String groupId = element(m.group(1), "groupId");
        assertThat(element(m.group(1), "version")).as("version of %s in the README", m.group(1))
            .isEqualTo(System.getProperty("readme.version." + groupId));
        String scope = element(m.group(1), "scope");
        if (!"import".equals(scope)) {
          named.add(groupId + ":" + element(m.group(1), "artifactId") + (scope == null ? "" : ":" + scope));
        }
      }
    }
    Set<String> declared = new TreeSet<>();
    Matcher m = DEPENDENCY.matcher(Snippets.read(Path.of("pom.xml")));
    while (m.find()) {
      String scope = element(m.group(1), "scope");
      String coordinates = element(m.group(1), "groupId") + ":" + element(m.group(1), "artifactId");
      if (scope == null) {
        declared.add(coordinates);
      } else if (named.contains(coordinates + ":" + scope)) {
        declared.add(coordinates + ":" + scope);
      }
    }
    assertThat(named).isEqualTo(declared);
  }

  @Test
  void clientSnippetDepositsAndFetchesBack() throws Exception {
    ExperimentId experiment = ExperimentId.mint();
    String workerId = Principal.mintWorkerId();
    try (JettyArtifactServer server = JettyArtifactServer.builder()
        .service(ArtifactService.builder()
            .backend(new InMemoryArtifactBackend())
            .store(new InMemoryArtifactStore())
            .build())
        .authenticator(InMemoryAuthenticator.builder().worker(workerId, "secret").build())
        .servedExperiments(experiment)
        .port(0)
        .build()
        .start()) {
      String baseUrl = server.baseUri().toString();
      String experimentId = experiment.toString();
      String bearer = workerId + ":secret";
      Path plan = Files.writeString(dir.resolve("plan.md"), "# plan\n");
      Path copy = dir.resolve("copy.md");

      // snippet: client
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

      assertThat(copy).hasSameBinaryContentAs(plan);
    }
  }

  /**
   * The embed snippet's {@code main} in its own JVM, on this module's classpath (the README's
   * dependencies): it serves a worker's deposit and fetch, and SIGTERM ends it.
   */
  @Test
  void embedSnippetServesUntilTheJvmIsAskedToStop() throws Exception {
    ExperimentId experiment = ExperimentId.mint();
    String workerId = Principal.mintWorkerId();
    List<String> command = List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        EmbeddedServer.class.getName(), dir.resolve("data").toString(), experiment.toString(), "0");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("EDEN_ADMIN_TOKEN", "admin-token-of-the-snippet");
    builder.environment().put("EDEN_WORKER_ID", workerId);
    builder.environment().put("EDEN_WORKER_SECRET", "worker-secret");
    Process process = builder.start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      List<String> seen = new ArrayList<>();
      String baseUrl = CompletableFuture.supplyAsync(() -> {
        for (String line; (line = readLine(out)) != null; ) {
          seen.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            return m.group(1);
          }
        }
        return null;
      }).get(60, TimeUnit.SECONDS);
      assertThat(baseUrl).as("the snippet's output:%n%s", String.join("\n", seen)).isNotNull();

      Path plan = Files.writeString(dir.resolve("plan.md"), "# plan\n");
      try (StoreClient client = StoreClient.builder()
          .baseUrl(baseUrl).experimentId(experiment).bearer(workerId + ":worker-secret").build()) {
        DepositReceipt receipt = client.depositArtifact(plan);
        assertThat(client.fetchArtifactBytes(receipt.uri(), 1024)).isEqualTo(Files.readAllBytes(plan));
      }
      assertThat(dir.resolve("data/metadata.db")).isRegularFile();
      assertThat(process.isAlive()).as("blocks on the server").isTrue();

      process.destroy(); // SIGTERM: stopAtShutdown stops the server, join() returns
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
    } finally {
      process.destroyForcibly();
    }
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static String element(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">\\s*([^<]*?)\\s*</" + name + ">").matcher(xml);
    return m.find() ? m.group(1) : null;
  }
}
