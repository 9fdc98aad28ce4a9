package dev.eden.artifacts.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.client.ProgressListener;
import java.nio.charset.StandardCharsets;
import okhttp3.MediaType;
import okio.Buffer;
import org.junit.jupiter.api.Test;

class ArtifactBodiesTest {
  private static final MediaType TYPE = MediaType.get("application/octet-stream");

  @Test
  void bytesBodyReportsTheDigestItWasGivenWithoutHashingAgain() throws Exception {
    byte[] bytes = "some bytes".getBytes(StandardCharsets.UTF_8);
    // Not the digest of the bytes: only a body that does not hash them again reports it.
    String given = "ab".repeat(32);
    ArtifactBodies.ArtifactBody body =
        ArtifactBodies.ofBytes(bytes, given, TYPE, true, ProgressListener.NONE);
    Buffer sink = new Buffer();
    body.writeTo(sink);
    assertThat(sink.readByteArray()).isEqualTo(bytes);
    assertThat(body.sentSha256()).isEqualTo(given);
  }

  @Test
  void bytesBodyWithoutADigestReportsNone() throws Exception {
    ArtifactBodies.ArtifactBody body =
        ArtifactBodies.ofBytes(new byte[] {1, 2}, null, TYPE, true, ProgressListener.NONE);
    body.writeTo(new Buffer());
    assertThat(body.sentSha256()).isNull();
  }

  @Test
  void streamBodyHashesWhatItSends() throws Exception {
    byte[] bytes = new byte[0];
    ArtifactBodies.ArtifactBody body = ArtifactBodies.ofStream(
        new java.io.ByteArrayInputStream(bytes), TYPE, true, ProgressListener.NONE);
    body.writeTo(new Buffer());
    assertThat(body.sentSha256())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }
}
