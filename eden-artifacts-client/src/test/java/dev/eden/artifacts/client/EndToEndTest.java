package dev.eden.artifacts.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.ArtifactNotFoundException;
import dev.eden.artifacts.BadRequestException;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.ExperimentIdMismatchException;
import dev.eden.artifacts.ForbiddenException;
import dev.eden.artifacts.PayloadTooLargeException;
import dev.eden.artifacts.ProblemType;
import dev.eden.artifacts.UnauthorizedException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every client method and every error type against this project's server on a real socket. */
class EndToEndTest {
  private static final int CAP = 1024 * 1024;

  @TempDir
  static Path blobs;

  @TempDir
  Path temp;

  private static LocalServer local;
  private static StoreClient alice;

  @BeforeAll
  static void start() throws Exception {
    local = new LocalServer(blobs, CAP);
    alice = local.client(LocalServer.bearerA());
  }

  @AfterAll
  static void stop() {
    alice.close();
    local.close();
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void bytesDepositFetchesBackAsBytesStreamAndFile() throws Exception {
    byte[] bytes = random(300_000, 1);
    DepositReceipt receipt = alice.depositArtifact(bytes, "diff.patch", "text/x-diff");
    assertThat(receipt.uri()).matches("eden://artifacts/[0-9a-f]{32}");
    assertThat(receipt.sizeBytes()).isEqualTo(bytes.length);
    assertThat(receipt.contentType()).isEqualTo("text/x-diff");

    assertThat(alice.fetchArtifactBytes(receipt.uri(), bytes.length)).isEqualTo(bytes);
    try (ArtifactInputStream in = alice.openArtifact(receipt.uri())) {
      assertThat(in.contentType()).isEqualTo("text/x-diff");
      assertThat(in.contentLength()).isEqualTo(bytes.length);
      assertThat(in.sha256()).contains(sha256(bytes));
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
    Path target = temp.resolve("diff.patch");
    FetchedFile fetched = alice.fetchArtifact(receipt.uri(), target);
    assertThat(fetched).isEqualTo(new FetchedFile(target.toAbsolutePath(), bytes.length,
        "text/x-diff", Optional.of(sha256(bytes))));
    assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
  }

  @Test
  void blobCorruptedAtRestIsCaughtByTheDigestAndLeavesNoFile() throws Exception {
    byte[] bytes = random(100_000, 3);
    DepositReceipt receipt = alice.depositArtifact(bytes, "weights.bin", "application/octet-stream");
    String id = receipt.uri().substring("eden://artifacts/".length());
    Path blob = blobs.toRealPath().resolve(id.substring(0, 2)).resolve(id);
    assertThat(blob).isRegularFile();
    byte[] corrupted = bytes.clone();
    corrupted[50_000] ^= 1;
    blob.toFile().setWritable(true);
    Files.write(blob, corrupted);

    Path target = Files.writeString(temp.resolve("weights.bin"), "previous");
    Throwable thrown = catchThrowable(() -> alice.fetchArtifact(receipt.uri(), target));
    assertThat(thrown).isInstanceOf(ArtifactDigestMismatchException.class)
        .hasMessage("artifact digest mismatch: server announced sha256 " + sha256(bytes)
            + " but the bytes received hash to " + sha256(corrupted));
    assertThat(Files.readString(target)).isEqualTo("previous");
    try (var listing = Files.list(temp)) {
      assertThat(listing).containsExactly(target);
    }
    assertThat(catchThrowable(() -> alice.fetchArtifactBytes(receipt.uri(), bytes.length)))
        .isInstanceOf(ArtifactDigestMismatchException.class);
    try (ArtifactInputStream in = alice.openArtifact(receipt.uri())) {
      assertThat(catchThrowable(in::readAllBytes))
          .isInstanceOf(ArtifactDigestMismatchException.class);
    }
  }

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void pathDepositGuessesTheContentType() throws Exception {
    Path file = Files.writeString(temp.resolve("plan.txt"), "step 1, step 2");
    DepositReceipt receipt = alice.depositArtifact(file);
    assertThat(receipt.contentType()).isEqualTo("text/plain");
    assertThat(receipt.sizeBytes()).isEqualTo(14);
    assertThat(alice.fetchArtifactBytes(receipt.uri(), 100)).isEqualTo("step 1, step 2".getBytes(UTF_8));
  }

  @Test
  void streamDepositOfUnknownLength() throws Exception {
    byte[] bytes = random(CAP, 2);
    DepositReceipt receipt = alice.depositArtifact(new ByteArrayInputStream(bytes), "bundle.tar.gz",
        "application/gzip");
    assertThat(receipt.sizeBytes()).isEqualTo(CAP);
    assertThat(alice.fetchArtifactBytes(receipt.uri(), CAP)).isEqualTo(bytes);
  }

  @Test
  void emptyArtifactRoundTrips() throws Exception {
    DepositReceipt receipt = alice.depositArtifact(new byte[0], "empty", "application/octet-stream");
    assertThat(receipt.sizeBytes()).isZero();
    Path target = temp.resolve("empty");
    assertThat(alice.fetchArtifact(receipt.uri(), target).sizeBytes()).isZero();
    assertThat(Files.size(target)).isZero();
  }

  @Test
  void awkwardFilenamesAndContentTypesTravelSafely() throws Exception {
    for (String filename : List.of("plan \"v2\".txt", "line\r\nbreak.txt", "résumé ü.pdf", "../../x")) {
      DepositReceipt receipt = alice.depositArtifact("x".getBytes(UTF_8), filename,
          "application/vnd.eden+json; profile=\"a b\"");
      assertThat(receipt.sizeBytes()).as(filename).isEqualTo(1);
      assertThat(receipt.contentType()).isEqualTo("application/vnd.eden+json; profile=\"a b\"");
      try (ArtifactInputStream in = alice.openArtifact(receipt.uri())) {
        assertThat(in.contentType()).isEqualTo(receipt.contentType());
        assertThat(in.readAllBytes()).isEqualTo("x".getBytes(UTF_8));
      }
    }
  }

  @Test
  void sameBytesTwiceMintTwoUris() throws Exception {
    byte[] bytes = "same".getBytes(UTF_8);
    assertThat(alice.depositArtifact(bytes, "a", "text/plain").uri())
        .isNotEqualTo(alice.depositArtifact(bytes, "a", "text/plain").uri());
  }

  @Test
  void adminAndAdminClassWorkerMayFetchAnotherWorkerMayNot() throws Exception {
    DepositReceipt receipt = alice.depositArtifact("private".getBytes(UTF_8), "p", "text/plain");
    try (StoreClient admin = local.client(LocalServer.bearerAdmin());
        StoreClient adminClass = local.client(LocalServer.bearerAdminClass());
        StoreClient bob = local.client(LocalServer.bearerB())) {
      assertThat(admin.fetchArtifactBytes(receipt.uri(), 10)).isEqualTo("private".getBytes(UTF_8));
      assertThat(adminClass.fetchArtifactBytes(receipt.uri(), 10))
          .isEqualTo("private".getBytes(UTF_8));
      Throwable thrown = catchThrowable(() -> bob.fetchArtifactBytes(receipt.uri(), 10));
      assertThat(thrown).isInstanceOf(ForbiddenException.class);
      assertThat(((ArtifactException) thrown).typeUri()).isEqualTo(ProblemType.FORBIDDEN.uri());
      assertThat(((ArtifactException) thrown).status()).isEqualTo(403);
    }
  }

  @Test
  void unknownOrForeignUrisAreNotFound() {
    for (String uri : List.of("eden://artifacts/00000000000000000000000000000000",
        "eden://artifacts/../../etc/passwd", "s3://bucket/key", "eden://artifacts/ABCDEF")) {
      Throwable thrown = catchThrowable(() -> alice.fetchArtifactBytes(uri, 10));
      assertThat(thrown).as(uri).isInstanceOf(ArtifactNotFoundException.class);
      assertThat(((ArtifactException) thrown).status()).isEqualTo(404);
    }
  }

  @Test
  void artifactOfAnotherExperimentIsNotFoundThere() throws Exception {
    DepositReceipt receipt = alice.depositArtifact("scoped".getBytes(UTF_8), "s", "text/plain");
    try (StoreClient elsewhere = local.client(LocalServer.bearerA(), local.otherServedExperiment)) {
      assertThat(catchThrowable(() -> elsewhere.fetchArtifactBytes(receipt.uri(), 10)))
          .isInstanceOf(ArtifactNotFoundException.class);
    }
  }

  @Test
  void wrongSecretIsUnauthorized() {
    try (StoreClient impostor = local.client(LocalServer.WORKER_A + ":wrong-secret")) {
      Throwable thrown = catchThrowable(() -> impostor.depositArtifact(new byte[1], "a", "text/plain"));
      assertThat(thrown).isInstanceOf(UnauthorizedException.class);
      assertThat(thrown.getMessage()).doesNotContain("wrong-secret");
      assertThat(catchThrowable(() -> impostor.fetchArtifactBytes("eden://artifacts/x", 1)))
          .isInstanceOf(UnauthorizedException.class);
    }
  }

  @Test
  void experimentNotServedIsAMismatch() {
    try (StoreClient elsewhere = local.client(LocalServer.bearerA(), ExperimentId.mint())) {
      assertThat(catchThrowable(() -> elsewhere.depositArtifact(new byte[1], "a", "text/plain")))
          .isInstanceOf(ExperimentIdMismatchException.class);
      assertThat(catchThrowable(() -> elsewhere.fetchArtifactBytes("eden://artifacts/x", 1)))
          .isInstanceOf(ExperimentIdMismatchException.class);
    }
  }

  @Test
  void overTheCapIsPayloadTooLargeFromBytesAndFromAStream() {
    assertThat(catchThrowable(() -> alice.depositArtifact(new byte[CAP + 1], "big", "text/plain")))
        .isInstanceOf(PayloadTooLargeException.class);
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return 'x';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        Arrays.fill(b, off, off + len, (byte) 'x');
        return len;
      }
    };
    // The server must refuse while streaming: an endless body still ends in a 413, not a hang.
    Throwable thrown = catchThrowable(() -> alice.depositArtifact(endless, "endless", "text/plain"));
    assertThat(thrown).isInstanceOf(PayloadTooLargeException.class);
  }

