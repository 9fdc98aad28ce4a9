package dev.eden.artifacts.jdbc.internal;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.spi.ArtifactSummary;
import dev.eden.artifacts.spi.PageRequest;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The SQL of the artifacts table and the mapping between its rows and {@link ArtifactMetadata}:
 * the one place that knows the columns. {@code created_at} is stored as epoch milliseconds.
 *
 * <p>Every method runs on the caller's {@link Handle} and leaves it open; Jdbi exceptions pass
 * through, and a row that does not parse raises {@link IllegalArgumentException}. Immutable and
 * thread-safe. Not API.
 */
public final class ArtifactTable {
  private static final String COLUMNS =
      "artifact_id, experiment_id, created_by, size_bytes, content_type, sha256, filename, created_at";

  private final String insert;
  private final String find;
  private final String contains;
  private final String existing;
  private final String idsBefore;
  private final String delete;
  private final String table;

  public ArtifactTable(TableNames names) {
    String table = requireNonNull(names, "names").artifacts();
    // ON CONFLICT on the key only: any other constraint failure still raises, and on PostgreSQL a
    // duplicate does not abort a surrounding transaction.
    this.insert =
        "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (:id, :experiment, :createdBy, :size,"
            + " :contentType, :sha256, :filename, :createdAt) ON CONFLICT (artifact_id) DO NOTHING";
    this.find =
        "SELECT " + COLUMNS + " FROM " + table + " WHERE artifact_id = :id AND experiment_id = :experiment";
    this.contains = "SELECT COUNT(*) FROM " + table + " WHERE artifact_id = :id";
    this.existing = "SELECT artifact_id FROM " + table + " WHERE artifact_id IN (<ids>)";
    this.idsBefore =
        "SELECT artifact_id FROM " + table + " WHERE experiment_id = :experiment AND created_at < :before"
            + " ORDER BY created_at, artifact_id LIMIT :limit";
    this.delete = "DELETE FROM " + table + " WHERE artifact_id = :id";
    this.table = table;
  }

  /** Inserts one row; false if its id exists. */
  public boolean insert(Handle handle, ArtifactMetadata metadata) {
    return handle
            .createUpdate(insert)
            .bind("id", metadata.id().value())
            .bind("experiment", metadata.experimentId().value())
            .bind("createdBy", metadata.createdBy().name())
            .bind("size", metadata.sizeBytes())
            .bind("contentType", metadata.contentType())
            .bind("sha256", metadata.sha256())
            .bind("filename", metadata.filename())
            .bind("createdAt", storable(metadata.createdAt()))
            .execute()
        > 0;
  }

  public Optional<ArtifactMetadata> find(Handle handle, ExperimentId experimentId, ArtifactId id) {
    return handle
        .createQuery(find)
        .bind("id", id.value())
        .bind("experiment", experimentId.value())
        .map(ArtifactTable::toMetadata)
        .findOne();
  }

  public boolean contains(Handle handle, ArtifactId id) {
    return handle.createQuery(contains).bind("id", id.value()).mapTo(Long.class).one() > 0;
  }

  /** Which of {@code ids} have a row, in one query. */
  public Set<ArtifactId> existing(Handle handle, Collection<ArtifactId> ids) {
    if (ids.isEmpty()) {
      return new HashSet<>();
    }
    return handle
        .createQuery(existing)
        .bindList("ids", ids.stream().map(ArtifactId::value).toList())
        .map((rs, ctx) -> ArtifactId.parse(rs.getString(1)))
        .collect(Collectors.toCollection(HashSet::new));
  }

  /** Up to {@code limit} ids of {@code experimentId} created before {@code cutoff}, oldest first. */
  public List<ArtifactId> idsCreatedBefore(
      Handle handle, ExperimentId experimentId, Instant cutoff, int limit) {
    return handle
        .createQuery(idsBefore)
        .bind("experiment", experimentId.value())
        .bind("before", firstMillisNotBefore(cutoff))
        .bind("limit", limit)
        .map((rs, ctx) -> ArtifactId.parse(rs.getString(1)))
        .list();
  }

