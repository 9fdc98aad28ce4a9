package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.eden.artifacts.AccessPolicy;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * Over a real server: the server only authenticates, and the service's {@link AccessPolicy} alone
 * decides a fetch, seeing the principal exactly as authenticated. (The examples module runs the
 * same seam through {@code StoreClient}; this module cannot depend on the client.)
 */
class FetchDecidedByPolicyTest {
  private static final ExperimentId EXPERIMENT = ExperimentId.mint();
  private static final String DEPOSITOR = Principal.mintWorkerId();
  private static final String ADMINS_MEMBER = Principal.mintWorkerId();
  private static final String OTHER = Principal.mintWorkerId();

  private final OkHttpClient http = WireBodies.checkedClientBuilder().build();
  private JettyArtifactServer server;

  @AfterEach
  void stop() {
    http.connectionPool().evictAll();
    if (server != null) {
      server.close();
    }
  }

  private void start(AccessPolicy policy, Authenticator authenticator) {
    ArtifactService service = ArtifactService.builder()
        .backend(new InMemoryArtifactBackend())
        .store(new InMemoryArtifactStore())
        .accessPolicy(policy)
        .build();
    server = JettyArtifactServer.builder()
        .service(service)
        .authenticator(authenticator)
        .servedExperiments(EXPERIMENT)
        .host("127.0.0.1")
        .port(0)
        .build()
        .start();
  }

  private static InMemoryAuthenticator registry() {
    return InMemoryAuthenticator.builder()
        .adminToken("admin-token")
        .worker(DEPOSITOR, "s-depositor")
        .adminClassWorker(ADMINS_MEMBER, "s-admins")
        .worker(OTHER, "s-other", Set.of("grp_" + "e".repeat(26)))
        .build();
  }

  /** The contract's policy, behind a mock that records every question. */
  private static AccessPolicy recordingContractPolicy() {
    AccessPolicy contract = AccessPolicy.depositorOrAdminClass();
    AccessPolicy policy = mock(AccessPolicy.class);
    when(policy.mayFetch(any(), any())).thenAnswer(call ->
        contract.mayFetch(call.getArgument(0), call.getArgument(1)));
    return policy;
  }

  private String artifactsUrl() {
    return server.baseUri() + "/v0/experiments/" + EXPERIMENT + "/artifacts";
  }

  private String depositAsDepositor() throws IOException {
    Request deposit = new Request.Builder().url(artifactsUrl())
        .post(ServerFixture.onePart("a.bin", "application/octet-stream", new byte[] {42}))
        .header(ArtifactHandler.EXPERIMENT_HEADER, EXPERIMENT.value())
        .header("Authorization", ServerFixture.bearer(DEPOSITOR, "s-depositor"))
        .build();
    try (Response r = http.newCall(deposit).execute()) {
      assertThat(r.code()).isEqualTo(201);
      return ServerFixture.JSON.readTree(r.body().string()).get("artifacts_uri").asText();
    }
  }

  /** The fetch's status: 200 with the deposited byte, or the refusal's status. */
  private int fetchStatus(String principal, String secret, String uri) throws IOException {
    Request fetch = new Request.Builder()
        .url(artifactsUrl() + "?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8))
        .header(ArtifactHandler.EXPERIMENT_HEADER, EXPERIMENT.value())
        .header("Authorization", ServerFixture.bearer(principal, secret))
        .build();
    try (Response r = http.newCall(fetch).execute()) {
      if (r.code() == 200) {
        assertThat(r.body().bytes()).containsExactly(42);
      } else {
        Problems.assertProblem(r, 403, "eden://error/forbidden");
      }
      return r.code();
    }
  }

  @Test
  void policyIsAskedWithTheAdminsMemberItselfNotWithTheAdmin() throws IOException {
    AccessPolicy policy = recordingContractPolicy();
    start(policy, registry());
    String uri = depositAsDepositor();

    assertThat(fetchStatus(ADMINS_MEMBER, "s-admins", uri)).isEqualTo(200);

    ArgumentCaptor<Principal> reader = ArgumentCaptor.forClass(Principal.class);
    ArgumentCaptor<ArtifactMetadata> artifact = ArgumentCaptor.forClass(ArtifactMetadata.class);
    verify(policy, times(1)).mayFetch(reader.capture(), artifact.capture());
    assertThat(reader.getValue().name()).isEqualTo(ADMINS_MEMBER);
    assertThat(reader.getValue().isAdmin()).isFalse();
    assertThat(reader.getValue().groups()).containsExactly(Principal.ADMINS_GROUP);
    // the deposit was attributed to the depositor's name alone
    assertThat(artifact.getValue().createdBy().name()).isEqualTo(DEPOSITOR);
    assertThat(artifact.getValue().createdBy().groups()).isEmpty();
  }

  @Test
  void theServerGrantsNothingOfItsOwn() throws IOException {
    // a deployment where only the real admin (not the admins group) reads other people's artifacts
    start((principal, artifact) -> principal.isAdmin() || principal.equals(artifact.createdBy()), registry());
    String uri = depositAsDepositor();

    assertThat(fetchStatus(ADMINS_MEMBER, "s-admins", uri)).isEqualTo(403);
    assertThat(fetchStatus("admin", "admin-token", uri)).isEqualTo(200);
  }

  @Test
  void defaultPolicyIsTheContractsRule() throws IOException {
    start(AccessPolicy.depositorOrAdminClass(), registry());
    String uri = depositAsDepositor();
    assertThat(fetchStatus(DEPOSITOR, "s-depositor", uri)).isEqualTo(200);
    assertThat(fetchStatus("admin", "admin-token", uri)).isEqualTo(200);
    assertThat(fetchStatus(ADMINS_MEMBER, "s-admins", uri)).isEqualTo(200);
    assertThat(fetchStatus(OTHER, "s-other", uri)).isEqualTo(403);
  }

  /** An authenticator as written against the SPI before principals carried groups. */
  private static final class PreGroupsAuthenticator implements Authenticator {
    private final InMemoryAuthenticator credentials = InMemoryAuthenticator.builder()
        .worker(DEPOSITOR, "s-depositor")
        .worker(ADMINS_MEMBER, "s-admins")
        .worker(OTHER, "s-other")
        .build();

    @Override
    public Optional<Principal> authenticate(BearerCredential credential) {
      return credentials.authenticate(credential); // bare workers, no groups
    }

    @Override
    @SuppressWarnings("deprecation")
    public boolean isAdminClass(Principal principal) {
      return principal.isAdmin() || principal.name().equals(ADMINS_MEMBER);
    }
  }

  @Test
  void authenticatorWrittenBeforeGroupsStillMakesItsAdminsAdminClass() throws IOException {
    AccessPolicy policy = recordingContractPolicy();
    start(policy, new PreGroupsAuthenticator());
    String uri = depositAsDepositor();

    assertThat(fetchStatus(ADMINS_MEMBER, "s-admins", uri)).isEqualTo(200);
    assertThat(fetchStatus(OTHER, "s-other", uri)).isEqualTo(403);
    // the legacy answer became a group on the principal; the policy still made both decisions
    ArgumentCaptor<Principal> reader = ArgumentCaptor.forClass(Principal.class);
    verify(policy, times(2)).mayFetch(reader.capture(), any());
    assertThat(reader.getAllValues().get(0).name()).isEqualTo(ADMINS_MEMBER);
    assertThat(reader.getAllValues().get(0).groups()).containsExactly(Principal.ADMINS_GROUP);
    assertThat(reader.getAllValues().get(1).name()).isEqualTo(OTHER);
    assertThat(reader.getAllValues().get(1).groups()).isEmpty();
  }
}
