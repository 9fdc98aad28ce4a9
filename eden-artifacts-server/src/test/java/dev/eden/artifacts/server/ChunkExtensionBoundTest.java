package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the embedded Jetty server bounds that the JDK server does not: chunk extensions. Jetty's
 * {@code HttpParser} counts every chunk extension (and trailer) byte of a request against the
 * same budget as its request line and headers ({@code maxRequestHeaderBytes}, 16 KiB here), for
 * the whole request, not per chunk line. Each chunk below carries a 1 KiB extension, far below
 * any per-line bound, so only a per-request total can refuse the second deposit.
 */
class ChunkExtensionBoundTest extends ServerTest {
  static final String BOUNDARY = "ext-boundary";
  static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;
  static final String KIB_EXTENSION = ";ext=" + "e".repeat(1019); // 1 KiB with the ';'

  /** A deposit of {@code chunks} one-byte chunks (after the part head), each with {@code extension}. */
  private RawHttp.Reply depositWithExtensions(int chunks, String extension) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    chunk(body, extension, "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"e.bin\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n");
    for (int i = 0; i < chunks; i++) {
      chunk(body, extension, "x");
    }
    chunk(body, extension, "\r\n--" + BOUNDARY + "--\r\n");
    body.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    try (RawHttp c = new RawHttp(fixture.baseUri(), 20_000)) {
      c.write(RawHttp.depositHead(fixture, ServerFixture.workerA(), TYPE, null));
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          c.write(body.toByteArray());
        } catch (IOException expectedWhenTheServerHangsUp) {
          // the server may answer and close before the whole body is sent
        }
      });
      RawHttp.Reply reply = c.readReply();
      writer.get(10, TimeUnit.SECONDS);
      return reply;
    }
  }

  private static void chunk(ByteArrayOutputStream body, String extension, String data) {
    byte[] bytes = data.getBytes(StandardCharsets.US_ASCII);
    body.writeBytes((Integer.toHexString(bytes.length) + extension + "\r\n").getBytes(StandardCharsets.US_ASCII));
    body.writeBytes(bytes);
    body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void chunkExtensionsWithinTheHeaderBudgetAreAccepted() throws Exception {
    RawHttp.Reply few = depositWithExtensions(4, KIB_EXTENSION); // about 6 KiB of extensions
    assertThat(few.status()).as(few.body()).isEqualTo(201);
    RawHttp.Reply manyTiny = depositWithExtensions(64, ";e"); // the same chunks as below, tiny extensions
    assertThat(manyTiny.status()).as(manyTiny.body()).isEqualTo(201);
  }

  @Test
  void chunkExtensionsBeyondTheHeaderBudgetAreRefusedAndNothingIsStored() throws Exception {
    RawHttp.Reply reply = depositWithExtensions(64, KIB_EXTENSION); // about 66 KiB of extensions for 64 bytes
    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(reply.body()).contains("\"type\":\"eden://error/bad-request\"");
    assertThat(fixture.blobFiles()).isEmpty();
  }
}
