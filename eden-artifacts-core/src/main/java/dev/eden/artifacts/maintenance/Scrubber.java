package dev.eden.artifacts.maintenance;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.internal.ByteRateLimiter;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.ArtifactPage;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.PageRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Proves that stored artifacts are still intact: re-reads every blob of an experiment, re-hashes
 * it with SHA-256 and compares its size and digest with what its metadata row recorded at deposit
 * ({@link ArtifactMetadata#sizeBytes()}, {@link ArtifactMetadata#sha256()}). The wire contract
 * promises that a fetch never returns other bytes than the deposited ones and that an issued URI
 * stays resolvable (WIRE-CONTRACT §7); a scrub finds where storage broke that promise (a flipped
 * bit, a truncated or appended file, a lost object) before a worker fetches it.
 *
 * <pre>{@code
 * Scrubber scrubber = Scrubber.builder().store(store).backend(backend).bytesPerSecond(50_000_000).build();
 * ScrubReport report = scrubber.scrub(experiment, new ScrubListener() {
 *   public void damageFound(ScrubFinding finding) {
 *     System.out.println(finding); // eden://artifacts/<id> digest mismatch: recorded sha256 …, found …
 *   }
 * });
 * }</pre>
 *
 * <p><b>What it reads.</b> For each experiment it pages through the rows with {@link
 * ArtifactStore#page} ({@link PageRequest#MAX_LIMIT} rows a page, following the cursor: every row
 * that existed when the first page was read is checked once, however many deposits arrive
 * meanwhile; rows deposited after that are not). For each row it opens the whole blob with {@link
 * ArtifactBackend#open(dev.eden.artifacts.ArtifactId, long) open(id, 0)} (one plain GET on an
 * object store, no {@code Range}), reads it through a 64 KiB buffer while hashing, and reports at
 * most one {@link ScrubFinding} per artifact:
 *
 * <ul>
 *   <li>no blob: {@link Damage#MISSING} — unless the row is gone too when looked up again, which
 *       means garbage collection deleted the artifact while the scrub ran: then it is skipped and
 *       not counted. The SPI lets a backend answer "absent" only for a genuine "no such blob"; a
 *       missing bucket or a denied request is an {@code IOException}, so it is never mistaken
 *       for a missing artifact;
 *   <li>another number of bytes than recorded: {@link Damage#SIZE_MISMATCH}. Reading goes on past
 *       the recorded size to count what was appended, but only up to the recorded size plus the
 *       larger of that size and 1 MiB: a blob that runs on longer is reported with the bytes read
 *       as a {@linkplain ScrubFinding#foundSizeIsLowerBound() lower bound}, so no blob costs more
 *       than about twice a clean read;
 *   <li>the recorded size but another digest: {@link Damage#DIGEST_MISMATCH};
 *   <li>the backend failed opening or reading it: {@link Damage#UNREADABLE}, and the scrub goes on
 *       with the next artifact. One bad file or object must not hide the state of the others.
 * </ul>
 *
 * <p>A failure of the metadata store, by contrast, stops the scrub with an {@link IOException}:
 * without the rows there is nothing to compare against.
 *
 * <p><b>Read-only.</b> It calls only {@link ArtifactStore#page}, {@link ArtifactStore#find} and
 * {@link ArtifactBackend#open(dev.eden.artifacts.ArtifactId, long)}: it never writes, deletes or
 * repairs anything, so it can run beside live servers. A deposit makes its blob durable before its
 * row commits and a blob is never overwritten (WIRE-CONTRACT §4, §7), so every row the scrub sees
 * has complete bytes, and a scrub racing deposits reports no false damage.
 *
 * <p><b>Rate.</b> The bytes read in one scrub are paced to at most {@link
 * Builder#bytesPerSecond(long) bytesPerSecond} across the whole run (all experiments and blobs
 * together, bytes read past a recorded size included), so it shares the disk or the network with
 * live traffic; idle time earns no burst. The default is {@link #DEFAULT_BYTES_PER_SECOND} (50 MB/s);
 * {@link Builder#unthrottled()} lifts the bound, for a store no server is using.
 *
 * <p><b>Threads and streams.</b> Immutable and thread-safe once built. Each call of {@code scrub}
 * is a separate run with its own rate budget and buffer; the listener is called on the calling
 * thread. Every blob stream the scrub opens it closes itself, before it goes on (stream ownership
 * as the SPI states: whoever opens a stream closes it); closing an S3 stream before its end aborts
 * that one request.
 */
public final class Scrubber {
  /** The default rate: 50 MB (50,000,000 bytes) per second. */
  public static final long DEFAULT_BYTES_PER_SECOND = 50_000_000L;

  /** A blob is read past its recorded size by at most that size, but at least by this. */
  static final long MIN_READ_PAST_SIZE = 1L << 20;

  private static final int BUFFER_SIZE = 64 * 1024;

  private final ArtifactStore store;
  private final ArtifactBackend backend;
  private final long bytesPerSecond; // 0: unthrottled
  private final LongSupplier nanoTime;
  private final ByteRateLimiter.Sleeper sleeper;

  private Scrubber(Builder builder) {
    this.store = builder.store;
    this.backend = builder.backend;
    this.bytesPerSecond = builder.bytesPerSecond;
    this.nanoTime = builder.nanoTime;
    this.sleeper = builder.sleeper;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The rate bound in bytes per second; empty when unthrottled. */
  public OptionalLong bytesPerSecond() {
    return bytesPerSecond == 0 ? OptionalLong.empty() : OptionalLong.of(bytesPerSecond);
  }

  /**
   * Scrubs every artifact of {@code experiment}.
   *
   * @see #scrub(Collection, ScrubListener)
   */
  public ScrubReport scrub(ExperimentId experiment, ScrubListener listener)
      throws IOException, InterruptedException {
    return scrub(List.of(requireNonNull(experiment, "experiment")), listener);
  }

  /**
   * Scrubs every artifact of each of {@code experiments}, in their order (each once), in one run:
   * one rate budget, one report. Findings go to {@code listener} as they are found.
   *
   * @throws IOException if the metadata store fails; the scrub stops (a backend failure on one
   *     blob does not: it is a {@link Damage#UNREADABLE} finding)
   * @throws InterruptedException if the thread is interrupted (while waiting for the rate, or
   *     while reading); the scrub stops and the open blob is closed
   * @throws RuntimeException whatever {@code listener} throws; the scrub stops
   */
  public ScrubReport scrub(Collection<ExperimentId> experiments, ScrubListener listener)
      throws IOException, InterruptedException {
    requireNonNull(experiments, "experiments");
    requireNonNull(listener, "listener");
    Run run = new Run(listener);
    for (ExperimentId experiment : new LinkedHashSet<>(experiments)) {
      run.scrub(requireNonNull(experiment, "experiment"));
    }
    return run.report();
  }

  /** The state of one scrub: its counts, buffer and rate budget. Confined to the calling thread. */
  private final class Run {
    private final ScrubListener listener;
    private final long started = nanoTime.getAsLong();
    private final ByteRateLimiter limiter = // null: unthrottled
        bytesPerSecond == 0 ? null : new ByteRateLimiter(bytesPerSecond, nanoTime, sleeper);
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private final int chunk = limiter == null ? BUFFER_SIZE : limiter.chunk(BUFFER_SIZE);
    private final MessageDigest sha256 = sha256();
    private final Map<Damage, Long> findings = new EnumMap<>(Damage.class);
    private long artifactsChecked;
    private long bytesRead;

    Run(ScrubListener listener) {
      this.listener = listener;
    }

    void scrub(ExperimentId experiment) throws IOException, InterruptedException {
      PageRequest request = PageRequest.first(PageRequest.MAX_LIMIT);
      while (true) {
        ArtifactPage page = store.page(experiment, request);
        for (ArtifactMetadata row : page.artifacts()) {
          check(row);
        }
        if (page.nextCursor().isEmpty()) {
          return;
        }
        request = request.withCursor(page.nextCursor().get());
      }
    }

    private void check(ArtifactMetadata row) throws IOException, InterruptedException {
      Optional<InputStream> blob;
      try {
        blob = backend.open(row.id(), 0);
      } catch (IOException | UncheckedIOException e) {
        checked(row, Optional.of(ScrubFinding.unreadable(row, storageFailure(e))));
        return;
      }
      if (blob.isEmpty()) {
        if (store.find(row.experimentId(), row.id()).isEmpty()) {
          return; // deleted, row and blob, while the scrub ran: no damage
        }
        checked(row, Optional.of(ScrubFinding.missing(row)));
        return;
      }
      InputStream in = blob.get();
      Optional<ScrubFinding> finding;
      try {
        finding = compare(row, in);
      } catch (IOException | UncheckedIOException e) {
        finding = Optional.of(ScrubFinding.unreadable(row, storageFailure(e)));
      } finally {
        closeQuietly(in);
      }
      checked(row, finding);
    }

    private void checked(ArtifactMetadata row, Optional<ScrubFinding> finding) {
      artifactsChecked++;
      if (finding.isPresent()) {
        findings.merge(finding.get().damage(), 1L, Long::sum);
        listener.damageFound(finding.get());
      }
      listener.artifactChecked(row);
    }

    private Optional<ScrubFinding> compare(ArtifactMetadata row, InputStream in)
        throws IOException, InterruptedException {
      sha256.reset();
      long recorded = row.sizeBytes();
      long limit = readLimit(recorded);
      long read = 0;
      while (read <= limit) { // one byte past the limit tells that the blob runs on
        int n = in.read(buffer, 0, (int) Math.min(chunk, limit + 1 - read));
        if (n < 0) {
          break;
        }
        sha256.update(buffer, 0, n);
        read += n;
        bytesRead += n;
        if (limiter != null) {
          limiter.paid(n);
        }
      }
      if (read != recorded) {
        return Optional.of(ScrubFinding.sizeMismatch(row, read, read > limit));
      }
      String found = HexFormat.of().formatHex(sha256.digest());
      return found.equals(row.sha256()) ? Optional.empty() : Optional.of(ScrubFinding.digestMismatch(row, found));
    }

    ScrubReport report() {
      return new ScrubReport(artifactsChecked, bytesRead, findings,
          Duration.ofNanos(nanoTime.getAsLong() - started));
    }
  }

  /** The most bytes read of a blob recorded with {@code recorded} bytes: see the class comment. */
  static long readLimit(long recorded) {
    long past = Math.max(recorded, MIN_READ_PAST_SIZE);
    return recorded > Long.MAX_VALUE - 1 - past ? Long.MAX_VALUE - 1 : recorded + past;
  }

  /**
   * The backend's failure as an {@link IOException}, or an {@link InterruptedException} if it
   * came from an interrupt (a file channel closed by it, say): then the scrub stops.
   */
  private static IOException storageFailure(Exception e) throws InterruptedException {
    if (Thread.interrupted()) {
      InterruptedException interrupted = new InterruptedException("interrupted while reading a blob");
      interrupted.initCause(e);
      throw interrupted;
    }
    return e instanceof UncheckedIOException unchecked ? unchecked.getCause() : (IOException) e;
  }

  /** A close failure says nothing about the bytes, which were read (or failed) already. */
  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException | RuntimeException e) {
      // nothing to report
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** Configures a {@link Scrubber}. Not thread-safe. */
  public static final class Builder {
    private ArtifactStore store;
    private ArtifactBackend backend;
    private long bytesPerSecond = DEFAULT_BYTES_PER_SECOND;
    private LongSupplier nanoTime = System::nanoTime;
    private ByteRateLimiter.Sleeper sleeper = ByteRateLimiter.Sleeper.SYSTEM;

    private Builder() {}

    /** Where the metadata rows are: what was recorded. Required. */
    public Builder store(ArtifactStore store) {
      this.store = requireNonNull(store, "store");
      return this;
    }

    /** Where the bytes are: what is there now. Required. */
    public Builder backend(ArtifactBackend backend) {
      this.backend = requireNonNull(backend, "backend");
      return this;
    }

    /**
     * Reads at most this many bytes per second across a whole scrub; defaults to {@link
     * #DEFAULT_BYTES_PER_SECOND}.
     *
     * @throws IllegalArgumentException if less than 1 (use {@link #unthrottled()} for no bound)
     */
    public Builder bytesPerSecond(long bytesPerSecond) {
      if (bytesPerSecond < 1) {
        throw new IllegalArgumentException("bytesPerSecond must be at least 1 (unthrottled() lifts the bound): "
            + bytesPerSecond);
      }
      this.bytesPerSecond = bytesPerSecond;
      return this;
    }

    /** Reads as fast as the storage answers: for a store that no server is using. */
    public Builder unthrottled() {
      this.bytesPerSecond = 0;
      return this;
    }

    /** The clock and the waits of the rate and the report's duration; for tests. */
    Builder time(LongSupplier nanoTime, ByteRateLimiter.Sleeper sleeper) {
      this.nanoTime = requireNonNull(nanoTime, "nanoTime");
      this.sleeper = requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** @throws IllegalStateException if the store or the backend is missing */
    public Scrubber build() {
      if (store == null) {
        throw new IllegalStateException("store is required");
      }
      if (backend == null) {
        throw new IllegalStateException("backend is required");
      }
      return new Scrubber(this);
    }
  }
}
