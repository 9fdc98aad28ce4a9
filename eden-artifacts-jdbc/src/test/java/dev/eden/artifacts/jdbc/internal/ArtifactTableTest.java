package dev.eden.artifacts.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import java.nio.file.Path;
import dev.eden.artifacts.spi.ArtifactCursor;
import dev.eden.artifacts.spi.PageRequest;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactTableTest {
  private static final ExperimentId EXPERIMENT = ExperimentId.mint();

  @TempDir Path dir;
  private Handle handle;
  private final ArtifactTable table = new ArtifactTable(TableNames.withPrefix("t_"));

  @BeforeEach
  void openDatabase() throws Exception {
    handle = Jdbi.create("jdbc:sqlite:" + dir.resolve("table.db")).open();
    Migrations.migrate(handle.getConnection(), Dialect.SQLITE, TableNames.withPrefix("t_"));
  }

  @AfterEach
  void closeDatabase() {
    handle.close();
  }

  @Test
  void everyColumnRoundTrips() {
    ArtifactMetadata row = row(Instant.parse("2026-01-02T03:04:05.678Z"));

    assertThat(table.insert(handle, row)).isTrue();

    assertThat(table.find(handle, EXPERIMENT, row.id())).contains(row);
    assertThat(table.contains(handle, row.id())).isTrue();
  }

  @Test
  void insertOfAnExistingIdReportsFalseAndKeepsTheFirstRow() {
    ArtifactMetadata first = row(Instant.parse("2026-01-02T03:04:05Z"));
    table.insert(handle, first);
    ArtifactMetadata again =
        new ArtifactMetadata(
            EXPERIMENT, first.id(), first.createdBy(), 1, "text/plain", first.createdAt(), "cd".repeat(32), "other.txt");

    assertThat(table.insert(handle, again)).isFalse();
    assertThat(table.find(handle, EXPERIMENT, first.id())).contains(first);
  }

  @Test
  void everyPageIsReadFromAnIndexWithoutSorting() {
    Principal worker = Principal.worker(Principal.mintWorkerId());
    ArtifactCursor cursor = new ArtifactCursor(Instant.parse("2026-01-02T03:04:05Z"), ArtifactId.mint());
    for (PageRequest request : List.of(PageRequest.first(10), PageRequest.first(10).withCursor(cursor),
        PageRequest.first(10).withCreatedBy(worker), PageRequest.first(10).withCreatedBy(worker).withCursor(cursor))) {
      String plan = String.join("\n", table.pageQuery(handle, "EXPLAIN QUERY PLAN ", EXPERIMENT, request, 11)
          .map((rs, ctx) -> rs.getString("detail")).list());
      assertThat(plan).as("plan of %s", request).contains("USING INDEX").doesNotContain("TEMP B-TREE");
    }
  }

  @Test
  void findInAnotherExperimentIsEmpty() {
    ArtifactMetadata row = row(Instant.parse("2026-01-02T03:04:05Z"));
    table.insert(handle, row);

    assertThat(table.find(handle, ExperimentId.mint(), row.id())).isEmpty();
  }

  @Test
  void idsCreatedBeforeIsStrictToTheMillisecondAndOldestFirst() {
    ArtifactMetadata older = row(Instant.parse("2026-01-01T00:00:00.001Z"));
    ArtifactMetadata newer = row(Instant.parse("2026-01-01T00:00:00.002Z"));
    table.insert(handle, newer);
    table.insert(handle, older);

    assertThat(table.idsCreatedBefore(handle, EXPERIMENT, newer.createdAt(), 10))
        .containsExactly(older.id());
    assertThat(table.idsCreatedBefore(handle, EXPERIMENT, newer.createdAt().plusNanos(1), 10))
        .containsExactly(older.id(), newer.id());
    assertThat(table.idsCreatedBefore(handle, EXPERIMENT, Instant.MAX, 1))
        .containsExactly(older.id());
  }

  @Test
  void deleteReportsWhetherARowWentAway() {
    ArtifactMetadata row = row(Instant.parse("2026-01-02T03:04:05Z"));
    table.insert(handle, row);

    assertThat(table.delete(handle, row.id())).isTrue();
    assertThat(table.delete(handle, row.id())).isFalse();
    assertThat(table.contains(handle, row.id())).isFalse();
  }

  @Test
  void firstMillisNotBeforeRoundsPartialMillisecondsUp() {
    assertThat(ArtifactTable.firstMillisNotBefore(Instant.ofEpochMilli(5))).isEqualTo(5);
    assertThat(ArtifactTable.firstMillisNotBefore(Instant.ofEpochMilli(5).plusNanos(1)))
        .isEqualTo(6);
    assertThat(ArtifactTable.firstMillisNotBefore(Instant.ofEpochMilli(-5).minusNanos(1)))
        .isEqualTo(-5);
    assertThat(ArtifactTable.firstMillisNotBefore(Instant.MAX)).isEqualTo(Long.MAX_VALUE);
    assertThat(ArtifactTable.firstMillisNotBefore(Instant.MIN)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void storableRejectsInstantsOutsideTheMillisecondRange() {
    assertThat(ArtifactTable.storable(Instant.ofEpochMilli(42))).isEqualTo(42);
    assertThatThrownBy(() -> ArtifactTable.storable(Instant.MAX))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("createdAt is outside the storable range: ");
  }

  private static ArtifactMetadata row(Instant createdAt) {
    return new ArtifactMetadata(
        EXPERIMENT,
        ArtifactId.mint(),
        Principal.worker(Principal.mintWorkerId()),
        1234,
        "application/json",
        createdAt,
        "ab".repeat(32),
        "result.json");
  }
}
