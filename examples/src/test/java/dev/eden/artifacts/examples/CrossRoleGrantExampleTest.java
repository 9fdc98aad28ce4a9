package dev.eden.artifacts.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.ForbiddenException;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.client.StoreClient;
import dev.eden.artifacts.examples.CrossRoleGrantExample.Plan;
import dev.eden.artifacts.examples.CrossRoleGrantExample.VariantAssignments;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator grant over the reference server and {@code StoreClient}. The orchestrator's
 * callback is the plan itself, seen through a Mockito mock that delegates to it, so the test can
 * check when — and how often — the grant asks it.
 */
class CrossRoleGrantExampleTest {
  @TempDir Path dir;
  final Plan plan = new Plan(ExperimentId.mint());
  final String executorOfA = plan.enrolExecutor("a");
  final String evaluatorOfA = plan.enrolEvaluator("a");
  final String executorOfB = plan.enrolExecutor("b");
  final String evaluatorOfB = plan.enrolEvaluator("b");
  final VariantAssignments assignments = mock(VariantAssignments.class, delegatesTo(plan));
  CrossRoleGrantExample app;

  @BeforeEach
  void start() throws IOException {
    app = CrossRoleGrantExample.start(dir.resolve("data"), 0, plan, assignments);
  }

  @AfterEach
  void stop() {
    app.close();
  }

  private StoreClient client(String bearer) {
    return StoreClient.builder()
        .baseUrl(app.baseUri().toString()).experimentId(plan.experiment()).bearer(bearer).build();
  }

  private static Principal principal(String bearer) {
    return Principal.parse(bearer.substring(0, bearer.indexOf(':')));
  }

  private String deposit(String bearer, String text) throws IOException {
    try (StoreClient worker = client(bearer)) {
      return worker.depositArtifact(text.getBytes(StandardCharsets.UTF_8), "out.txt", "text/plain").uri();
    }
  }

  @Test
  void evaluatorReadsTheExecutorsArtifactOfItsVariantAndTheCallbackIsAskedOnce() throws IOException {
    String uri = deposit(executorOfA, "loss 0.125");
    try (StoreClient evaluator = client(evaluatorOfA)) {
      assertThat(evaluator.fetchArtifactBytes(uri, 1024)).asString(StandardCharsets.UTF_8).isEqualTo("loss 0.125");
    }
    verify(assignments, times(1))
        .evaluatesVariantOf(plan.experiment(), principal(evaluatorOfA), principal(executorOfA));
  }

  @Test
  void evaluatorOfAnotherVariantIsForbiddenAfterOneQuestion() throws IOException {
    String uri = deposit(executorOfA, "loss 0.125");
    try (StoreClient evaluator = client(evaluatorOfB)) {
      assertThatThrownBy(() -> evaluator.fetchArtifactBytes(uri, 1024)).isInstanceOf(ForbiddenException.class);
    }
    verify(assignments, times(1))
        .evaluatesVariantOf(plan.experiment(), principal(evaluatorOfB), principal(executorOfA));
  }

  @Test
  void theCallbackIsNeverAskedForTheDepositorOrForAnotherRole() throws IOException {
    String results = deposit(executorOfA, "loss 0.125");
    String score = deposit(evaluatorOfA, "score 7");
    try (StoreClient executor = client(executorOfA);
        StoreClient otherExecutor = client(executorOfB)) {
      assertThat(executor.fetchArtifactBytes(results, 1024)).hasSize(10); // the floor: its own deposit
      assertThatThrownBy(() -> otherExecutor.fetchArtifactBytes(results, 1024))
          .isInstanceOf(ForbiddenException.class); // not an evaluator: the grant does not apply
      assertThatThrownBy(() -> executor.fetchArtifactBytes(score, 1024))
          .isInstanceOf(ForbiddenException.class); // executors never read evaluators' artifacts
    }
    verifyNoInteractions(assignments);
  }

  @Test
  void evaluatorDoesNotReadAnotherEvaluatorsArtifactOfItsOwnVariant() throws IOException {
    String secondEvaluatorOfA = plan.enrolEvaluator("a");
    String score = deposit(secondEvaluatorOfA, "score 7");
    try (StoreClient evaluator = client(evaluatorOfA)) {
      assertThatThrownBy(() -> evaluator.fetchArtifactBytes(score, 1024)).isInstanceOf(ForbiddenException.class);
    }
  }

  @Test
  void theScenarioPrintsEachStep() throws IOException {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    String uri = CrossRoleGrantExample.run(app.baseUri(), plan.experiment(), executorOfA, evaluatorOfA,
        evaluatorOfB, new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertThat(printed.toString(StandardCharsets.UTF_8).lines()).containsExactly(
        "executor of variant a deposited " + uri,
        "evaluator of variant a read: variant a: loss 0.125",
        "evaluator of variant b was refused: 403 forbidden");
  }

  @Test
  void mainRunsStandalone() throws IOException {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      CrossRoleGrantExample.main(new String[] {dir.resolve("main").toString()});
    } finally {
      System.setOut(stdout);
    }
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("evaluator of variant a read: variant a: loss 0.125")
        .contains("evaluator of variant b was refused: 403 forbidden");
  }
}