  @Test
  void requestWithoutUriIsABadRequest() throws Exception {
    // A misbehaving proxy drops the query string: the server answers bad-request.
    OkHttpClient stripping = new OkHttpClient.Builder()
        .addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
            .url(chain.request().url().newBuilder().removeAllQueryParameters("uri").build())
            .build()))
        .build();
    try (StoreClient client = StoreClient.builder().baseUrl(local.baseUrl())
        .experimentId(local.experiment).bearer(LocalServer.bearerA()).okHttpClient(stripping)
        .build()) {
      Throwable thrown = catchThrowable(() -> client.fetchArtifactBytes("eden://artifacts/x", 1));
      assertThat(thrown).isInstanceOf(BadRequestException.class);
      assertThat(((ArtifactException) thrown).status()).isEqualTo(400);
    }
  }

  @Test
  void sixteenThreadsDepositAndFetchConcurrently() throws Exception {
    int threads = 16;
    int perThread = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    Set<String> uris = ConcurrentHashMap.newKeySet();
    List<Future<Integer>> results = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          go.await();
          int verified = 0;
          for (int i = 0; i < perThread; i++) {
            byte[] bytes = random(1 + (thread * 7919 + i * 104_729) % 200_000, thread * 100L + i);
            DepositReceipt receipt = (i % 2 == 0)
                ? alice.depositArtifact(bytes, "t" + thread, "application/octet-stream")
                : alice.depositArtifact(new ByteArrayInputStream(bytes), "t" + thread,
                    "application/octet-stream");
            uris.add(receipt.uri());
            assertThat(alice.fetchArtifactBytes(receipt.uri(), bytes.length)).isEqualTo(bytes);
            verified++;
          }
          return verified;
        }));
      }
      go.countDown();
      for (Future<Integer> result : results) {
        assertThat(result.get(120, TimeUnit.SECONDS)).isEqualTo(perThread);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(uris).hasSize(threads * perThread);
  }
}
