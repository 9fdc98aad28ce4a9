package dev.eden.artifacts.maintenance;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * What one {@link GarbageCollector} run removed, or in a dry run would remove, per class of
 * garbage. Immutable and thread-safe.
 *
 * @param dryRun whether nothing was deleted and the counts say what would have been
 * @param grace the grace the run used: nothing younger was considered
 * @param orphanBlobs blobs without a metadata row
 * @param stalePending leftovers of crashed writers (temporary files, incomplete multipart uploads)
 * @param unreferencedArtifacts artifacts (row and bytes) the {@link ArtifactReferences} said nothing
 *     refers to
 */
public record GcReport(boolean dryRun, Duration grace, Reclaimed orphanBlobs, Reclaimed stalePending,
    Reclaimed unreferencedArtifacts) {

  /** @throws NullPointerException if a component is null */
  public GcReport {
    requireNonNull(grace, "grace");
    requireNonNull(orphanBlobs, "orphanBlobs");
    requireNonNull(stalePending, "stalePending");
    requireNonNull(unreferencedArtifacts, "unreferencedArtifacts");
  }

  /**
   * One line for people and logs, e.g. {@code removed orphan blobs: 2 (2048 bytes), leftovers of
   * crashed deposits: 1 (4096 bytes), unreferenced artifacts: not checked (no reference checker
   * configured); grace PT24H}; a dry run says {@code would remove}.
   */
  public String summary() {
    return (dryRun ? "would remove " : "removed ")
        + "orphan blobs: " + orphanBlobs.describe()
        + ", leftovers of crashed deposits: " + stalePending.describe()
        + ", unreferenced artifacts: " + unreferencedArtifacts.describe()
        + "; grace " + grace;
  }

  /** Everything the run removed (or would remove), in bytes, over all classes. */
  public long totalBytes() {
    return orphanBlobs.bytes() + stalePending.bytes() + unreferencedArtifacts.bytes();
  }

  /**
   * One class of garbage in a run.
   *
   * @param count how many items were removed (or would be), {@code >= 0}
   * @param bytes how many bytes they held, {@code >= 0}
   * @param notChecked why the class was not examined at all (the backend cannot list blobs, no
   *     {@link ArtifactReferences} was configured); empty when it was
   */
  public record Reclaimed(long count, long bytes, Optional<String> notChecked) {
    /** A class that was not examined, and why. */
    public static Reclaimed notChecked(String why) {
      return new Reclaimed(0, 0, Optional.of(why));
    }

    /**
     * @throws NullPointerException if {@code notChecked} is null
     * @throws IllegalArgumentException if a count is negative, or a class not checked has counts
     */
    public Reclaimed {
      requireNonNull(notChecked, "notChecked");
      if (count < 0 || bytes < 0) {
        throw new IllegalArgumentException("counts must not be negative: " + count + ", " + bytes);
      }
      if (notChecked.isPresent() && (count != 0 || bytes != 0)) {
        throw new IllegalArgumentException("a class not checked has nothing removed");
      }
    }

    String describe() {
      return notChecked.map(why -> "not checked (" + why + ")").orElse(count + " (" + bytes + " bytes)");
    }
  }
}
