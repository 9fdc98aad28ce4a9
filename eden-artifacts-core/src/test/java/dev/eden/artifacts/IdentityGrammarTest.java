package dev.eden.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code exp_} and {@code wkr_} id grammars: a prefix and 26 lowercase Crockford base32 characters. */
class IdentityGrammarTest {
  private static final String BODY = "0123456789abcdefghjkmnpqrs";

  @Test
  void experimentIdsParseAndMint() {
    assertThat(ExperimentId.parse("exp_" + BODY).value()).isEqualTo("exp_" + BODY);
    assertThat(ExperimentId.parse("exp_" + BODY)).isEqualTo(ExperimentId.parse("exp_" + BODY));
    Set<ExperimentId> minted = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      ExperimentId id = ExperimentId.mint();
      assertThat(id.value()).matches("exp_[0-9a-hjkmnp-tv-z]{26}");
      minted.add(id);
    }
    assertThat(minted).hasSize(1000);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "exp_", "exp_0123456789abcdefghjkmnpqr", "exp_0123456789abcdefghjkmnpqrst",
      "EXP_0123456789abcdefghjkmnpqrs", "exp-0123456789abcdefghjkmnpqrs", "wkr_0123456789abcdefghjkmnpqrs",
      "exp_0123456789ABCDEFGHJKMNPQRS", "exp_0123456789abcdefghjkmnpqri", "exp_0123456789abcdefghjkmnpqrl",
      "exp_0123456789abcdefghjkmnpqro", "exp_0123456789abcdefghjkmnpqru", "exp_0123456789abcdefghjkmnpq/.",
      " exp_0123456789abcdefghjkmnpqr",
  })
  void experimentIdsOutsideTheGrammarAreRejected(String text) {
    assertThat(ExperimentId.isValid(text)).isFalse();
    assertThatThrownBy(() -> ExperimentId.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exp_");
  }

  @Test
  void nullExperimentIdIsRejected() {
    assertThat(ExperimentId.isValid(null)).isFalse();
    assertThatThrownBy(() -> ExperimentId.parse(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void workersAndTheAdminAreDistinctPrincipals() {
    Principal worker = Principal.worker("wkr_" + BODY);
    assertThat(worker.name()).isEqualTo("wkr_" + BODY);
    assertThat(worker.isAdmin()).isFalse();
    assertThat(Principal.parse("wkr_" + BODY)).isEqualTo(worker);
    assertThat(Principal.parse("admin")).isSameAs(Principal.admin());
    assertThat(Principal.admin().isAdmin()).isTrue();
    assertThat(Principal.admin().name()).isEqualTo("admin");
    assertThat(Principal.mintWorkerId()).matches("wkr_[0-9a-hjkmnp-tv-z]{26}");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "Admin", "ADMIN", "admin ", "wkr_", "wkr_0123456789abcdefghjkmnpqr", "WKR_0123456789abcdefghjkmnpqrs",
      "exp_0123456789abcdefghjkmnpqrs", "wkr_0123456789abcdefghjkmnpqrS", "wkr_0123456789abcdefghjkmnpqru",
      "wkr_0123456789abcdefghjkmnpqrs:secret",
  })
  void principalNamesOutsideTheGrammarAreRejected(String name) {
    assertThat(Principal.isWorkerId(name)).isFalse();
    assertThatThrownBy(() -> Principal.parse(name)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void adminIsNotAWorkerId() {
    assertThat(Principal.isWorkerId("admin")).isFalse();
    assertThatThrownBy(() -> Principal.worker("admin")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Principal.worker(null)).isInstanceOf(NullPointerException.class);
  }
}
