package dev.eden.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactUrisTest {
  private static final String ID = "0123456789abcdef0123456789abcdef";

  @Test
  void issuedUriParsesBackToItsId() {
    ArtifactId id = ArtifactId.mint();
    String uri = ArtifactUris.toUri(id);
    assertThat(uri).isEqualTo("eden://artifacts/" + id.value());
    assertThat(ArtifactUris.parse(uri)).contains(id);
  }

  @Test
  void exactFormIsRecognised() {
    assertThat(ArtifactUris.parse("eden://artifacts/" + ID)).contains(ArtifactId.parse(ID));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "eden://artifacts/",
      "eden://artifacts",
      "https://artifacts/" + ID,
      "EDEN://artifacts/" + ID,
      "eden://ARTIFACTS/" + ID,
      "eden:/artifacts/" + ID,
      "eden:artifacts/" + ID,
      "eden://artifacts//" + ID,
      "eden://artifacts/x/" + ID,
      "eden://artifacts/" + ID + "/",
      "eden://artifacts/" + ID + "/extra",
      "eden://artifacts/" + ID + "?x=1",
      "eden://artifacts/" + ID + "#frag",
      "eden://artifacts/%30123456789abcdef0123456789abcdef",
      "eden://artifacts/0123456789abcdef0123456789abcde%66",
      "eden://artifacts/0123456789ABCDEF0123456789ABCDEF",
      "eden://artifacts/0123456789abcdef0123456789abcde",
      "eden://artifacts/../0123456789abcdef0123456789abcdef",
      " eden://artifacts/" + ID,
      "eden://artifacts/" + ID + " ",
      "eden://user@artifacts/" + ID,
      "eden://artifacts:80/" + ID,
  })
  void anythingElseIsNotRecognised(String uri) {
    assertThat(ArtifactUris.parse(uri)).isEmpty();
  }

  @Test
  void nullIsNotRecognised() {
    assertThat(ArtifactUris.parse(null)).isEmpty();
  }

  @Test
  void toUriRejectsNull() {
    assertThatThrownBy(() -> ArtifactUris.toUri(null)).isInstanceOf(NullPointerException.class);
  }
}
