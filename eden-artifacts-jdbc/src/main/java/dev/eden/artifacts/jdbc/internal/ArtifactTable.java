package dev.eden.artifacts.jdbc.internal;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
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
  private final String idsBefore;
  private final String delete;

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
    this.idsBefore =
        "SELECT artifact_id FROM " + table + " WHERE experiment_id = :experiment AND created_at < :before"
            + " ORDER BY created_at, artifact_id LIMIT :limit";
    this.delete = "DELETE FROM " + table + " WHERE artifact_id = :id";
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
