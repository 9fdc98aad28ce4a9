package dev.eden.artifacts.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.FetchedArtifact;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.ArtifactHandler;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.internal.HandlerKnobs;
import dev.eden.artifacts.server.internal.MultipartForm;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Filenames that OkHttp escapes in the HTML form-data way ({@code %22}, {@code %0D}, {@code %0A})
 * are recorded as the caller of {@link StoreClient} wrote them, whichever multipart reader the
 * server uses: the embedded server's Jetty reader or the default FileUpload reader.
 */
class StoreClientFilenamesTest {
  private static final String WORKER = Principal.mintWorkerId();
  private static final byte[] BYTES = "content".getBytes(UTF_8);

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void filenamesRoundTrip(boolean fileUploadReader) throws Exception {
    ExperimentId experiment = ExperimentId.mint();
    ArtifactService service = ArtifactService.builder()
        .backend(new InMemoryArtifactBackend())
        .store(new InMemoryArtifactStore())
        .build();
    ArtifactHandler.Builder handler = ArtifactHandler.builder()
        .service(service)
        .authenticator(InMemoryAuthenticator.builder().adminToken("admin-token").worker(WORKER, "s").build())
        .servedExperiments(experiment);
    if (fileUploadReader) {
      HandlerKnobs.multipartReader(handler, MultipartForm.FACTORY);
    }
    try (JettyArtifactServer server = JettyArtifactServer.builder()
            .handler(handler.build()).host("127.0.0.1").port(0).build().start();
        StoreClient client = StoreClient.builder().baseUrl(server.baseUri().toString())
            .experimentId(experiment).bearer(WORKER + ":s").build()) {
      for (String name : List.of("say \"hi\".txt", "plan \"v2\" \u8a08\u753b.txt", "semi;colon=\"x\".txt",
          "two\r\nlines.txt")) {
        String uri = client.depositArtifact(BYTES, name, "text/plain").uri();
        try (FetchedArtifact a = service.open(experiment, Principal.admin(), uri)) {
          // CR and LF travel escaped and are then removed like every control character.
          assertThat(a.metadata().filename()).as("sent %s", name)
              .isEqualTo(name.replace("\r", "").replace("\n", ""));
          assertThat(a.content().readAllBytes()).isEqualTo(BYTES);
        }
      }
    }
  }
}