  /**
   * Up to {@code limit} rows of {@code experimentId} in listing order (newest first, then by id
   * descending) after {@code request}'s cursor, of its depositor when set. Keyset paging: the
   * cursor is a position {@code (created_at, artifact_id)}, compared as a row value, which both
   * databases answer from an index read backwards.
   */
  public List<ArtifactMetadata> page(Handle handle, ExperimentId experimentId, PageRequest request, int limit) {
    return pageQuery(handle, "", experimentId, request, limit).map(ArtifactTable::toMetadata).list();
  }

  /** The page query, bound, behind {@code prefix} ({@code "EXPLAIN QUERY PLAN "} in a test). */
  Query pageQuery(Handle handle, String prefix, ExperimentId experimentId, PageRequest request, int limit) {
    StringBuilder sql = new StringBuilder(prefix + "SELECT " + COLUMNS + " FROM " + table + " WHERE experiment_id = :experiment");
    request.createdBy().ifPresent(p -> sql.append(" AND created_by = :createdBy"));
    // The plain created_at bound lets SQLite's planner narrow the index range; the row value
    // decides ties within the cursor's millisecond.
    request.cursor().ifPresent(c -> sql.append(" AND created_at <= :at AND (created_at, artifact_id) < (:at, :id)"));
    sql.append(" ORDER BY created_at DESC, artifact_id DESC LIMIT :limit");
    Query query = handle.createQuery(sql.toString())
        .bind("experiment", experimentId.value())
        .bind("limit", limit);
    request.createdBy().ifPresent(p -> query.bind("createdBy", p.name()));
    request.cursor().ifPresent(c -> query.bind("at", storable(c.createdAt())).bind("id", c.id().value()));
    return query;
  }

  /**
   * Row count and size sum of {@code experimentId} per depositor, in one statement (one snapshot).
   * A sum beyond {@link Long#MAX_VALUE} saturates on PostgreSQL (where it is a {@code numeric});
   * SQLite reports it as an integer overflow.
   */
  public ArtifactSummary summarize(Handle handle, ExperimentId experimentId) {
    ArtifactSummary.Builder summary = ArtifactSummary.builder();
    handle.createQuery("SELECT created_by, COUNT(*), SUM(size_bytes) FROM " + table
            + " WHERE experiment_id = :experiment GROUP BY created_by")
        .bind("experiment", experimentId.value())
        .map((rs, ctx) -> summary.add(Principal.parse(rs.getString(1)),
            new ArtifactSummary.Totals(rs.getLong(2), saturated(rs.getBigDecimal(3)))))
        .list();
    return summary.build();
  }

  private static long saturated(BigDecimal sum) {
    return sum.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : sum.longValueExact();
  }

  /** Deletes one row; false if there was none. */
  public boolean delete(Handle handle, ArtifactId id) {
    return handle.createUpdate(delete).bind("id", id.value()).execute() > 0;
  }

  /**
   * Epoch millis of {@code createdAt} (already truncated to millis by {@link ArtifactMetadata}).
   *
   * @throws IllegalArgumentException if it does not fit in a {@code long}
   */
  public static long storable(Instant createdAt) {
    try {
      return createdAt.toEpochMilli();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("createdAt is outside the storable range: " + createdAt, e);
    }
  }

  /**
   * The smallest epoch millisecond that is not before {@code cutoff}: a row stored at millisecond
   * {@code m} was created before {@code cutoff} exactly when {@code m} is less than this.
   */
  static long firstMillisNotBefore(Instant cutoff) {
    try {
      long millis = cutoff.toEpochMilli(); // floors
      return cutoff.getNano() % 1_000_000 == 0 ? millis : millis + 1;
    } catch (ArithmeticException e) {
      return cutoff.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static ArtifactMetadata toMetadata(ResultSet rs, StatementContext ctx)
      throws SQLException {
    return new ArtifactMetadata(
        ExperimentId.parse(rs.getString("experiment_id")),
        ArtifactId.parse(rs.getString("artifact_id")),
        Principal.parse(rs.getString("created_by")),
        rs.getLong("size_bytes"),
        rs.getString("content_type"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        rs.getString("sha256"),
        rs.getString("filename"));
  }
}
