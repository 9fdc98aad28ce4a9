package dev.eden.artifacts.maintenance;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactUris;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.internal.ByteRateLimiter;
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
import java.io.InterruptedIOException;
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
 * than a grace period (default {@link #DEFAULT_GRACE}) unless said otherwise:
 *
 * <ol>
 *   <li><b>orphan blobs</b>: committed bytes without a metadata row — a deposit whose row never
 *       committed (a deposit stores its blob first, by design), judged by the blob's {@linkplain
 *       CommittedBlob#committedAt() commit time}; needs {@link Capability#BLOB_LISTING};
 *   <li><b>leftovers of crashed writers</b>: temporary files, incomplete multipart uploads
 *       ({@link ArtifactBackend#stalePending}), judged by their last progress — or at any age,
 *       where the backend knows their writer is gone (the file backend does); needs {@link
 *       Capability#STALE_PENDING_SWEEP};
 *   <li><b>unreferenced artifacts</b>: rows of the configured experiments, created before the
 *       grace, that the application's {@link ArtifactReferences} says nothing refers to any more;
 *       the row is deleted first, then the bytes. Without {@code ArtifactReferences} no artifact
 *       with a row is ever deleted.
 * </ol>
 *
 * <p><b>Safe beside live deposits</b>, in this process or any other sharing the storage, whatever
 * the clocks that date blobs say: a blob's row is looked up only after the blob was listed, and a
 * blob found without one is removed only if it still has none when looked up again {@link
 * #DEPOSIT_ROW_DEADLINE} later by this collector's clock; a deposit whose row commits that long or
 * longer after its blob commit started fails instead of answering (its row is removed again). So
 * a deposit that succeeded had its row in place by the second look-up. A run that finds blobs
 * without a row therefore takes at least {@code DEPOSIT_ROW_DEADLINE}; a {@link #dryRun()} does
 * not wait and counts the blobs without a row at the first look-up.
 *
 * <p>Several collectors may run at once: every deletion is idempotent, and each run counts only
 * what it removed itself. A run takes the classes in the order above, the application's {@link
 * ArtifactReferences} last, so that its failure does not keep the storage's own garbage. A run is
 * not atomic: a failure stops it where it is, with what was removed so far removed, and the next
 * run goes on.
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
   * The shortest grace allowed, ten minutes: well above {@link #DEPOSIT_ROW_DEADLINE}, so deposits
   * in progress are not even looked at.
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

  /** How many blobs without a row a run keeps for their second look-up at most, before it settles them. */
  static final int MAX_SUSPECTS = 10_000;

  private static final ArtifactId LOWEST_ID = ArtifactId.parse("0".repeat(ArtifactId.LENGTH));

  private final ArtifactBackend backend;
  private final ArtifactStore store;
  private final Optional<ArtifactReferences> references;
  private final List<ExperimentId> experiments;
  private final Duration grace;
  private final Clock clock;
  private final boolean allowManyOrphans;
  private final Duration recheckDelay;
  private final ByteRateLimiter.Sleeper sleeper;

  private GarbageCollector(Builder builder) {
    this.backend = builder.backend;
    this.store = builder.store;
    this.references = Optional.ofNullable(builder.references);
    this.experiments = List.copyOf(builder.experiments);
    this.grace = builder.grace;
    this.clock = builder.clock;
    this.allowManyOrphans = builder.allowManyOrphans;
    this.recheckDelay = builder.recheckDelay;
    this.sleeper = builder.sleeper;
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
      // The application's reference checker goes last: should it fail, the storage's own garbage
      // is reclaimed all the same.
      Reclaimed orphans = orphanBlobs(cutoff, dryRun);
      Reclaimed leftovers = stalePending(dryRun);
      Reclaimed unreferenced = unreferencedArtifacts(cutoff, dryRun);
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
    Suspects suspects = new Suspects();
    List<CommittedBlob> candidates = new ArrayList<>(BATCH_SIZE);
    try (Stream<CommittedBlob> blobs = backend.blobs()) {
      for (Iterator<CommittedBlob> it = blobs.iterator(); it.hasNext(); ) {
        CommittedBlob blob = it.next();
        if (blob.committedAt().isBefore(cutoff)) {
          candidates.add(blob);
        }
        if (candidates.size() == BATCH_SIZE || (!it.hasNext() && !candidates.isEmpty())) {
          suspects.add(rowless(candidates), clock.instant());
          candidates.clear();
          if (suspects.size() >= MAX_SUSPECTS) {
            removeStillRowless(suspects, dryRun, tally);
          }
        }
      }
    }
    removeStillRowless(suspects, dryRun, tally);
    return tally.reclaimed();
  }

  /**
   * Those of {@code candidates} that have no row. The rows are looked up only now, after the blobs
   * were listed.
   */
  private List<CommittedBlob> rowless(List<CommittedBlob> candidates) throws IOException {
    Set<ArtifactId> withRows = store.existing(candidates.stream().map(CommittedBlob::id).toList());
    int rowless = candidates.size() - withRows.size();
    if (!allowManyOrphans && candidates.size() >= ORPHAN_BRAKE_MIN_BLOBS && rowless * 2 > candidates.size()) {
      throw new IOException(rowless + " of " + candidates.size() + " blobs older than the grace have no metadata"
          + " row: refusing to take them for orphans, as if the metadata store were the wrong one"
          + " (allow it when it is the right one)");
    }
    return candidates.stream().filter(blob -> !withRows.contains(blob.id())).toList();
  }

  /**
   * Removes the suspects that still have no row {@link #DEPOSIT_ROW_DEADLINE} after they were
   * first found without one: a deposit whose blob was listed had started its commit before, so by
   * then its row is there, or the deposit fails. This holds whatever the clocks that date blobs
   * say. A dry run counts the suspects without waiting.
   */
  private void removeStillRowless(Suspects suspects, boolean dryRun, Tally tally) throws IOException {
    if (suspects.size() == 0) {
      return;
    }
    if (!dryRun) {
      waitUntil(suspects.lastLookedUp.plus(recheckDelay));
    }
    List<CommittedBlob> all = new ArrayList<>(suspects.blobs);
    suspects.clear();
    for (int from = 0; from < all.size(); from += BATCH_SIZE) {
      List<CommittedBlob> chunk = all.subList(from, Math.min(all.size(), from + BATCH_SIZE));
      Set<ArtifactId> withRowsNow = dryRun ? Set.of() : store.existing(chunk.stream().map(CommittedBlob::id).toList());
      for (CommittedBlob blob : chunk) {
        if (!withRowsNow.contains(blob.id()) && (dryRun || backend.delete(blob.id()))) {
          tally.add(blob.sizeBytes());
        }
      }
    }
  }

  private void waitUntil(Instant until) throws IOException {
    try {
      for (Instant now = clock.instant(); now.isBefore(until); now = clock.instant()) {
        sleeper.sleep(Math.max(1, Duration.between(now, until).toNanos()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to look the rows of orphan candidates up again");
    }
  }

  /** Blobs found without a row, waiting for their second look-up. */
  private static final class Suspects {
    final List<CommittedBlob> blobs = new ArrayList<>();
    Instant lastLookedUp;

    void add(List<CommittedBlob> rowless, Instant lookedUp) {
      if (!rowless.isEmpty()) {
        blobs.addAll(rowless);
        lastLookedUp = lookedUp;
      }
    }

    int size() {
      return blobs.size();
    }

    void clear() {
      blobs.clear();
      lastLookedUp = null;
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
    private Duration recheckDelay = DEPOSIT_ROW_DEADLINE;
    private ByteRateLimiter.Sleeper sleeper = ByteRateLimiter.Sleeper.SYSTEM;

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

    /**
     * How long after a blob was first found without a row it is looked up again before it is
     * removed; {@link #DEPOSIT_ROW_DEADLINE} unless set, and shorter only where no deposit can race
     * the collection (tests, a store no server writes to).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder recheckDelay(Duration recheckDelay) {
      requireNonNull(recheckDelay, "recheckDelay");
      if (recheckDelay.isNegative()) {
        throw new IllegalArgumentException("recheckDelay must not be negative: " + recheckDelay);
      }
      this.recheckDelay = recheckDelay;
      return this;
    }

    /** How the collector waits for the second look-up (tests advance a test clock in it). */
    Builder sleeper(ByteRateLimiter.Sleeper sleeper) {
      this.sleeper = requireNonNull(sleeper, "sleeper");
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
