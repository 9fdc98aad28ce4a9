package dev.eden.artifacts.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fetchArtifact(uri, Path)} through a {@link FaultInjectingProxy} that cuts a 256 MiB
 * download at about 50 % and again at about 90 %: against this project's server it resumes
 * ({@code Range} + {@code If-Range}) and transfers little more than the artifact; against a server
 * without ranges it starts over each time. Either way the file verifies. The artifact lives on
 * disk only; the client reads and writes it in 64 KiB chunks. The size can be changed with
 * {@code -Deden.resume.bytes=N}.
 */
class StoreClientResumeTest {
  private static final long SIZE = Long.getLong("eden.resume.bytes", 256L << 20);
  private static final long FIRST_CUT = SIZE / 2;
  private static final long SECOND_CUT = SIZE * 9 / 10;
  private static final long SLACK = 2L << 20;

  @TempDir
  static Path shared;
  static GeneratedArtifact artifact;

  @TempDir
  Path temp;

  @BeforeAll
  static void generate() throws Exception {
    artifact = GeneratedArtifact.write(shared.resolve("artifact.bin"), SIZE, 12);
  }

  private static RetryPolicy fastRetries() {
    return RetryPolicy.builder().maxAttempts(4).initialBackoff(Duration.ofMillis(10))
        .maxBackoff(Duration.ofMillis(40)).build();
  }

  @Test
  void cutTwiceTheDownloadResumesWhereItBrokeAndVerifies() throws Exception {
    Path blobs = Files.createDirectories(temp.resolve("blobs"));
    Path target = temp.resolve("copy.bin");
    try (LocalServer local = new LocalServer(blobs, SIZE + 1);
        FaultInjectingProxy proxy = new FaultInjectingProxy(local.baseUrl())
            .cutResponseAfter(0, FIRST_CUT)
            .cutResponseAfter(1, SECOND_CUT - FIRST_CUT)) {
      String uri;
      try (StoreClient direct = local.client(LocalServer.bearerA())) {
        DepositReceipt receipt = direct.depositArtifact(artifact.file(), "artifact.bin",
            "application/octet-stream");
        uri = receipt.uri();
      }
      long start = System.nanoTime();
      FetchedFile fetched;
      try (StoreClient client = StoreClient.builder().baseUrl(proxy.baseUrl())
          .experimentId(local.experiment).bearer(LocalServer.bearerA())
          .fetchRetryPolicy(fastRetries()).build()) {
        fetched = client.fetchArtifact(uri, target);
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("[resume] %d bytes, cut at %d and %d: %d connections, %d body bytes"
              + " forwarded (%+d over the size), %d ms%n", SIZE, FIRST_CUT, SECOND_CUT,
          proxy.connections(), proxy.responseBodyBytes(), proxy.responseBodyBytes() - SIZE, millis);

      assertThat(proxy.connections()).as("two cut attempts and one that finished").isEqualTo(3);
      assertThat(proxy.responseBodyBytes()).as("resumed, not started over")
          .isGreaterThanOrEqualTo(SIZE)
          .isLessThanOrEqualTo(SIZE + SLACK);
      assertThat(fetched.sizeBytes()).isEqualTo(SIZE);
      assertThat(fetched.sha256()).contains(artifact.sha256());
      assertThat(GeneratedArtifact.sha256Of(target)).isEqualTo(artifact.sha256());
      assertThat(names(temp)).containsExactlyInAnyOrder("blobs", "copy.bin");
    }
  }

  @Test
  void cutTwiceWithoutRangeSupportTheDownloadStartsOverAndVerifies() throws Exception {
    Path target = temp.resolve("copy.bin");
    try (PlainFileServer plain = new PlainFileServer(artifact);
        FaultInjectingProxy proxy = new FaultInjectingProxy(plain.baseUrl())
            .cutResponseAfter(0, FIRST_CUT)
            .cutResponseAfter(1, SECOND_CUT)) {
      FetchedFile fetched;
      try (StoreClient client = StoreClient.builder().baseUrl(proxy.baseUrl())
          .experimentId(MockServerSupport.EXPERIMENT).bearer(MockServerSupport.BEARER)
          .fetchRetryPolicy(fastRetries()).build()) {
        fetched = client.fetchArtifact("eden://artifacts/0123456789abcdef0123456789abcdef", target);
      }
      System.out.printf("[restart] %d bytes, cut at %d and %d: %d connections, %d body bytes"
          + " forwarded%n", SIZE, FIRST_CUT, SECOND_CUT, proxy.connections(),
          proxy.responseBodyBytes());

      assertThat(plain.ranges).as("nothing to resume without a validator: no Range sent")
          .containsExactly("", "", "");
      assertThat(proxy.responseBodyBytes()).as("started over twice")
          .isEqualTo(FIRST_CUT + SECOND_CUT + SIZE);
      assertThat(fetched.sha256()).contains(artifact.sha256());
      assertThat(GeneratedArtifact.sha256Of(target)).isEqualTo(artifact.sha256());
      assertThat(names(temp)).containsExactly("copy.bin");
    }
  }

  private static List<String> names(Path directory) throws Exception {
    try (Stream<Path> listing = Files.list(directory)) {
      return listing.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
