package dev.eden.artifacts.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.ArtifactNotFoundException;
import dev.eden.artifacts.ArtifactStorageException;
import dev.eden.artifacts.BadRequestException;
import dev.eden.artifacts.ExperimentIdMismatchException;
import dev.eden.artifacts.ForbiddenException;
import dev.eden.artifacts.PayloadTooLargeException;
import dev.eden.artifacts.ProblemDetails;
import dev.eden.artifacts.ProblemType;
import dev.eden.artifacts.UnauthorizedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.io.StringWriter;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Error answers become the right exceptions, keyed on the problem type, never leaking the bearer. */
class StoreClientErrorsTest extends MockServerSupport {

  static Stream<Arguments> knownTypes() {
    return Stream.of(
        Arguments.of(ProblemType.NOT_FOUND, ArtifactNotFoundException.class),
        Arguments.of(ProblemType.FORBIDDEN, ForbiddenException.class),
        Arguments.of(ProblemType.UNAUTHORIZED, UnauthorizedException.class),
        Arguments.of(ProblemType.BAD_REQUEST, BadRequestException.class),
        Arguments.of(ProblemType.EXPERIMENT_ID_MISMATCH, ExperimentIdMismatchException.class),
        Arguments.of(ProblemType.PAYLOAD_TOO_LARGE, PayloadTooLargeException.class),
        Arguments.of(ProblemType.INTERNAL, ArtifactStorageException.class));
  }

