package dev.eden.artifacts.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deposit hashes the bytes it sends and compares the 201's {@code X-Eden-Artifact-Sha256}; a
 * {@code byte[]} deposit sends its digest as the file part's {@code Content-Digest}.
 */
class StoreClientDepositDigestTest extends MockServerSupport {
  private static final String BODY = "the artifact's bytes";
  private static final String RIGHT = StoreClientDigestTest.sha256(BODY);
  private static final String WRONG = StoreClientDigestTest.sha256("other bytes");
  private static final String URI = "eden://artifacts/0123456789abcdef0123456789abcdef";

  @TempDir
  Path temp;

  private static MockResponse receiptWith(String sha256) {
    MockResponse receipt = receipt(URI, BODY.length(), "text/plain");
    return sha256 == null ? receipt
        : receipt.newBuilder().setHeader("X-Eden-Artifact-Sha256", sha256).build();
  }

  /** The three ways to deposit the same bytes. */
  private List<ThrowingDeposit> deposits() throws Exception {
    Path file = Files.writeString(temp.resolve("plan.txt"), BODY);
    return List.of(
        client -> client.depositArtifact(BODY.getBytes(UTF_8), "plan.txt", "text/plain"),
        client -> client.depositArtifact(file, "plan.txt", "text/plain"),
        client -> client.depositArtifact(new ByteArrayInputStream(BODY.getBytes(UTF_8)),
            "plan.txt", "text/plain"));
  }

  interface ThrowingDeposit {
    DepositReceipt run(StoreClient client) throws Exception;
  }

  @Test
  void bytesDepositSendsTheirDigestAsThePartsContentDigest() throws Exception {
    server.enqueue(receiptWith(RIGHT));
    try (StoreClient client = clientBuilder().build()) {
      client.depositArtifact(BODY.getBytes(UTF_8), "plan \"1\".txt", "text/plain");
    }
    List<Part> parts = parts(server.takeRequest());
    assertThat(parts).hasSize(1);
    String expected = "sha-256=:"
        + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(RIGHT)) + ":";
    assertThat(parts.get(0).headers().values("Content-Digest")).containsExactly(expected);
    assertThat(parts.get(0).headers().get("Content-Disposition"))
        .as("OkHttp's own escaping of the filename kept")
        .isEqualTo("form-data; name=\"file\"; filename=\"plan %221%22.txt\"");
    assertThat(new String(parts.get(0).body(), UTF_8)).isEqualTo(BODY);
  }

  @Test
  void fileAndStreamDepositsSendNoContentDigest() throws Exception {
    List<ThrowingDeposit> deposits = deposits();
    for (ThrowingDeposit deposit : deposits.subList(1, 3)) {
      server.enqueue(receiptWith(RIGHT));
      try (StoreClient client = clientBuilder().build()) {
        deposit.run(client);
      }
      assertThat(parts(server.takeRequest()).get(0).headers().get("Content-Digest")).isNull();
    }
  }

  @Test
  void withVerificationOffNoContentDigestIsSentAndNothingIsCompared() throws Exception {
    for (ThrowingDeposit deposit : deposits()) {
      server.enqueue(receiptWith(WRONG));
      try (StoreClient client = clientBuilder().verifyDigests(false).build()) {
        assertThat(deposit.run(client).uri()).isEqualTo(URI);
      }
      assertThat(parts(server.takeRequest()).get(0).headers().get("Content-Digest")).isNull();
    }
  }

  @Test
  void receiptRecordingOtherBytesIsADigestMismatchForEveryKindOfDeposit() throws Exception {
    for (ThrowingDeposit deposit : deposits()) {
      server.enqueue(receiptWith(WRONG));
      Throwable thrown;
      try (StoreClient client = clientBuilder().build()) {
        thrown = catchThrowable(() -> deposit.run(client));
      }
      assertThat(thrown).isInstanceOf(ArtifactDigestMismatchException.class)
          .hasMessage("deposit digest mismatch: server recorded sha256 " + WRONG
              + " but the bytes sent hash to " + RIGHT);
      assertThat(((ArtifactDigestMismatchException) thrown).expectedSha256()).isEqualTo(WRONG);
      assertThat(((ArtifactDigestMismatchException) thrown).actualSha256()).isEqualTo(RIGHT);
    }
  }

  @Test
  void receiptWithTheRightDigestOrNoneIsAccepted() throws Exception {
    for (String recorded : new String[] {RIGHT, null, "not-a-digest"}) {
      for (ThrowingDeposit deposit : deposits()) {
        server.enqueue(receiptWith(recorded));
        try (StoreClient client = clientBuilder().build()) {
          assertThat(deposit.run(client).uri()).isEqualTo(URI);
        }
      }
    }
  }

  @Test
  void mismatchIsRetriedOnceWhenTheDepositPolicyAllowsRetries() throws Exception {
    server.enqueue(receiptWith(WRONG));
    server.enqueue(receiptWith(RIGHT));
    try (StoreClient client = clientBuilder().depositRetryPolicy(fastRetries(3)).build()) {
      assertThat(client.depositArtifact(BODY.getBytes(UTF_8), "plan.txt", "text/plain").uri())
          .isEqualTo(URI);
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
  }
}
