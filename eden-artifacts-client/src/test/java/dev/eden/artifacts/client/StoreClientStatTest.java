package dev.eden.artifacts.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eden.artifacts.ArtifactNotFoundException;
import dev.eden.artifacts.ForbiddenException;
import dev.eden.artifacts.UnauthorizedException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StoreClient#statArtifact(String)} against this project's server, which answers
 * {@code HEAD}: the facts come from one {@code HEAD}, and a refusal is asked again with a
 * {@code GET} for its problem type. (The fallback for servers without {@code HEAD} runs in
 * {@link PythonContractServerTest}.) The methods sent are recorded by an application interceptor
 * on the caller's own {@link OkHttpClient}.
 */
class StoreClientStatTest {
  @TempDir
  static java.nio.file.Path blobs;

  private static LocalServer local;
  private static final List<String> methods = new CopyOnWriteArrayList<>();
  private static OkHttpClient http;

  @BeforeAll
  static void start() throws Exception {
    local = new LocalServer(blobs, 1024 * 1024);
    http = new OkHttpClient.Builder()
        .addInterceptor(chain -> {
          methods.add(chain.request().method());
          return chain.proceed(chain.request());
        })
        .build();
  }

  @AfterAll
  static void stop() {
    local.close();
  }

  @BeforeEach
  void clearMethods() {
    methods.clear();
  }

  private static StoreClient client(String bearer) {
    return StoreClient.builder().baseUrl(local.baseUrl()).experimentId(local.experiment)
        .bearer(bearer).okHttpClient(http).build();
  }

  @Test
  void statReadsEveryFactFromOneHead() throws Exception {
    byte[] bytes = "a log line\n".repeat(1000).getBytes(UTF_8);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    try (StoreClient alice = client(LocalServer.bearerA())) {
      Instant before = Instant.now().minusSeconds(1);
      DepositReceipt receipt = alice.depositArtifact(bytes, "run.log", "text/plain; charset=utf-8");
      Instant after = Instant.now().plusSeconds(1);
      methods.clear();

      ArtifactInfo info = alice.statArtifact(receipt.uri());

      assertThat(methods).containsExactly("HEAD");
      assertThat(info.uri()).isEqualTo(receipt.uri());
      assertThat(info.sizeBytes()).isEqualTo(bytes.length);
      assertThat(info.contentType()).isEqualTo("text/plain; charset=utf-8");
      assertThat(info.createdBy()).contains(LocalServer.WORKER_A);
      assertThat(info.createdAt()).hasValueSatisfying(t -> assertThat(t).isBetween(before, after));
      assertThat(info.sha256()).contains(sha256);
    }
  }

  @Test
  void statOfAnEmptyArtifactHasSizeZero() throws Exception {
    try (StoreClient alice = client(LocalServer.bearerA())) {
      String uri = alice.depositArtifact(new byte[0], "empty", "application/octet-stream").uri();
      ArtifactInfo info = alice.statArtifact(uri);
      assertThat(info.sizeBytes()).isZero();
      assertThat(info.sha256())
          .contains("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
  }

  @Test
  void statOfUnknownUriIsNotFoundFromTheGetsProblemType() {
    try (StoreClient alice = client(LocalServer.bearerA())) {
      Throwable thrown = catchThrowable(() -> alice.statArtifact(
          "eden://artifacts/00000000000000000000000000000000"));
      assertThat(thrown).isExactlyInstanceOf(ArtifactNotFoundException.class);
      assertThat(methods).containsExactly("HEAD", "GET");
    }
  }

  @Test
  void statOfAnotherWorkersArtifactIsForbidden() throws Exception {
    try (StoreClient alice = client(LocalServer.bearerA());
        StoreClient bob = client(LocalServer.bearerB())) {
      String uri = alice.depositArtifact(new byte[] {1, 2, 3}, "x.bin", "application/x-x").uri();
      assertThat(catchThrowable(() -> bob.statArtifact(uri)))
          .isExactlyInstanceOf(ForbiddenException.class);
    }
  }

  @Test
  void statWithAWrongSecretIsUnauthorizedAndNeverNamesTheSecret() {
    try (StoreClient wrong = client(LocalServer.WORKER_A + ":not-the-secret")) {
      Throwable thrown = catchThrowable(() -> wrong.statArtifact(
          "eden://artifacts/00000000000000000000000000000000"));
      assertThat(thrown).isExactlyInstanceOf(UnauthorizedException.class);
      assertThat(thrown.toString()).doesNotContain("not-the-secret");
    }
  }

  @Test
  void infoRefusesASizeBelowUnknown() {
    assertThat(catchThrowable(() -> new ArtifactInfo("u", -2, "a/b", Optional.empty(),
        Optional.empty(), Optional.empty())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
  }
}
