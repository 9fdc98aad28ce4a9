package dev.eden.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A principal's identity is its name; its groups are what the authenticator resolved. */
class PrincipalTest {
  private static final String WORKER = "wkr_0123456789abcdefghjkmnpqrs";

  @Test
  void groupsAreCarriedButIdentityIsTheName() {
    Principal bare = Principal.worker(WORKER);
    Principal member = bare.withGroups(List.of("admins", "evaluators"));
    assertThat(bare.groups()).isEmpty();
    assertThat(member.groups()).containsExactly("admins", "evaluators");
    assertThat(member.isMemberOf("admins")).isTrue();
    assertThat(bare.isMemberOf("admins")).isFalse();
    assertThat(member).isEqualTo(bare).hasSameHashCodeAs(bare);
    assertThat(member.name()).isEqualTo(WORKER);
    assertThat(member).hasToString(WORKER);
  }

  @Test
  void groupsAreImmutableAndCopiedFromTheCaller() {
    List<String> source = new ArrayList<>(Arrays.asList("b", "a", "b"));
    Principal p = Principal.worker(WORKER).withGroups(source);
    source.add("admins");
    assertThat(p.groups()).containsExactly("a", "b");
    assertThatThrownBy(() -> p.groups().add("admins")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(p.withGroup("admins").groups()).containsExactly("a", "admins", "b");
    assertThat(p.groups()).containsExactly("a", "b");
    assertThat(p.withGroups(Set.of()).groups()).isEmpty();
  }

  @Test
  void badGroupNamesAreRefused() {
    Principal p = Principal.worker(WORKER);
    assertThatThrownBy(() -> p.withGroups(List.of(""))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.withGroups(List.of("a\nb"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.withGroups(Arrays.asList("a", null))).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> p.withGroups(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> p.isMemberOf(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void theAdminStaysTheAdminWithGroupsAndAnAdminsMemberIsNotTheAdmin() {
    assertThat(Principal.admin().withGroup("ops").isAdmin()).isTrue();
    assertThat(Principal.admin().groups()).isEmpty();
    assertThat(Principal.worker(WORKER).withGroup(Principal.ADMINS_GROUP).isAdmin()).isFalse();
  }

  @Test
  void metadataRecordsTheDepositorsNameOnly() {
    Principal member = Principal.worker(WORKER).withGroups(List.of("admins"));
    ArtifactMetadata row = new ArtifactMetadata(ExperimentId.mint(), ArtifactId.mint(), member, 0,
        "text/plain", java.time.Instant.now(), "0".repeat(64), "f");
    assertThat(row.createdBy()).isEqualTo(member);
    assertThat(row.createdBy().groups()).isEmpty();
  }
}
