package dev.eden.artifacts.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.Principal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageRequestTest {

  @ParameterizedTest
  @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, PageRequest.MAX_LIMIT + 1})
  void limitOutsideOneToMaxIsRefused(int limit) {
    assertThatThrownBy(() -> PageRequest.first(limit))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be between 1 and 1000: " + limit);
  }

  @Test
  void copiesChangeOneThingEach() {
    Principal worker = Principal.worker(Principal.mintWorkerId());
    PageRequest first = PageRequest.first(5);
    PageRequest filtered = first.withCreatedBy(worker);
    assertThat(first.createdBy()).isEmpty();
    assertThat(first.cursor()).isEmpty();
    assertThat(filtered.createdBy()).contains(worker);
    assertThat(filtered.limit()).isEqualTo(5);
    assertThat(filtered).isEqualTo(PageRequest.first(5).withCreatedBy(worker)).isNotEqualTo(first);
    assertThatThrownBy(() -> first.withCursor(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> first.withCreatedBy(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void summaryTotalsAddUpAndSaturate() {
    Principal worker = Principal.worker(Principal.mintWorkerId());
    ArtifactSummary summary = ArtifactSummary.builder()
        .add(worker, new ArtifactSummary.Totals(1, Long.MAX_VALUE - 1))
        .add(worker, new ArtifactSummary.Totals(2, 10))
        .add(Principal.admin(), new ArtifactSummary.Totals(1, 3))
        .build();
    assertThat(summary.overall()).isEqualTo(new ArtifactSummary.Totals(4, Long.MAX_VALUE));
    assertThat(summary.byDepositor()).containsOnly(
        Map.entry(worker, new ArtifactSummary.Totals(3, Long.MAX_VALUE)),
        Map.entry(Principal.admin(), new ArtifactSummary.Totals(1, 3)));
  }
}
