package dev.eden.artifacts.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eden.artifacts.ArtifactException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code depositArtifact(Path, …)} of what is not a regular file: a FIFO (what a shell's
 * {@code <(command)} is) streams its bytes with unknown length, never retried; a directory is
 * refused before any request.
 */
class StoreClientPipeDepositTest extends MockServerSupport {
  @TempDir
  Path temp;

  /** A FIFO in {@code temp} that a daemon thread fills with {@code bytes} once it is opened. */
  private Path fifoWith(byte[] bytes) throws Exception {
    Path fifo = temp.resolve("fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfifo.exitValue()).as("mkfifo").isZero();
    Thread writer = new Thread(() -> {
      try (OutputStream out = Files.newOutputStream(fifo)) {
        out.write(bytes);
      } catch (IOException readerGone) {
        // The test fails on what arrived.
      }
    }, "fifo-writer");
    writer.setDaemon(true);
    writer.start();
    return fifo;
  }

  @Test
  void fifoIsDepositedAsAStreamOfUnknownLength() throws Exception {
    byte[] bytes = new byte[100_000];
    new Random(11).nextBytes(bytes);
    Path fifo = fifoWith(bytes);
    server.enqueue(receipt(ARTIFACT_URI, bytes.length, "application/octet-stream"));
    try (StoreClient client = clientBuilder().build()) {
      DepositReceipt receipt = client.depositArtifact(fifo);
      assertThat(receipt.sizeBytes()).isEqualTo(bytes.length);
    }
    RecordedRequest request = server.takeRequest();
    assertThat(request.getHeaders().get("Transfer-Encoding")).isEqualTo("chunked");
    List<Part> parts = parts(request);
    assertThat(parts).hasSize(1);
    assertThat(parts.get(0).headers().get("Content-Disposition"))
        .isEqualTo("form-data; name=\"file\"; filename=\"fifo\"");
    assertThat(parts.get(0).body()).isEqualTo(bytes);
  }

  @Test
  void fifoIsNeverRetriedSinceItCannotBeReadAgain() throws Exception {
    Path fifo = fifoWith("once".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    server.enqueue(problem(503, "about:blank", "Service Unavailable", "busy"));
    server.enqueue(receipt(ARTIFACT_URI, 4, "application/octet-stream"));
    try (StoreClient client = clientBuilder().depositRetryPolicy(fastRetries(3)).build()) {
      Throwable thrown = catchThrowable(() -> client.depositArtifact(fifo, "once.bin",
          "application/octet-stream"));
      assertThat(thrown).isInstanceOf(ArtifactException.class);
      assertThat(((ArtifactException) thrown).status()).isEqualTo(503);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void directoryIsRefusedBeforeAnyRequest() throws Exception {
    Path directory = Files.createDirectory(temp.resolve("logs"));
    try (StoreClient client = clientBuilder().build()) {
      assertThat(catchThrowable(() -> client.depositArtifact(directory)))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("file is a directory: " + directory);
    }
    assertThat(server.getRequestCount()).isZero();
  }
}
