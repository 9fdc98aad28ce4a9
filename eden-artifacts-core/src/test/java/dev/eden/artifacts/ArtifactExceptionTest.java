package dev.eden.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class ArtifactExceptionTest {
  private static final ProblemDetails NOT_FOUND = new ProblemDetails("eden://error/not-found", 404,
      "Not Found", "no such artifact", "/v0/experiments/exp_x/artifacts?uri=a");

  @Test
  void raisedHereHasNoRemoteProblemAndReportsItsType() {
    ArtifactNotFoundException e = new ArtifactNotFoundException("no such artifact");
    assertThat(e.type()).isEqualTo(ProblemType.NOT_FOUND);
    assertThat(e.typeUri()).isEqualTo("eden://error/not-found");
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.detail()).isEqualTo("no such artifact");
    assertThat(e.remoteProblem()).isEmpty();
  }

  @Test
  void rebuiltFromAnAnswerCarriesWhatTheServerSent() {
    ArtifactNotFoundException e = new ArtifactNotFoundException(
        new ProblemDetails("eden://error/not-found", 410, "Gone", "expired", "/x"));
    assertThat(e.type()).isEqualTo(ProblemType.NOT_FOUND);
    assertThat(e.status()).as("the answer's status, not the type's").isEqualTo(410);
    assertThat(e).hasMessage("expired").hasToString(
        "dev.eden.artifacts.ArtifactNotFoundException: expired");
    assertThat(e.remoteProblem()).contains(
        new ProblemDetails("eden://error/not-found", 410, "Gone", "expired", "/x"));
  }

  @Test
  void messageFallsBackToTitleThenType() {
    assertThat(new ForbiddenException(new ProblemDetails("eden://error/forbidden", 403, "Forbidden",
        null, null))).hasMessage("Forbidden");
    assertThat(new ForbiddenException(new ProblemDetails("eden://error/forbidden", 403, null,
        null, null))).hasMessage("eden://error/forbidden");
  }

  @Test
  void everyClassRebuildsOnlyItsOwnType() {
    assertThatThrownBy(() -> new ForbiddenException(NOT_FOUND))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("problem type eden://error/not-found is not eden://error/forbidden");
    assertThat(new BadRequestException(problem(ProblemType.BAD_REQUEST)).type())
        .isEqualTo(ProblemType.BAD_REQUEST);
    assertThat(new UnauthorizedException(problem(ProblemType.UNAUTHORIZED)).type())
        .isEqualTo(ProblemType.UNAUTHORIZED);
    assertThat(new ExperimentIdMismatchException(problem(ProblemType.EXPERIMENT_ID_MISMATCH))
        .type()).isEqualTo(ProblemType.EXPERIMENT_ID_MISMATCH);
    assertThat(new ArtifactStorageException(problem(ProblemType.INTERNAL)).type())
        .isEqualTo(ProblemType.INTERNAL);
    PayloadTooLargeException tooLarge =
        new PayloadTooLargeException(problem(ProblemType.PAYLOAD_TOO_LARGE));
    assertThat(tooLarge.maxBytes()).isEqualTo(-1);
    assertThat(tooLarge.bytesSeen()).isEqualTo(-1);
  }

  @Test
  void aForeignTypeIsKeptAndReportedAsInternal() {
    ProblemDetails conflict =
        new ProblemDetails("https://gateway.example/conflict", 409, "Conflict", "busy", null);
    ArtifactException e = new ArtifactException("HTTP 409 conflict", conflict) {};
    assertThat(e.type()).isEqualTo(ProblemType.INTERNAL);
    assertThat(e.typeUri()).isEqualTo("https://gateway.example/conflict");
    assertThat(e.status()).isEqualTo(409);
    assertThat(e.remoteProblem()).contains(conflict);
    assertThatThrownBy(() -> new ArtifactException("known", NOT_FOUND) {})
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("problem type eden://error/not-found has its own exception class");
  }

  @Test
  void problemDetailsNeedATypeAndAnHttpStatus() {
    assertThatThrownBy(() -> new ProblemDetails(null, 404, null, null, null))
        .isInstanceOf(NullPointerException.class).hasMessage("type");
    assertThatThrownBy(() -> new ProblemDetails("about:blank", 99, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status must be a three-digit HTTP status: 99");
  }

  @Test
  void rebuiltExceptionSurvivesSerialization() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new ArtifactNotFoundException(NOT_FOUND));
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      ArtifactNotFoundException copy = (ArtifactNotFoundException) in.readObject();
      assertThat(copy.remoteProblem()).contains(NOT_FOUND);
    }
  }

  private static ProblemDetails problem(ProblemType type) {
    return new ProblemDetails(type.uri(), type.status(), type.title(), "detail", null);
  }
}
