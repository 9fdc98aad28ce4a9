package dev.eden.artifacts.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eden.artifacts.ArtifactNotFoundException;
import dev.eden.artifacts.ExperimentIdMismatchException;
import dev.eden.artifacts.ForbiddenException;
import dev.eden.artifacts.PayloadTooLargeException;
import dev.eden.artifacts.UnauthorizedException;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a server written in Python from the wire contract alone
 * ({@code src/test/python/contract_server.py}), which mints URIs of another scheme full of
 * characters that need percent-encoding. Needs {@code python3} on the PATH; fails without it.
 */
class PythonContractServerTest {
  private static final String EXPERIMENT = "exp_0123456789abcdefghjkmnpqrs";
  private static final String OTHER_EXPERIMENT = "exp_zzzzzzzzzzzzzzzzzzzzzzzzzz";
  private static final String ALICE = "wkr_aaaaaaaaaaaaaaaaaaaaaaaaaa:alice-secret";
  private static final String BOB = "wkr_bbbbbbbbbbbbbbbbbbbbbbbbbb:bob-secret";
  private static final String ADMIN = "admin:admin-secret";
  private static final int MAX_BYTES = 1024 * 1024;

  private static Process python;
  private static String baseUrl;

  @TempDir
  Path temp;

  @BeforeAll
  static void startPythonServer() throws Exception {
    Path script = Path.of(System.getProperty("basedir", "."), "src/test/python/contract_server.py");
    python = new ProcessBuilder("python3", script.toString(), "--experiment", EXPERIMENT,
        "--worker", ALICE, "--worker", BOB, "--admin", "admin-secret",
        "--max-bytes", Integer.toString(MAX_BYTES))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), UTF_8));
    String line = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).get(20, TimeUnit.SECONDS);
    Matcher matcher = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)")
        .matcher(String.valueOf(line));
    assertThat(matcher.find()).as("python server said: %s", line).isTrue();
    baseUrl = matcher.group(1);
  }

  @AfterAll
  static void stopPythonServer() throws Exception {
    if (python != null) {
      python.destroy();
      if (!python.waitFor(5, TimeUnit.SECONDS)) {
        python.destroyForcibly();
      }
    }
  }

  private static StoreClient client(String bearer) {
    return client(bearer, EXPERIMENT);
  }

  private static StoreClient client(String bearer, String experiment) {
    return StoreClient.builder().baseUrl(baseUrl).experimentId(experiment).bearer(bearer).build();
  }

  @Test
  void bytesRoundTripWithAnOpaqueUriOfAnotherScheme() throws Exception {
    byte[] bytes = new byte[200_000];
    new Random(11).nextBytes(bytes);
    try (StoreClient alice = client(ALICE)) {
      DepositReceipt receipt = alice.depositArtifact(bytes, "blob.bin", "application/x-custom");
      assertThat(receipt.uri()).startsWith("urn:pystore:").contains("&", "#", "+", "%41", " ", "ü");
      assertThat(receipt.sizeBytes()).isEqualTo(bytes.length);
      assertThat(receipt.contentType()).isEqualTo("application/x-custom");
      try (ArtifactInputStream in = alice.openArtifact(receipt.uri())) {
        assertThat(in.contentType()).isEqualTo("application/x-custom");
        assertThat(in.contentLength()).isEqualTo(bytes.length);
        assertThat(in.readAllBytes()).isEqualTo(bytes);
      }
    }
  }

  @Test
  void chunkedStreamDepositFetchedToAFile() throws Exception {
    byte[] bytes = "line one\nline two\n".repeat(5000).getBytes(UTF_8);
    Path target = temp.resolve("log.txt");
    try (StoreClient alice = client(ALICE)) {
      DepositReceipt receipt = alice.depositArtifact(new ByteArrayInputStream(bytes), "run.log",
          "text/plain; charset=utf-8");
      assertThat(receipt.contentType()).isEqualTo("text/plain; charset=utf-8");
      FetchedFile fetched = alice.fetchArtifact(receipt.uri(), target);
      assertThat(fetched.sizeBytes()).isEqualTo(bytes.length);
      assertThat(fetched.contentType()).isEqualTo("text/plain; charset=utf-8");
    }
    assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
  }

  @Test
  void pathDepositIsFetchableByTheAdminButForbiddenToAnotherWorker() throws Exception {
    Path file = Files.writeString(temp.resolve("plan.txt"), "the plan");
    try (StoreClient alice = client(ALICE); StoreClient bob = client(BOB);
        StoreClient admin = client(ADMIN)) {
      DepositReceipt receipt = alice.depositArtifact(file);
      assertThat(receipt.contentType()).isEqualTo("text/plain");
      assertThat(admin.fetchArtifactBytes(receipt.uri(), 100)).isEqualTo("the plan".getBytes(UTF_8));
      Throwable thrown = catchThrowable(() -> bob.fetchArtifactBytes(receipt.uri(), 100));
      assertThat(thrown).isInstanceOf(ForbiddenException.class)
          .hasMessage("only the depositor or an admin may fetch this artifact");
      assertThat(((ForbiddenException) thrown).remoteProblem().orElseThrow().instance())
          .startsWith("/v0/experiments/" + EXPERIMENT + "/artifacts?uri=urn%3Apystore%3A");
    }
  }

  @Test
  void statFallsBackToGetOnAServerWithoutHead() throws Exception {
    // Python's http.server answers 501 to a method without a do_ handler, as this server has no HEAD.
    byte[] bytes = new byte[900_000];
    new Random(5).nextBytes(bytes);
    try (StoreClient alice = client(ALICE)) {
      DepositReceipt receipt = alice.depositArtifact(bytes, "big.bin", "application/x-big");
      ArtifactInfo info = alice.statArtifact(receipt.uri());
      assertThat(info.uri()).isEqualTo(receipt.uri());
      assertThat(info.sizeBytes()).isEqualTo(bytes.length);
      assertThat(info.contentType()).isEqualTo("application/x-big");
      // Extras this server does not announce stay empty rather than guessed.
      assertThat(info.createdBy()).isEmpty();
      assertThat(info.createdAt()).isEmpty();
      assertThat(info.sha256()).isEmpty();
      assertThat(catchThrowable(() -> alice.statArtifact("eden://artifacts/" + "0".repeat(32))))
          .isInstanceOf(ArtifactNotFoundException.class).hasMessage("unknown artifact");
    }
  }

  @Test
  void unknownUriIsNotFound() {
    try (StoreClient alice = client(ALICE)) {
      assertThat(catchThrowable(() -> alice.fetchArtifactBytes(
          "eden://artifacts/00000000000000000000000000000000", 10)))
          .isInstanceOf(ArtifactNotFoundException.class).hasMessage("unknown artifact");
    }
  }

  @Test
  void wrongSecretIsUnauthorized() {
    try (StoreClient impostor = client("wkr_aaaaaaaaaaaaaaaaaaaaaaaaaa:guess")) {
      assertThat(catchThrowable(() -> impostor.depositArtifact(new byte[1], "a", "text/plain")))
          .isInstanceOf(UnauthorizedException.class).hasMessage("invalid bearer");
    }
  }

  @Test
  void experimentNotServedIsAMismatch() {
    try (StoreClient elsewhere = client(ALICE, OTHER_EXPERIMENT)) {
      assertThat(catchThrowable(() -> elsewhere.depositArtifact(new byte[1], "a", "text/plain")))
          .isInstanceOf(ExperimentIdMismatchException.class)
          .hasMessage("experiment not served here");
    }
  }

  @Test
  void overTheCapIsPayloadTooLarge() {
    try (StoreClient alice = client(ALICE)) {
      Throwable thrown = catchThrowable(() ->
          alice.depositArtifact(new byte[MAX_BYTES + 1], "big.bin", "application/octet-stream"));
      assertThat(thrown).isInstanceOf(PayloadTooLargeException.class)
          .hasMessage("artifact exceeds the maximum size of " + MAX_BYTES + " bytes");
      assertThat(((PayloadTooLargeException) thrown).maxBytes()).isEqualTo(-1);
    }
  }
}
