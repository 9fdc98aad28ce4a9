package dev.eden.artifacts.maintenance;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactUris;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.maintenance.GcReport.Reclaimed;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.ArtifactBackend.Capability;
import dev.eden.artifacts.spi.ArtifactCursor;
import dev.eden.artifacts.spi.ArtifactPage;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.CommittedBlob;
import dev.eden.artifacts.spi.PageRequest;
import dev.eden.artifacts.spi.PendingLeftover;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reclaims the space of what no artifact needs any more, in three classes, each only once older
 * than a grace period (default {@link #DEFAULT_GRACE}):
 *
 * <ol>
 *   <li><b>orphan blobs</b>: committed bytes without a metadata row — a deposit whose row never
 *       committed (a deposit stores its blob first, by design), judged by the blob's {@linkplain
 *       CommittedBlob#committedAt() commit time}; needs {@link Capability#BLOB_LISTING};
 *   <li><b>leftovers of crashed writers</b>: temporary files, incomplete multipart uploads
 *       ({@link ArtifactBackend#stalePending}), judged by their last progress; needs {@link
 *       Capability#STALE_PENDING_SWEEP};
 *   <li><b>unreferenced artifacts</b>: rows of the configured experiments, created before the
 *       grace, that the application's {@link ArtifactReferences} says nothing refers to any more;
 *       the row is deleted first, then the bytes. Without {@code ArtifactReferences} no artifact
 *       with a row is ever deleted.
 * </ol>
 *
 * <p><b>Safe beside live deposits</b>, in this process or any other sharing the storage: a blob is
 * only a candidate once committed longer than the grace, its row is looked up after the blob was
 * listed, and a deposit whose row commits {@link #DEPOSIT_ROW_DEADLINE} or more after its blob
 * commit started fails instead of answering (its row is removed again). So no deposit that
 * succeeded can have lost its bytes to a collection that looked before its row existed, provided
 * the clocks that date blobs (this machine's for files on a local disk, the object store's for
 * {@code Last-Modified}) and the collector's agree to within the grace less the deadline, nine
 * minutes at the {@link #MINIMUM_GRACE}; a store that dates a multipart object by the start of its
 * upload (as Amazon S3 may) also needs a grace longer than the longest upload. The default grace of
 * a day leaves room for both.
 *
 * <p>Several collectors may run at once: every deletion is idempotent, and each run counts only
 * what it removed itself. A run is not atomic: a failure stops it where it is, with what was
 * removed so far removed, and the next run goes on.
 *
 * <pre>{@code
 * GcReport report = GarbageCollector.builder()
 *     .backend(backend)
 *     .store(store)
 *     .build()
 *     .collect();
 * log.info("gc: {}", report.summary());
 * }</pre>
 *
 * <p>Thread-safe. A run holds at most {@link #BATCH_SIZE} rows or blobs in memory, however many
 * artifacts there are; the leftovers of crashed writers are listed at once (there are few).
 */
public final class GarbageCollector {
  /** The grace used unless another is configured: 24 hours. */
  public static final Duration DEFAULT_GRACE = Duration.ofHours(24);
  /**
   * The longest a deposit may take from the start of its blob commit to its committed row, one
   * minute, by its service's clock and by the elapsed time alike; a deposit that takes longer fails
   * instead of succeeding.
   */
  public static final Duration DEPOSIT_ROW_DEADLINE = Duration.ofMinutes(1);
  /**
   * The shortest grace allowed, ten minutes: {@link #DEPOSIT_ROW_DEADLINE} plus room for the clocks
   * of the machines involved to disagree.
   */
  public static final Duration MINIMUM_GRACE = Duration.ofMinutes(10);
  /**
   * How many URIs one {@link ArtifactReferences#stillReferenced} call is asked about at most, and
   * how many blobs one {@link ArtifactStore#existing} call.
   */
  public static final int BATCH_SIZE = 500;

  /**
   * The brake on orphan collection: a batch of at least this many blobs older than the grace in
   * which more than half have no row stops the run, since that is what a collection pointed at the
   * wrong metadata database (an empty one, an old one) sees; see {@link
   * Builder#allowManyOrphans()}.
   */
  public static final int ORPHAN_BRAKE_MIN_BLOBS = 20;

  private static final ArtifactId LOWEST_ID = ArtifactId.parse("0".repeat(ArtifactId.LENGTH));

  private final ArtifactBackend backend;
  private final ArtifactStore store;
  private final Optional<ArtifactReferences> references;
  private final List<ExperimentId> experiments;
  private final Duration grace;
  private final Clock clock;
  private final boolean allowManyOrphans;

  private GarbageCollector(Builder builder) {
    this.backend = builder.backend;
    this.store = builder.store;
    this.references = Optional.ofNullable(builder.references);
    this.experiments = List.copyOf(builder.experiments);
    this.grace = builder.grace;
    this.clock = builder.clock;
    this.allowManyOrphans = builder.allowManyOrphans;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The grace this collector uses. */
  public Duration grace() {
    return grace;
  }

  /**
   * Removes every class of garbage older than the grace.
   *
   * @throws IOException if the backend, the store or the {@link ArtifactReferences} fails; what was
   *     removed before stays removed
   */
  public GcReport collect() throws IOException {
    return run(false);
  }

  /** Counts what {@link #collect()} would remove now, deleting nothing. */
  public GcReport dryRun() throws IOException {
    return run(true);
  }

  private GcReport run(boolean dryRun) throws IOException {
    Instant cutoff = clock.instant().minus(grace);
    try {
      Reclaimed unreferenced = unreferencedArtifacts(cutoff, dryRun);
      Reclaimed orphans = orphanBlobs(cutoff, dryRun);
      Reclaimed leftovers = stalePending(dryRun);
      return new GcReport(dryRun, grace, orphans, leftovers, unreferenced);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private Reclaimed orphanBlobs(Instant cutoff, boolean dryRun) throws IOException {
    if (!backend.capabilities().contains(Capability.BLOB_LISTING)) {
      return Reclaimed.notChecked("the blob store cannot list its blobs");
    }
    Tally tally = new Tally();
    List<CommittedBlob> candidates = new ArrayList<>(BATCH_SIZE);
    try (Stream<CommittedBlob> blobs = backend.blobs()) {
      for (Iterator<CommittedBlob> it = blobs.iterator(); it.hasNext(); ) {
        CommittedBlob blob = it.next();
        if (blob.committedAt().isBefore(cutoff)) {
          candidates.add(blob);
        }
        if (candidates.size() == BATCH_SIZE || (!it.hasNext() && !candidates.isEmpty())) {
          removeRowless(candidates, dryRun, tally);
          candidates.clear();
        }
      }
    }
    return tally.reclaimed();
  }

  /**
   * Removes those of {@code candidates} that have no row. The rows are looked up only now, after
   * the blobs were listed: a deposit whose row is not there yet committed its blob after the
   * cutoff, or will fail (see {@link #DEPOSIT_ROW_DEADLINE}).
   */
  private void removeRowless(List<CommittedBlob> candidates, boolean dryRun, Tally tally) throws IOException {
    Set<ArtifactId> withRows = store.existing(candidates.stream().map(CommittedBlob::id).toList());
    int rowless = candidates.size() - withRows.size();
    if (!allowManyOrphans && candidates.size() >= ORPHAN_BRAKE_MIN_BLOBS && rowless * 2 > candidates.size()) {
      throw new IOException(rowless + " of " + candidates.size() + " blobs older than the grace have no metadata"
          + " row: refusing to take them for orphans, as if the metadata store were the wrong one"
          + " (allow it when it is the right one)");
    }
    for (CommittedBlob blob : candidates) {
      if (!withRows.contains(blob.id()) && (dryRun || backend.delete(blob.id()))) {
        tally.add(blob.sizeBytes());
      }
    }
  }

  private Reclaimed stalePending(boolean dryRun) throws IOException {
    if (!backend.capabilities().contains(Capability.STALE_PENDING_SWEEP)) {
      return Reclaimed.notChecked("the blob store cannot list what crashed writers left");
    }
    Tally tally = new Tally();
    Stream<PendingLeftover> listed;
    try {
      listed = backend.stalePending(grace);
    } catch (UnsupportedOperationException e) {
      // a backend written before the listing existed, that overrides only sweepStalePending
      return Reclaimed.notChecked("the blob store cannot list what crashed writers left");
    }
    try (Stream<PendingLeftover> leftovers = listed) {
      for (Iterator<PendingLeftover> it = leftovers.iterator(); it.hasNext(); ) {
        PendingLeftover leftover = it.next();
        if (dryRun || backend.removeStalePending(leftover)) {
          tally.add(leftover.sizeBytes());
        }
      }
    }
    return tally.reclaimed();
  }

  private Reclaimed unreferencedArtifacts(Instant cutoff, boolean dryRun) throws IOException {
    if (references.isEmpty()) {
      return Reclaimed.notChecked("no reference checker configured");
    }
    Tally tally = new Tally();
    for (ExperimentId experiment : experiments) {
      // Rows in listing order (newest first) from just before the cutoff: only rows older than it.
      PageRequest request = PageRequest.first(BATCH_SIZE).withCursor(new ArtifactCursor(cutoff, LOWEST_ID));
      while (true) {
        ArtifactPage page = store.page(experiment, request);
        collectUnreferenced(experiment, page.artifacts(), dryRun, tally);
        if (page.nextCursor().isEmpty()) {
          break;
        }
        request = request.withCursor(page.nextCursor().get());
      }
    }
    return tally.reclaimed();
  }

  private void collectUnreferenced(ExperimentId experiment, List<ArtifactMetadata> rows, boolean dryRun,
      Tally tally) throws IOException {
    if (rows.isEmpty()) {
      return;
    }
    Map<String, ArtifactMetadata> byUri = new LinkedHashMap<>();
    rows.forEach(row -> byUri.put(ArtifactUris.toUri(row.id()), row));
    Set<String> referenced = references.get().stillReferenced(experiment, new ArrayList<>(byUri.keySet()));
    requireNonNull(referenced, "ArtifactReferences answered null");
    for (Map.Entry<String, ArtifactMetadata> entry : byUri.entrySet()) {
      if (referenced.contains(entry.getKey())) {
        continue;
      }
      ArtifactMetadata row = entry.getValue();
      // The row goes first: a failure in between leaves an orphan blob, which a later run removes,
      // never a row that points at missing bytes. The artifact counts to the run that removed its
      // bytes: once the row is gone, another collector sweeping orphans may take them (and count
      // them) first.
      if (dryRun || (store.delete(row.id()) && backend.delete(row.id()))) {
        tally.add(row.sizeBytes());
      }
    }
  }

  /** Counts and bytes of one class. */
  private static final class Tally {
    private long count;
    private long bytes;

    void add(long size) {
      count++;
      bytes += size;
    }

    Reclaimed reclaimed() {
      return new Reclaimed(count, bytes, Optional.empty());
    }
  }

  /** Configures a {@link GarbageCollector}. Not thread-safe. */
  public static final class Builder {
    private ArtifactBackend backend;
    private ArtifactStore store;
    private ArtifactReferences references;
    private List<ExperimentId> experiments = List.of();
    private Duration grace = DEFAULT_GRACE;
    private Clock clock = Clock.systemUTC();
    private boolean allowManyOrphans;

    private Builder() {}

    /** The blob store to collect in. Required. */
    public Builder backend(ArtifactBackend backend) {
      this.backend = requireNonNull(backend, "backend");
      return this;
    }

    /** The metadata store whose rows decide what is referenced by a row. Required. */
    public Builder store(ArtifactStore store) {
      this.store = requireNonNull(store, "store");
      return this;
    }

    /**
     * Which artifacts the application still refers to, and the experiments whose artifacts it
     * answers for; without it (the default) no artifact with a row is deleted.
     *
     * @param experiments the experiments whose rows are offered to {@code references}; not empty
     * @throws IllegalArgumentException if {@code experiments} is empty
     */
    public Builder references(ArtifactReferences references, List<ExperimentId> experiments) {
      requireNonNull(references, "references");
      requireNonNull(experiments, "experiments");
      if (experiments.isEmpty()) {
        throw new IllegalArgumentException("experiments must not be empty");
      }
      this.references = references;
      this.experiments = List.copyOf(experiments);
      return this;
    }

    /**
     * How old garbage must be before it is collected; defaults to {@link #DEFAULT_GRACE}.
     *
     * @throws IllegalArgumentException if shorter than {@link #MINIMUM_GRACE}
     */
    public Builder grace(Duration grace) {
      requireNonNull(grace, "grace");
      if (grace.compareTo(MINIMUM_GRACE) < 0) {
        throw new IllegalArgumentException("grace must be at least " + MINIMUM_GRACE + ": " + grace);
      }
      this.grace = grace;
      return this;
    }

    /**
     * Lets a run remove orphans however many blobs turn out to have no row; by default a batch in
     * which most old blobs have none stops the run ({@link #ORPHAN_BRAKE_MIN_BLOBS}). For the day
     * after an incident that left many orphans, once the metadata store is known to be the right
     * one.
     */
    public Builder allowManyOrphans() {
      this.allowManyOrphans = true;
      return this;
    }

    /** What "now" is; defaults to the UTC system clock. For tests. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** @throws IllegalStateException if the backend or the store is missing */
    public GarbageCollector build() {
      if (backend == null) {
        throw new IllegalStateException("backend is required");
      }
      if (store == null) {
        throw new IllegalStateException("store is required");
      }
      return new GarbageCollector(this);
    }
  }
}
