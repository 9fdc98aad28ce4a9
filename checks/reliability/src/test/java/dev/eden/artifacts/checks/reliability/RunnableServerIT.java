package dev.eden.artifacts.checks.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.client.StoreClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The campaign's harness itself: the jar starts, takes a deposit, serves it back, and can be sampled. */
class RunnableServerIT {
  @TempDir Path dir;

  @Test
  void startsDepositsFetchesAndIsSampled() throws Exception {
    Path data = dir.resolve("data");
    try (RunnableServer server = RunnableServer.start(List.of("-Xmx64m"), Map.of(),
        "--data-dir", data.toString(), "--port", "0", "--access-log", "off")) {
      String bearer = RunnableServer.addWorker(Map.of(), "--data-dir", data.toString());
      try (StoreClient client = StoreClient.builder()
          .baseUrl(server.baseUri.toString())
          .experimentId(server.experimentId())
          .bearer(bearer)
          .build()) {
        byte[] bytes = "harness".getBytes(StandardCharsets.UTF_8);
        String uri = client.depositArtifact(bytes, "h.txt", "text/plain").uri();
        assertThat(client.fetchArtifactBytes(uri, 1024)).isEqualTo(bytes);
      }
      assertThat(server.threads()).isBetween(5, 500);
      assertThat(server.openFileDescriptors()).isBetween(3, 5_000);
      assertThat(server.heapAfterGcBytes()).isBetween(1L << 20, 32L << 20); // at -Xmx64m; about 10 MiB seen
    }
  }
}
