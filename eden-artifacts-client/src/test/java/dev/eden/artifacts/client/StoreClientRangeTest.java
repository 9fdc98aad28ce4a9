package dev.eden.artifacts.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eden.artifacts.BadRequestException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ranged reads ({@code openArtifact(uri, offset[, length])}) byte for byte against this project's
 * server, through a {@link FaultInjectingProxy} that counts what travelled (so a slice is known to
 * have come as a slice), and against a server without ranges (the client skips); and deposits
 * corrupted on the way to the real server.
 */
class StoreClientRangeTest {
  private static final int SIZE = 1 << 20;

  @TempDir
  Path temp;

  private LocalServer local;
  private FaultInjectingProxy proxy;
  private StoreClient client;
  private byte[] bytes;
  private String uri;

  @BeforeEach
  void deposit() throws Exception {
    local = new LocalServer(Files.createDirectories(temp.resolve("blobs")), 4L * SIZE);
    proxy = new FaultInjectingProxy(local.baseUrl());
    GeneratedArtifact artifact = GeneratedArtifact.write(temp.resolve("artifact.bin"), SIZE, 7);
    bytes = Files.readAllBytes(artifact.file());
    try (StoreClient direct = local.client(LocalServer.bearerA())) {
      uri = direct.depositArtifact(bytes, "artifact.bin", "application/octet-stream").uri();
    }
    // No kept-alive connections: each exchange on a connection of its own, so the proxy's count
    // of body bytes is exact.
    client = StoreClient.builder().baseUrl(proxy.baseUrl()).experimentId(local.experiment)
        .bearer(LocalServer.bearerA())
        .okHttpClient(new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS)).build())
        .build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    proxy.close();
    local.close();
  }

  /** Reads the slice and checks it against the deposited bytes and what the proxy forwarded. */
  private void assertSlice(long offset, long length, int expectedLength) throws Exception {
    long before = proxy.responseBodyBytes();
    byte[] slice;
    try (ArtifactInputStream in = client.openArtifact(uri, offset, length)) {
      assertThat(in.offset()).isEqualTo(offset);
      assertThat(in.contentLength()).isEqualTo(expectedLength);
      assertThat(in.artifactSize()).isEqualTo(SIZE);
      assertThat(in.contentType()).isEqualTo("application/octet-stream");
      slice = in.readAllBytes();
    }
    assertThat(slice).as("bytes %d+%d", offset, length)
        .isEqualTo(Arrays.copyOfRange(bytes, (int) offset, (int) offset + expectedLength));
    assertThat(proxy.responseBodyBytes() - before).as("only the slice travelled")
        .isEqualTo(expectedLength);
  }

  @Test
  void slicesAtTheStartInTheMiddleAndAtTheEndAreByteExact() throws Exception {
    assertSlice(0, 1000, 1000);
    assertSlice(SIZE / 2 - 33, 70_001, 70_001);
    assertSlice(SIZE - 100, 100, 100);
    assertSlice(SIZE - 1, 1, 1);
  }

  @Test
  void sliceReachingPastTheEndIsCutThere() throws Exception {
    assertSlice(SIZE - 10, 100, 10);
    assertSlice(SIZE - 10, Long.MAX_VALUE, 10);
    try (ArtifactInputStream in = client.openArtifact(uri, SIZE - 4096)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, SIZE - 4096, SIZE));
    }
  }

  @Test
  void offsetAtTheEndOpensAnEmptyStreamAndPastTheEndIsRefused() throws Exception {
    try (ArtifactInputStream in = client.openArtifact(uri, SIZE)) {
      assertThat(in.contentLength()).isZero();
      assertThat(in.artifactSize()).isEqualTo(SIZE);
      assertThat(in.read()).isEqualTo(-1);
    }
    Throwable thrown = catchThrowable(() -> client.openArtifact(uri, SIZE + 1, 10));
    assertThat(thrown).isInstanceOf(RangeNotSatisfiableException.class)
        .hasMessage("offset " + (SIZE + 1) + " is past the end of the artifact (" + SIZE
            + " bytes)");
    RangeNotSatisfiableException refused = (RangeNotSatisfiableException) thrown;
    assertThat(refused.status()).isEqualTo(416);
    assertThat(refused.artifactSize()).isEqualTo(SIZE);
    assertThat(refused.offset()).isEqualTo(SIZE + 1);
  }

  @Test
  void sliceCoveringTheWholeArtifactIsVerifiedAndAPartialOneIsNot() throws Exception {
    try (ArtifactInputStream in = client.openArtifact(uri, 0, SIZE)) {
      assertThat(in.sha256()).isPresent();
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
    try (ArtifactInputStream in = client.openArtifact(uri, 1, SIZE)) {
      assertThat(in.sha256()).isEmpty();
      assertThat(in.readAllBytes()).hasSize(SIZE - 1);
    }
  }

  @Test
  void slicesFromAServerWithoutRangesAreTheSame() throws Exception {
    GeneratedArtifact artifact = new GeneratedArtifact(temp.resolve("artifact.bin"), SIZE,
        GeneratedArtifact.sha256Of(temp.resolve("artifact.bin")));
    try (PlainFileServer plain = new PlainFileServer(artifact);
        StoreClient plainClient = StoreClient.builder().baseUrl(plain.baseUrl())
            .experimentId(local.experiment).bearer(LocalServer.bearerA()).build()) {
      long[][] slices = {{0, 1000}, {SIZE / 2 - 33, 70_001}, {SIZE - 100, 100}, {SIZE - 10, 100}};
      for (long[] s : slices) {
        try (ArtifactInputStream in = plainClient.openArtifact("eden://artifacts/x", s[0], s[1])) {
          int expected = (int) Math.min(s[1], SIZE - s[0]);
          assertThat(in.contentLength()).isEqualTo(expected);
          assertThat(in.readAllBytes())
              .isEqualTo(Arrays.copyOfRange(bytes, (int) s[0], (int) s[0] + expected));
        }
      }
      try (ArtifactInputStream in = plainClient.openArtifact("eden://artifacts/x", SIZE)) {
        assertThat(in.read()).isEqualTo(-1);
      }
      assertThatThrownBy(() -> plainClient.openArtifact("eden://artifacts/x", SIZE + 1))
          .isInstanceOf(RangeNotSatisfiableException.class)
          .extracting(e -> ((RangeNotSatisfiableException) e).artifactSize()).isEqualTo((long) SIZE);
      assertThat(plain.ranges).as("the client asked for ranges").allMatch(r -> r.startsWith("bytes="));
    }
  }

  /** The README's ranged-read example. */
  static void headAndTail(StoreClient client, String uri) throws IOException {
    // snippet: head-and-tail
    long size;
    try (ArtifactInputStream head = client.openArtifact(uri, 0, 1024)) {  // bytes 0-1023
      System.out.print(new String(head.readAllBytes(), StandardCharsets.UTF_8));
      size = head.artifactSize();              // the whole artifact's length (-1: not announced)
    }
    try (ArtifactInputStream tail = client.openArtifact(uri, Math.max(0, size - 4096))) {
      tail.transferTo(System.out);             // the last 4 KiB: only they travel
    }
    // end snippet
  }

  @Test
  void readmeExampleReadsTheHeadAndTheTailOfALog() throws Exception {
    StringBuilder log = new StringBuilder();
    for (int i = 0; log.length() < 100_000; i++) {
      log.append("step ").append(i).append(": loss ").append(1.0 / (i + 1)).append('\n');
    }
    byte[] text = log.toString().getBytes(StandardCharsets.UTF_8);
    String logUri;
    try (StoreClient direct = local.client(LocalServer.bearerA())) {
      logUri = direct.depositArtifact(text, "train.log", "text/plain").uri();
    }
    long before = proxy.responseBodyBytes();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      headAndTail(client, logUri);
    } finally {
      System.setOut(original);
    }
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(text, 0, 1024);
    expected.write(text, text.length - 4096, 4096);
    assertThat(printed.toByteArray()).isEqualTo(expected.toByteArray());
    assertThat(proxy.responseBodyBytes() - before).isEqualTo(1024 + 4096);
  }

  @Test
  void fromOffsetZeroToTheEndIsAPlainFetchEvenOfAnEmptyArtifact() throws Exception {
    String emptyUri;
    try (StoreClient direct = local.client(LocalServer.bearerA())) {
      emptyUri = direct.depositArtifact(new byte[0], "empty.log", "text/plain").uri();
    }
    try (ArtifactInputStream in = client.openArtifact(emptyUri, 0)) {
      assertThat(in.contentType()).isEqualTo("text/plain");
      assertThat(in.sha256())
          .contains("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
      assertThat(in.contentLength()).isZero();
      assertThat(in.read()).isEqualTo(-1);
    }
    try (ArtifactInputStream in = client.openArtifact(uri, 0, Long.MAX_VALUE - 1)) {
      assertThat(in.sha256()).as("a length reaching Long.MAX_VALUE is 'to the end'").isPresent();
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
  }

  @Test
  void readmeExampleOnALogShorterThanTheTailReadsItWhole() throws Exception {
    byte[] text = "step 0: loss 1.0\nstep 1: loss 0.5\n".repeat(30).getBytes(StandardCharsets.UTF_8);
    assertThat(text.length).isLessThan(1024);
    String logUri;
    try (StoreClient direct = local.client(LocalServer.bearerA())) {
      logUri = direct.depositArtifact(text, "train.log", "text/plain").uri();
    }
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      headAndTail(client, logUri);
    } finally {
      System.setOut(original);
    }
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(text);
    expected.write(text);
    assertThat(printed.toByteArray()).isEqualTo(expected.toByteArray());
    try (ArtifactInputStream tail = client.openArtifact(logUri, 0)) {
      assertThat(tail.contentType()).isEqualTo("text/plain");
      assertThat(tail.sha256()).isPresent();
    }
  }

  @Test
  void invalidSlicesAreRefusedBeforeAnyRequest() {
    assertThatThrownBy(() -> client.openArtifact(uri, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("offset must not be negative: -1");
    assertThatThrownBy(() -> client.openArtifact(uri, 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("length must be positive: 0");
    assertThat(proxy.connections()).isZero();
  }

  @Test
  void bytesDepositCorruptedOnTheWayIsRefusedByTheServer() throws Exception {
    // One byte flipped in the middle of the part: the Content-Digest the client sent no longer
    // matches what arrives, and the server stores nothing.
    proxy.flipRequestBodyByte(0, SIZE / 2);
    Throwable thrown = catchThrowable(
        () -> client.depositArtifact(bytes, "artifact.bin", "application/octet-stream"));
    assertThat(thrown).isInstanceOf(BadRequestException.class);
    assertThat(((BadRequestException) thrown).typeUri()).isEqualTo("eden://error/bad-request");
  }

  @Test
  void fileDepositCorruptedOnTheWayIsCaughtByTheReceiptsDigest() throws Exception {
    // A Path deposit sends no Content-Digest: the server stores what arrived, and its 201 names
    // a digest other than that of the bytes sent.
    proxy.flipRequestBodyByte(0, SIZE / 2);
    Throwable thrown = catchThrowable(() -> client.depositArtifact(temp.resolve("artifact.bin"),
        "artifact.bin", "application/octet-stream"));
    assertThat(thrown).isInstanceOf(ArtifactDigestMismatchException.class)
        .hasMessageStartingWith("deposit digest mismatch: server recorded sha256 ");
    assertThat(((ArtifactDigestMismatchException) thrown).actualSha256())
        .isEqualTo(GeneratedArtifact.sha256Of(temp.resolve("artifact.bin")));
  }
}