  @ParameterizedTest
  @MethodSource("knownTypes")
  void knownProblemTypeBecomesItsCoreExceptionCarryingTheProblem(ProblemType type,
      Class<? extends ArtifactException> expected) {
    server.enqueue(problem(type.status(), type.uri(), type.title(), "detail for " + type));
    Throwable thrown;
    try (StoreClient client = clientBuilder().fetchRetryPolicy(RetryPolicy.none()).build()) {
      thrown = catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 100));
    }
    // The public class itself, so logs name it, not an internal subclass.
    assertThat(thrown).isExactlyInstanceOf(expected).hasMessage("detail for " + type);
    ArtifactException problem = (ArtifactException) thrown;
    assertThat(problem.type()).isEqualTo(type);
    assertThat(problem.typeUri()).isEqualTo(type.uri());
    assertThat(problem.status()).isEqualTo(type.status());
    assertThat(thrown.toString()).isEqualTo(expected.getName() + ": detail for " + type);
    assertThat(problem.remoteProblem()).contains(new ProblemDetails(type.uri(), type.status(),
        type.title(), "detail for " + type, "/v0/experiments/" + EXPERIMENT + "/artifacts"));
  }

  static Stream<Arguments> everyKindOfAnswer() {
    return Stream.of(
        Arguments.of(problem(404, "eden://error/not-found", "Not Found", "no such artifact")),
        Arguments.of(problem(409, "eden://error/already-exists", "Already Exists", "id taken")),
        Arguments.of(new MockResponse.Builder().code(500).build()),
        Arguments.of(new MockResponse.Builder().code(403).setHeader("Content-Type", "text/html")
            .body("<h1>Forbidden</h1>").build()));
  }

  /** The policy a worker relies on: one catch for every answer, none of them an IOException. */
  @ParameterizedTest
  @MethodSource("everyKindOfAnswer")
  void everyAnswerIsCaughtAsArtifactExceptionAndNeverAsIOException(MockResponse answer)
      throws IOException {
    server.enqueue(answer);
    boolean caught = false;
    try (StoreClient client = clientBuilder().fetchRetryPolicy(RetryPolicy.none()).build()) {
      try {
        client.fetchArtifactBytes(ARTIFACT_URI, 100);
      } catch (ArtifactException e) {
        caught = true;
        assertThat(e).isNotInstanceOf(IOException.class);
        assertThat(e.status()).isEqualTo(answer.getCode());
      }
    }
    assertThat(caught).isTrue();
  }

  @Test
  void connectionFailureIsAnIOExceptionAndNeverAnArtifactException() throws IOException {
    String url = server.url("/").toString();
    server.close();
    try (StoreClient client = StoreClient.builder().baseUrl(url).experimentId(EXPERIMENT)
        .bearer(BEARER).fetchRetryPolicy(RetryPolicy.none()).build()) {
      Throwable thrown = catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 100));
      assertThat(thrown).isInstanceOf(ConnectException.class)
          .isNotInstanceOf(ArtifactException.class);
    }
  }

  @Test
  void bodyCutShortIsAnIOException() {
    server.enqueue(cutShort("01234", 10));
    try (StoreClient client = clientBuilder().fetchRetryPolicy(RetryPolicy.none()).build()) {
      assertThat(catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 100)))
          .isInstanceOf(IOException.class).isNotInstanceOf(ArtifactException.class);
    }
  }

  @Test
  void typeDecidesNotStatus() {
    // A not-found type on an unusual status is still "not found"; a 404 with an unknown type is not.
    server.enqueue(problem(410, "eden://error/not-found", "Not Found", "gone"));
    server.enqueue(problem(404, "https://gateway.example/no-route", "No Route", "nothing here"));
    try (StoreClient client = clientBuilder().build()) {
      assertThat(catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 1)))
          .isInstanceOf(ArtifactNotFoundException.class).hasMessage("gone");
      assertThat(catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 1)))
          .isExactlyInstanceOf(UnknownProblemTypeException.class);
    }
  }

  @Test
  void unknownProblemTypeKeepsEveryMember() {
    server.enqueue(problem(409, "eden://error/already-exists", "Already Exists", "id taken"));
    Throwable thrown;
    try (StoreClient client = clientBuilder().build()) {
      thrown = catchThrowable(() -> client.depositArtifact(new byte[1], "a", "text/plain"));
    }
    assertThat(thrown).isExactlyInstanceOf(UnknownProblemTypeException.class)
        .hasMessage("HTTP 409 eden://error/already-exists: id taken");
    UnknownProblemTypeException problem = (UnknownProblemTypeException) thrown;
    assertThat(problem.typeUri()).isEqualTo("eden://error/already-exists");
    assertThat(problem.status()).isEqualTo(409);
    // Reported as internal if an embedding server let it through: the vocabulary is closed.
    assertThat(problem.type()).isEqualTo(ProblemType.INTERNAL);
    assertThat(problem.remoteProblem()).contains(new ProblemDetails("eden://error/already-exists",
        409, "Already Exists", "id taken", "/v0/experiments/" + EXPERIMENT + "/artifacts"));
  }

  @Test
  void problemWithOnlyTheRequiredMembersUsesTheTitleAsMessage() {
    server.enqueue(new MockResponse.Builder().code(403)
        .setHeader("Content-Type", "application/problem+json")
        .body("{\"type\":\"eden://error/forbidden\",\"title\":\"Forbidden\",\"status\":403}")
        .build());
    try (StoreClient client = clientBuilder().build()) {
      Throwable thrown = catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 1));
      assertThat(thrown).isInstanceOf(ForbiddenException.class).hasMessage("Forbidden");
      assertThat(((ForbiddenException) thrown).remoteProblem().orElseThrow().detail()).isNull();
    }
  }

  @Test
  void htmlErrorPageBecomesUnexpectedResponseWithABoundedSnippet() {
    String page = "<html><head><title>502 Bad Gateway</title></head>\n<body>"
        + "x".repeat(100_000) + "</body></html>";
    server.enqueue(new MockResponse.Builder().code(502)
        .setHeader("Content-Type", "text/html").body(page).build());
    Throwable thrown;
    try (StoreClient client = clientBuilder().fetchRetryPolicy(RetryPolicy.none()).build()) {
      thrown = catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 1));
    }
    assertThat(thrown).isExactlyInstanceOf(UnexpectedResponseException.class)
        .hasMessageStartingWith("error answer without a problem+json body (HTTP 502, text/html): "
            + "<html><head><title>502 Bad Gateway</title></head> <body>xxx");
    UnexpectedResponseException unexpected = (UnexpectedResponseException) thrown;
    assertThat(unexpected.status()).isEqualTo(502);
    assertThat(unexpected.contentType()).isEqualTo("text/html");
    assertThat(unexpected.snippet()).hasSizeLessThanOrEqualTo(201).endsWith("…");
    // No problem body means no more than the status (RFC 9457 §4.2.1).
    assertThat(unexpected.typeUri()).isEqualTo("about:blank");
    assertThat(unexpected.remoteProblem())
        .contains(new ProblemDetails("about:blank", 502, null, null, null));
  }

  @Test
  void emptyErrorBodyIsReportedAsSuch() {
    server.enqueue(new MockResponse.Builder().code(500).build());
    try (StoreClient client = clientBuilder().build()) {
      assertThat(catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 1)))
          .isExactlyInstanceOf(UnexpectedResponseException.class)
          .hasMessage("error answer without a problem+json body (HTTP 500, no content type), "
              + "empty body");
    }
  }

  @Test
  void problemContentTypeWithBrokenJsonIsUnexpected() {
    server.enqueue(new MockResponse.Builder().code(400)
        .setHeader("Content-Type", "application/problem+json").body("{\"type\": ").build());
    try (StoreClient client = clientBuilder().build()) {
      assertThat(catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 1)))
          .isExactlyInstanceOf(UnexpectedResponseException.class)
          .hasMessage("error answer without a problem+json body "
              + "(HTTP 400, application/problem+json): {\"type\":");
    }
  }

  @Test
  void depositAnswerWithoutTheDocumentedFieldsIsUnexpected() {
    server.enqueue(new MockResponse.Builder().code(201)
        .setHeader("Content-Type", "application/json").body("{\"uri\":\"x\"}").build());
    try (StoreClient client = clientBuilder().build()) {
      assertThat(catchThrowable(() -> client.depositArtifact(new byte[1], "a", "text/plain")))
          .isExactlyInstanceOf(UnexpectedResponseException.class)
          .hasMessage("deposit answer lacks artifacts_uri, size_bytes or content_type "
              + "(HTTP 201, application/json): {\"uri\":\"x\"}");
    }
  }

  @Test
  void unauthorizedIsNeverRetried() throws Exception {
    server.enqueue(problem(401, "eden://error/unauthorized", "Unauthorized", "bad bearer"));
    server.enqueue(artifact("should never be fetched", "text/plain"));
    try (StoreClient client = clientBuilder().fetchRetryPolicy(fastRetries(5)).build()) {
      assertThat(catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 100)))
          .isInstanceOf(UnauthorizedException.class).hasMessage("bad bearer");
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void bearerNeverAppearsInMessagesOrToString() {
    // A misbehaving server echoes the Authorization header into every text it sends back.
    String echoed = "Bearer " + BEARER + " / " + SECRET;
    server.enqueue(problem(404, "eden://error/not-found", echoed, echoed));
    server.enqueue(problem(418, "eden://error/" + SECRET, echoed, echoed));
    server.enqueue(new MockResponse.Builder().code(502).setHeader("Content-Type", "text/plain")
        .body(echoed).build());
    StoreClient client = clientBuilder().fetchRetryPolicy(RetryPolicy.none()).build();
    StringBuilder everything = new StringBuilder(client.toString());
    for (int i = 0; i < 3; i++) {
      Throwable thrown = catchThrowable(() -> client.fetchArtifactBytes(ARTIFACT_URI, 1));
      assertThat(thrown).isNotNull();
      StringWriter trace = new StringWriter();
      thrown.printStackTrace(new PrintWriter(trace));
      everything.append(trace).append(((ArtifactException) thrown).remoteProblem()
          .map(Object::toString).orElse(""));
    }
    client.close();
    assertThat(client.toString()).isEqualTo("StoreClient{baseUrl=" + server.url("/")
        + ", experimentId=" + EXPERIMENT + ", principal=" + WORKER + "}");
    assertThat(everything.toString()).doesNotContain(SECRET).contains("[redacted]");
    assertThat(new String(everything.toString().getBytes(UTF_8), UTF_8)).doesNotContain(BEARER);
  }
}
