package dev.eden.artifacts.spi;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.Principal;
import java.util.HashMap;
import java.util.Map;

/**
 * How many artifacts an experiment holds and how many bytes they take, overall and per depositor,
 * from {@link ArtifactStore#summarize}. Immutable and thread-safe.
 *
 * @param overall every row of the experiment
 * @param byDepositor per {@code created_by}; depositors without rows are absent
 */
public record ArtifactSummary(Totals overall, Map<Principal, Totals> byDepositor) {

  /** Copies {@code byDepositor}. @throws NullPointerException if an argument is null */
  public ArtifactSummary {
    requireNonNull(overall, "overall");
    byDepositor = Map.copyOf(byDepositor);
  }

  /**
   * A count of rows and the sum of their sizes.
   *
   * @param artifacts how many rows, {@code >= 0}
   * @param bytes the sum of their {@code sizeBytes}, {@code >= 0}; saturates at {@link
   *     Long#MAX_VALUE}
   */
  public record Totals(long artifacts, long bytes) {
    /** No rows. */
    public static final Totals NONE = new Totals(0, 0);

    /** @throws IllegalArgumentException if a component is negative */
    public Totals {
      if (artifacts < 0 || bytes < 0) {
        throw new IllegalArgumentException("totals must not be negative: " + artifacts + ", " + bytes);
      }
    }

    /** These totals and {@code other} together. */
    public Totals plus(Totals other) {
      return new Totals(artifacts + other.artifacts, saturatedSum(bytes, other.bytes));
    }

    private static long saturatedSum(long a, long b) {
      long sum = a + b;
      return sum < 0 ? Long.MAX_VALUE : sum; // both are non-negative: a wrap means overflow
    }
  }

  /** A builder that starts from no rows. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Adds rows one at a time; what a store without a summary query of its own uses. Not
   * thread-safe.
   */
  public static final class Builder {
    private Totals overall = Totals.NONE;
    private final Map<Principal, Totals> byDepositor = new HashMap<>();

    private Builder() {}

    /** Counts {@code row}. */
    public Builder add(ArtifactMetadata row) {
      return add(row.createdBy(), new Totals(1, row.sizeBytes()));
    }

    /** Counts {@code totals} for {@code depositor}. */
    public Builder add(Principal depositor, Totals totals) {
      requireNonNull(depositor, "depositor");
      requireNonNull(totals, "totals");
      overall = overall.plus(totals);
      byDepositor.merge(depositor, totals, Totals::plus);
      return this;
    }

    public ArtifactSummary build() {
      return new ArtifactSummary(overall, byDepositor);
    }
  }
}
