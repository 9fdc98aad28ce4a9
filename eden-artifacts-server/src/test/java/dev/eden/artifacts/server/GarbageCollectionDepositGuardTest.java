package dev.eden.artifacts.server;

import static dev.eden.artifacts.server.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.maintenance.GarbageCollector;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.PageRequest;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deposit guard that makes garbage collection safe beside live deposits, end to end through the
 * reference server: a deposit whose metadata row commits {@link GarbageCollector#DEPOSIT_ROW_DEADLINE} or
 * more after its blob commit started — long enough for a collection with the shortest grace to
 * have taken its bytes for an orphan — answers a 500 problem and leaves neither row nor blob; one
 * whose row commits a millisecond sooner is a 201 like any other. The delay is a test clock that
 * the metadata store moves on while it records the row.
 */
class GarbageCollectionDepositGuardTest {
  private static final String WORKER = Principal.mintWorkerId();
  private static final String SECRET = "guard-secret";

  @TempDir Path dir;

  private final ExperimentId experiment = ExperimentId.mint();
  private final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final InMemoryArtifactStore rows = new InMemoryArtifactStore();
  private final List<ArtifactId> rowsRecorded = new CopyOnWriteArrayList<>();
  private final OkHttpClient http = WireBodies.checkedClientBuilder().retryOnConnectionFailure(false).build();
  private JettyArtifactServer server;

  @AfterEach
  void stop() {
    http.connectionPool().evictAll();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aRowRecordedAMinimumGraceAfterTheBlobCommitIsA500AndLeavesNeitherRowNorBlob() throws Exception {
    start(GarbageCollector.DEPOSIT_ROW_DEADLINE);

    try (Response r = deposit(new byte[] {1, 2, 3})) {
      assertProblem(r, 500, "eden://error/internal");
    }
    assertThat(rowsRecorded).as("the row was written before the guard looked").hasSize(1);
    ArtifactId id = rowsRecorded.get(0);
    assertThat(rows.contains(id)).as("row of the refused deposit").isFalse();
    assertThat(rows.page(experiment, PageRequest.first(10)).artifacts()).isEmpty();
    assertThat(filesUnder(dir.resolve("blobs"))).as("blobs and temp files").isEmpty();
  }

  @Test
  void aRowRecordedJustInsideTheMinimumGraceIsA201AndStays() throws Exception {
    start(GarbageCollector.DEPOSIT_ROW_DEADLINE.minusMillis(1));
    byte[] bytes = {4, 5, 6, 7};

    String uri;
    try (Response r = deposit(bytes)) {
      String body = r.body().string();
      assertThat(r.code()).as(body).isEqualTo(201);
      uri = ServerFixture.JSON.readTree(body).get("artifacts_uri").asText();
    }
    assertThat(rows.contains(rowsRecorded.get(0))).isTrue();
    try (Response r = fetch(uri)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().bytes()).isEqualTo(bytes);
    }
  }

  /** A server whose store moves the service's clock on by {@code rowDelay} while it records a row. */
  private void start(Duration rowDelay) throws IOException {
    ArtifactStore lateClock = new DelegatingArtifactStore(rows) {
      @Override
      public void create(ArtifactMetadata metadata) throws IOException {
        super.create(metadata);
        rowsRecorded.add(metadata.id());
        clock.advance(rowDelay);
      }
    };
    ArtifactService service = ArtifactService.builder()
        .backend(new FileArtifactBackend(dir.resolve("blobs")))
        .store(lateClock)
        .clock(clock)
        .build();
    server = JettyArtifactServer.builder()
        .service(service)
        .authenticator(InMemoryAuthenticator.builder().worker(WORKER, SECRET).build())
        .servedExperiments(experiment)
        .port(0)
        .build()
        .start();
  }

  private String artifactsUrl() {
    return server.baseUri() + "/v0/experiments/" + experiment + "/artifacts";
  }

  private Response deposit(byte[] bytes) throws IOException {
    return http.newCall(new Request.Builder().url(artifactsUrl())
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", ServerFixture.bearer(WORKER, SECRET))
        .post(ServerFixture.onePart("guarded.bin", "application/octet-stream", bytes))
        .build()).execute();
  }

  private Response fetch(String uri) throws IOException {
    return http.newCall(new Request.Builder()
        .url(artifactsUrl() + "?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8))
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", ServerFixture.bearer(WORKER, SECRET))
        .build()).execute();
  }

  private static List<Path> filesUnder(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A clock that stands still until a test moves it on. Thread-safe. */
  private static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
      this.now = start;
    }

    synchronized void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
