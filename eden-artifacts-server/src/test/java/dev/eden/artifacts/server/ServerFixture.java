package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.server.internal.HandlerKnobs;
import dev.eden.artifacts.server.internal.MultipartReader;
import dev.eden.artifacts.server.Mounts.Mount;
import dev.eden.artifacts.server.Mounts.Mounted;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import dev.eden.artifacts.testkit.conformance.ConformanceConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A real server on an ephemeral port with a file backend, plus an OkHttp client to talk to it:
 * two served experiments, two workers, an {@code admins}-class worker and an admin token (what
 * {@code .ci/conformance} gives the runnable server). By default the reference server; any
 * {@link Mount} (a servlet container) otherwise.
 */
final class ServerFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ADMIN_TOKEN = "admin-token-for-tests";
  static final String WORKER_A = Principal.mintWorkerId();
  static final String WORKER_B = Principal.mintWorkerId();
  static final String ADMIN_CLASS_WORKER = Principal.mintWorkerId();
  static final String SECRET_A = "secret-a";
  static final String SECRET_B = "secret-b";
  static final String SECRET_ADMIN_CLASS = "secret-admin-class";

  final ExperimentId experiment = ExperimentId.mint();
  final ExperimentId otherServedExperiment = ExperimentId.mint();
  final Path blobDir;
  final long maxArtifactBytes;
  final ArtifactService service;
  final Mounted server;
  final OkHttpClient http;

  ServerFixture(Path tempDir, long maxArtifactBytes) {
    this(tempDir, maxArtifactBytes, Duration.ofSeconds(30));
  }

  ServerFixture(Path tempDir, long maxArtifactBytes, Duration idleTimeout) {
    this(tempDir, maxArtifactBytes, idleTimeout, null);
  }

  /** With {@code multipartReader} null the Jetty server picks its own (Jetty's parser). */
  ServerFixture(Path tempDir, long maxArtifactBytes, Duration idleTimeout,
      MultipartReader.Factory multipartReader) {
    this(tempDir, maxArtifactBytes, idleTimeout, multipartReader, Mounts.jettyArtifactServer());
  }

  /** The same endpoints served by {@code mount} (for example {@link ArtifactServlet} in Tomcat). */
  ServerFixture(Path tempDir, long maxArtifactBytes, Mount mount) {
    this(tempDir, maxArtifactBytes, Duration.ofSeconds(30), null, mount);
  }

  private ServerFixture(Path tempDir, long maxArtifactBytes, Duration idleTimeout,
      MultipartReader.Factory multipartReader, Mount mount) {
    try {
      this.blobDir = tempDir.resolve("blobs");
      this.maxArtifactBytes = maxArtifactBytes;
      this.service = ArtifactService.builder()
          .backend(new FileArtifactBackend(blobDir))
          .store(new InMemoryArtifactStore())
          .maxArtifactBytes(maxArtifactBytes)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ArtifactHandler.Builder handler = ArtifactHandler.builder()
        .service(service)
        .authenticator(InMemoryAuthenticator.builder()
            .adminToken(ADMIN_TOKEN)
            .worker(WORKER_A, SECRET_A)
            .worker(WORKER_B, SECRET_B)
            .adminClassWorker(ADMIN_CLASS_WORKER, SECRET_ADMIN_CLASS)
            .build())
        .servedExperiments(experiment, otherServedExperiment);
    if (multipartReader != null) {
      HandlerKnobs.multipartReader(handler, multipartReader);
    }
    try {
      this.server = mount.start(handler.build(), tempDir, idleTimeout);
    } catch (Exception e) {
      throw new IllegalStateException("server did not start", e);
    }
    this.http = WireBodies.checkedClientBuilder()
        .retryOnConnectionFailure(false)
        .build();
  }

  static String bearer(String principal, String secret) {
    return "Bearer " + principal + ":" + secret;
  }

  static String workerA() {
    return bearer(WORKER_A, SECRET_A);
  }

  static String workerB() {
    return bearer(WORKER_B, SECRET_B);
  }

  static String admin() {
    return bearer("admin", ADMIN_TOKEN);
  }

  static String adminClassWorker() {
    return bearer(ADMIN_CLASS_WORKER, SECRET_ADMIN_CLASS);
  }

  URI baseUri() {
    return server.baseUri();
  }

  /** The conformance kit's inputs for this server: every optional one given. */
  ConformanceConfig conformanceConfig() {
    return ConformanceConfig.builder()
        .baseUrl(baseUri())
        .experimentId(experiment.value())
        .otherExperimentId(otherServedExperiment.value())
        .adminBearer(credential(admin()))
        .workerBearer(credential(workerA()))
        .otherWorkerBearer(credential(workerB()))
        .adminsGroupWorkerBearer(credential(adminClassWorker()))
        .maxArtifactBytes(maxArtifactBytes)
        // This server offers every HTTP feature of the kit's http/ group: none may skip.
        .requireHttpSemantics(true)
        .build();
  }

  /** The conformance kit takes what follows {@code Bearer } in the header. */
  private static String credential(String authorization) {
    return authorization.substring("Bearer ".length());
  }

  String artifactsUrl() {
    return artifactsUrl(experiment);
  }

  String artifactsUrl(ExperimentId e) {
    return baseUri() + "/v0/experiments/" + e + "/artifacts";
  }

  String fetchUrl(String artifactsUri) {
    return artifactsUrl() + "?uri=" + URLEncoder.encode(artifactsUri, StandardCharsets.UTF_8);
  }

  Request.Builder depositRequest(String authorization, RequestBody multipart) {
    Request.Builder b = new Request.Builder().url(artifactsUrl()).post(multipart)
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value());
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b;
  }

  static RequestBody onePart(String filename, String contentType, byte[] bytes) {
    return new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("file", filename,
            RequestBody.create(bytes, contentType == null ? null : MediaType.get(contentType)))
        .build();
  }

  /** Deposits and returns the 201 body; fails the test on any other status. */
  JsonNode deposit(String authorization, String filename, String contentType, byte[] bytes) {
    try (Response response = http.newCall(
        depositRequest(authorization, onePart(filename, contentType, bytes)).build()).execute()) {
      String body = response.body().string();
      assertThat(response.code()).as("deposit answer: %s", body).isEqualTo(201);
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Response fetch(String authorization, String artifactsUri) throws IOException {
    Request.Builder b = new Request.Builder().url(fetchUrl(artifactsUri))
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value());
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.newCall(b.build()).execute();
  }

  /** Every regular file under the blob directory (committed blobs and temp files). */
  List<Path> blobFiles() {
    try (Stream<Path> files = Files.walk(blobDir)) {
      return files.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  HttpUrl url(String pathAndQuery) {
    return HttpUrl.get(baseUri() + pathAndQuery);
  }

  @Override
  public void close() {
    // Idle keep-alive connections would hold up the graceful stop; drop them first.
    http.connectionPool().evictAll();
    http.dispatcher().executorService().shutdown();
    server.close();
  }
}
