package dev.eden.artifacts.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WireSchemaTest {
  private static final String GOOD_DEPOSIT =
      "{\"artifacts_uri\":\"eden://artifacts/0123456789abcdef0123456789abcdef\","
          + "\"size_bytes\":12,\"content_type\":\"text/plain\"}";

  @Test
  void depositResponseWithTheThreeMembersIsValid() {
    assertThat(WireSchema.DEPOSIT_RESPONSE.validate(GOOD_DEPOSIT)).isEmpty();
  }

  @Test
  void depositResponseAcceptsAnyRfc3986Scheme() {
    String json =
        "{\"artifacts_uri\":\"s3://bucket/key\",\"size_bytes\":0,"
            + "\"content_type\":\"text/csv; charset=utf-8\"}";
    assertThat(WireSchema.DEPOSIT_RESPONSE.validate(json)).isEmpty();
  }

  @Test
  void depositResponseRejectsAnExtraMember() {
    String json = GOOD_DEPOSIT.replace("}", ",\"sha256\":\"00\"}");
    assertThat(WireSchema.DEPOSIT_RESPONSE.validate(json)).singleElement().asString().contains("sha256");
  }

  @Test
  void depositResponseRejectsAMissingMember() {
    String json = "{\"artifacts_uri\":\"eden://artifacts/x\",\"size_bytes\":1}";
    assertThat(WireSchema.DEPOSIT_RESPONSE.validate(json))
        .singleElement().asString().contains("content_type");
  }

  @Test
  void depositResponseRejectsARelativeUriANegativeSizeAndAControlCharacter() {
    String json =
        "{\"artifacts_uri\":\"artifacts/x\",\"size_bytes\":-1,\"content_type\":\"text/plain\\u0007\"}";
    assertThat(WireSchema.DEPOSIT_RESPONSE.validate(json)).hasSize(3);
  }

  @Test
  void textThatIsNotJsonIsReportedNotThrown() {
    assertThat(WireSchema.DEPOSIT_RESPONSE.validate("<html>"))
        .singleElement().asString().startsWith("not a JSON document");
  }

  @Test
  void problemWithTypeTitleStatusDetailAndInstanceIsValid() {
    String json =
        "{\"type\":\"eden://error/not-found\",\"title\":\"Not Found\",\"status\":404,"
            + "\"detail\":\"no such artifact\",\"instance\":\"http://h/v0/experiments/e/artifacts\"}";
    assertThat(WireSchema.PROBLEM.validate(json)).isEmpty();
  }

  @Test
  void problemOfTheInternalExtensionTypeIsValid() {
    String json = "{\"type\":\"eden://error/internal\",\"title\":\"Internal Server Error\",\"status\":500}";
    assertThat(WireSchema.PROBLEM.validate(json)).isEmpty();
  }

  @Test
  void aboutBlankIsValidOnlyWithAStatusNoEdenTypeClaims() {
    String notAllowed = "{\"type\":\"about:blank\",\"title\":\"Method Not Allowed\",\"status\":405}";
    assertThat(WireSchema.PROBLEM.validate(notAllowed)).isEmpty();
    assertThat(WireSchema.PROBLEM.validate(notAllowed.replace("405", "431"))).isEmpty();
    for (String claimed : new String[] {"400", "401", "403", "404", "413", "500"}) {
      assertThat(WireSchema.PROBLEM.validate(notAllowed.replace("405", claimed))).as(claimed).isNotEmpty();
    }
  }

  @Test
  void problemWithATypeOutsideTheVocabularyIsInvalid() {
    String json = "{\"type\":\"eden://error/teapot\",\"title\":\"Teapot\",\"status\":418}";
    assertThat(WireSchema.PROBLEM.validate(json)).anySatisfy(m -> assertThat(m).contains("type"));
  }

  @Test
  void problemWhoseStatusDoesNotMatchItsTypeIsInvalid() {
    String json = "{\"type\":\"eden://error/forbidden\",\"title\":\"Forbidden\",\"status\":404}";
    assertThat(WireSchema.PROBLEM.validate(json)).isNotEmpty();
  }

  @Test
  void problemWithoutTitleIsInvalid() {
    String json = "{\"type\":\"eden://error/forbidden\",\"status\":403}";
    assertThat(WireSchema.PROBLEM.validate(json)).singleElement().asString().contains("title");
  }

  @Test
  void metadataRecordIsValid() {
    assertThat(WireSchema.ARTIFACT_METADATA.validate(metadata("\"created_by\":\"admin\""))).isEmpty();
  }

  @Test
  void metadataWithAWorkerCreatorAndNoExtensionsIsValid() {
    String json =
        "{\"experiment_id\":\"exp_0123456789abcdefghjkmnpqrs\","
            + "\"opaque_id\":\"0123456789abcdef0123456789abcdef\","
            + "\"created_by\":\"wkr_0123456789abcdefghjkmnpqrs\",\"size_bytes\":0,"
            + "\"content_type\":\"application/octet-stream\",\"created_at\":\"2026-01-02T03:04:05Z\"}";
    assertThat(WireSchema.ARTIFACT_METADATA.validate(json)).isEmpty();
  }

  @Test
  void metadataWithUppercaseIdIsInvalid() {
    String json = metadata("\"created_by\":\"admin\"").replace("0123456789abcdef0123", "0123456789ABCDEF0123");
    assertThat(WireSchema.ARTIFACT_METADATA.validate(json))
        .singleElement().asString().contains("opaque_id");
  }

  @Test
  void metadataWithACreatorThatIsNeitherAdminNorAWorkerIsInvalid() {
    assertThat(WireSchema.ARTIFACT_METADATA.validate(metadata("\"created_by\":\"root\"")))
        .singleElement().asString().contains("created_by");
  }

  @Test
  void metadataWithALocalTimestampIsInvalid() {
    String json = metadata("\"created_by\":\"admin\"").replace("05.123Z", "05.123+01:00");
    assertThat(WireSchema.ARTIFACT_METADATA.validate(json))
        .singleElement().asString().contains("created_at");
  }

  private static String metadata(String createdBy) {
    return "{\"experiment_id\":\"exp_0123456789abcdefghjkmnpqrs\","
        + "\"opaque_id\":\"0123456789abcdef0123456789abcdef\","
        + createdBy
        + ",\"size_bytes\":3,\"content_type\":\"text/plain\","
        + "\"created_at\":\"2026-01-02T03:04:05.123Z\","
        + "\"sha256\":\"" + "ab".repeat(32) + "\",\"filename\":\"log.txt\"}";
  }
}
