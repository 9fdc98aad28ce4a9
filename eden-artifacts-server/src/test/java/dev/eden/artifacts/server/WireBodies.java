package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.testkit.conformance.WireSchema;
import java.time.Duration;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * Holds every body the server tests receive to the spec's JSON Schemas, so the spec and the code
 * cannot drift: each deposit answer against {@code deposit-response.schema.json}, each error answer
 * against {@code problem.schema.json}, each admin API answer against its {@code admin-*.schema.json}.
 * Tests get HTTP clients from here instead of building their
 * own, so none can forget.
 */
public final class WireBodies {
  /** Problem and deposit bodies are small; anything larger is a bug in itself. */
  private static final long MAX_CHECKED_BODY = 64 * 1024;

  private WireBodies() {}

  /** An OkHttp client whose every answer is checked; generous time-outs for slow CI machines. */
  public static OkHttpClient checkedClient() {
    return checkedClientBuilder().build();
  }

  /** As {@link #checkedClient()}, for callers that tune the client further. */
  public static OkHttpClient.Builder checkedClientBuilder() {
    return new OkHttpClient.Builder()
        .readTimeout(Duration.ofSeconds(60))
        .writeTimeout(Duration.ofSeconds(60))
        .addInterceptor(WireBodies::checkAnswer);
  }

  private static Response checkAnswer(Interceptor.Chain chain) throws java.io.IOException {
    Response response = chain.proceed(chain.request());
    int status = response.code();
    // Only answers with a schema are peeked at: a fetched artifact is never read here.
    if (!chain.request().method().equals("HEAD") && (status == 201 || status >= 400)) {
      check(status, response.header("Content-Type"),
          response.peekBody(MAX_CHECKED_BODY).string());
    }
    String path = chain.request().url().encodedPath();
    if (!chain.request().method().equals("HEAD") && status == 200 && path.startsWith("/admin/v1/")) {
      checkAdmin(path, response.header("Content-Type"), response.peekBody(Long.MAX_VALUE).string());
    }
    return response;
  }

  /** Checks a 200 answer of the admin API against the schema of its path. */
  public static void checkAdmin(String path, String contentType, String body) {
    assertThat(contentType).as("content type of %s", path).isEqualTo("application/json");
    WireSchema schema = path.endsWith("/artifacts") ? WireSchema.ADMIN_ARTIFACT_PAGE
        : path.endsWith("/summary") ? WireSchema.ADMIN_SUMMARY
        : WireSchema.ADMIN_EXPERIMENTS;
    assertThat(schema.validate(body)).as("%s body %s", path, body).isEmpty();
  }

  /**
   * Checks one answer: a 201 (only a deposit answers it) is a deposit answer; every status of 400
   * and above is a problem+json body. Anything else (fetched bytes, health) has no schema.
   */
  public static void check(int status, String contentType, String body) {
    if (status >= 400) {
      assertThat(contentType).as("content type of a %d answer: %s", status, body)
          .isEqualTo("application/problem+json; charset=utf-8");
      assertThat(WireSchema.PROBLEM.validate(body)).as("problem body %s", body).isEmpty();
    } else if (status == 201) {
      assertDepositAnswer(contentType, body);
    }
  }

  /** Asserts a deposit answer's type and body, for clients that bypass OkHttp. */
  public static void assertDepositAnswer(String contentType, String body) {
    assertThat(contentType).as("content type of a deposit answer").isEqualTo("application/json");
    assertThat(WireSchema.DEPOSIT_RESPONSE.validate(body)).as("deposit body %s", body).isEmpty();
  }
}
