package dev.eden.artifacts.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.FetchedArtifact;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.client.StoreClient;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the worker example against the reference server on embedded Jetty, on a real socket. */
class WorkerExampleTest {
  static final Pattern URI = Pattern.compile("eden://artifacts/[0-9a-f]{32}");

  final String workerId = Principal.mintWorkerId();
  final String bearer = workerId + ":worker-secret";
  final ExperimentId experiment = ExperimentId.mint();
  @TempDir Path dir;
  JdbiArtifactStore store;
  ArtifactService service;
  JettyArtifactServer server;

  @BeforeEach
  void start() throws IOException {
    store = JdbiArtifactStore.sqlite(dir.resolve("server/artifacts.db"));
    service = ArtifactService.builder()
        .backend(new FileArtifactBackend(dir.resolve("server/blobs")))
        .store(store)
        .build();
    server = JettyArtifactServer.builder()
        .service(service)
        .authenticator(InMemoryAuthenticator.builder().worker(workerId, "worker-secret").build())
        .servedExperiments(experiment)
        .port(0)
        .build()
        .start();
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  @Test
  void workerDepositsLogAndBundleAndTheServerHoldsExactlyThoseBytes() throws IOException {
    Path workDir = Files.createDirectories(dir.resolve("worker"));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    WorkerExample.Deposited deposited;
    try (StoreClient client = StoreClient.builder()
        .baseUrl(server.baseUri().toString()).experimentId(experiment).bearer(bearer).build()) {
      deposited = WorkerExample.run(client, workDir, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(output).contains(deposited.log().uri(), deposited.bundle().uri())
        .contains("verified: both artifacts came back byte for byte");
    assertThat(deposited.log().uri()).isNotEqualTo(deposited.bundle().uri());

    // What the server stored, read in-process: attributed to the worker, bytes as written.
    byte[] log = Files.readAllBytes(workDir.resolve("run.log"));
    assertThat(new String(log, StandardCharsets.UTF_8)).contains("evaluator finished");
    ArtifactMetadata logMeta = readAsAdmin(deposited.log().uri(), log);
    assertThat(logMeta.contentType()).isEqualTo("text/plain");
    assertThat(logMeta.createdBy()).isEqualTo(Principal.worker(workerId));
    ArtifactMetadata bundleMeta = readAsAdmin(deposited.bundle().uri(),
        Files.readAllBytes(workDir.resolve("run.log.gz")));
    assertThat(bundleMeta.contentType()).isEqualTo("application/gzip");
    assertThat(bundleMeta.filename()).isEqualTo("run.log.gz");
    try (FetchedArtifact bundle = service.open(experiment, Principal.admin(), deposited.bundle().uri());
        InputStream unzipped = new GZIPInputStream(bundle.content())) {
      assertThat(unzipped.readAllBytes()).isEqualTo(log);
    }
  }

  @Test
  void mainTakesBaseUrlExperimentAndBearerAsArguments() throws IOException {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      WorkerExample.main(new String[] {server.baseUri().toString(), experiment.value(), bearer});
    } finally {
      System.setOut(original);
    }
    String output = printed.toString(StandardCharsets.UTF_8);
    Matcher uris = URI.matcher(output);
    List<String> found = uris.results().map(m -> m.group()).toList();
    assertThat(found).hasSize(2).doesNotHaveDuplicates();
    for (String uri : found) {
      try (FetchedArtifact artifact = service.open(experiment, Principal.admin(), uri)) {
        assertThat(artifact.metadata().createdBy()).isEqualTo(Principal.worker(workerId));
      }
    }
    assertThat(output).contains("verified");
  }

  private ArtifactMetadata readAsAdmin(String uri, byte[] expected) throws IOException {
    try (FetchedArtifact artifact = service.open(experiment, Principal.admin(), uri)) {
      assertThat(artifact.content().readAllBytes()).isEqualTo(expected);
      return artifact.metadata();
    }
  }
}
