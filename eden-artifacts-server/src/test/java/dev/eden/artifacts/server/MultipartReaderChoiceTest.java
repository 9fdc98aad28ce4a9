package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.internal.HandlerKnobs;
import dev.eden.artifacts.server.internal.MultipartForm;
import dev.eden.artifacts.server.internal.MultipartReader;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import org.junit.jupiter.api.Test;

class MultipartReaderChoiceTest {
  private static final MultipartReader.Factory OTHER = (body, bodyBytes, boundary, max) -> {
    throw new AssertionError("not used here");
  };

  private static ArtifactHandler.Builder builder() {
    return ArtifactHandler.builder()
        .service(ArtifactService.builder()
            .backend(new InMemoryArtifactBackend())
            .store(new InMemoryArtifactStore())
            .build())
        .authenticator(InMemoryAuthenticator.builder().adminToken("t").build())
        .servedExperiments(ExperimentId.mint());
  }

  @Test
  void handlerWithTheDefaultReaderTakesAnAdaptersPreferredOne() {
    ArtifactHandler handler = builder().build();
    ArtifactHandler preferring = HandlerKnobs.preferringMultipartReader(handler, OTHER);
    assertThat(preferring).isNotSameAs(handler);
    assertThat(preferring.service()).isSameAs(handler.service());
  }

  @Test
  void explicitlyChosenReaderIsKept() {
    ArtifactHandler handler = HandlerKnobs.multipartReader(builder(), MultipartForm.FACTORY).build();
    assertThat(HandlerKnobs.preferringMultipartReader(handler, OTHER)).isSameAs(handler);
  }
}
