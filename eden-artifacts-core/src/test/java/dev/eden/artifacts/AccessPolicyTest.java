package dev.eden.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The contract's fetch rule (WIRE-CONTRACT §5) and how grants compose with it. */
class AccessPolicyTest {
  private static final Principal DEPOSITOR = Principal.worker(Principal.mintWorkerId());
  private static final Principal OTHER = Principal.worker(Principal.mintWorkerId());
  private static final ArtifactMetadata ARTIFACT = new ArtifactMetadata(ExperimentId.mint(),
      ArtifactId.mint(), DEPOSITOR, 1, "text/plain", Instant.now(), "0".repeat(64), "f");

  private final AccessPolicy contract = AccessPolicy.depositorOrAdminClass();

  @Test
  void depositorAdminAndAdminsMembersMayFetch() {
    assertThat(contract.mayFetch(DEPOSITOR, ARTIFACT)).isTrue();
    assertThat(contract.mayFetch(DEPOSITOR.withGroup("anything"), ARTIFACT)).isTrue();
    assertThat(contract.mayFetch(Principal.admin(), ARTIFACT)).isTrue();
    assertThat(contract.mayFetch(OTHER.withGroup(Principal.ADMINS_GROUP), ARTIFACT)).isTrue();
  }

  @Test
  void anyoneElseMayNot() {
    assertThat(contract.mayFetch(OTHER, ARTIFACT)).isFalse();
    // only the reserved name counts; a look-alike group or role is not admin-class
    assertThat(contract.mayFetch(OTHER.withGroups(Set.of("admin", "Admins", "grp_admins")), ARTIFACT)).isFalse();
  }

  @Test
  void orAsksTheGrantOnlyWhenTheFirstPolicyRefuses() {
    List<Principal> asked = new ArrayList<>();
    AccessPolicy grant = (principal, artifact) -> {
      asked.add(principal);
      return principal.isMemberOf("evaluators");
    };
    AccessPolicy policy = contract.or(grant);
    assertThat(policy.mayFetch(DEPOSITOR, ARTIFACT)).isTrue();
    assertThat(policy.mayFetch(Principal.admin(), ARTIFACT)).isTrue();
    assertThat(asked).isEmpty();
    assertThat(policy.mayFetch(OTHER.withGroup("evaluators"), ARTIFACT)).isTrue();
    assertThat(policy.mayFetch(OTHER, ARTIFACT)).isFalse();
    assertThat(asked).containsExactly(OTHER, OTHER);
  }

  @Test
  void onlyAdminClassPrincipalsMayListByDefault() {
    ExperimentId experiment = ARTIFACT.experimentId();
    assertThat(contract.mayList(Principal.admin(), experiment)).isTrue();
    assertThat(contract.mayList(OTHER.withGroup(Principal.ADMINS_GROUP), experiment)).isTrue();
    assertThat(contract.mayList(DEPOSITOR, experiment)).as("depositing grants no listing").isFalse();
    assertThat(contract.mayList(OTHER.withGroups(Set.of("admin", "Admins")), experiment)).isFalse();
    AccessPolicy lambda = (principal, artifact) -> true;
    assertThat(lambda.mayList(DEPOSITOR, experiment)).as("a lambda keeps the default").isFalse();
  }

  @Test
  void orCombinesListingToo() {
    ExperimentId experiment = ARTIFACT.experimentId();
    AccessPolicy observers = new AccessPolicy() {
      @Override
      public boolean mayFetch(Principal principal, ArtifactMetadata artifact) {
        return false;
      }

      @Override
      public boolean mayList(Principal principal, ExperimentId experimentId) {
        return principal.isMemberOf("observers");
      }
    };
    assertThat(contract.or(observers).mayList(OTHER.withGroup("observers"), experiment)).isTrue();
    assertThat(observers.or(contract).mayList(Principal.admin(), experiment)).isTrue();
    assertThat(contract.or(observers).mayList(OTHER, experiment)).isFalse();
    assertThat(contract.or(observers).mayFetch(DEPOSITOR, ARTIFACT)).isTrue();
  }
}
