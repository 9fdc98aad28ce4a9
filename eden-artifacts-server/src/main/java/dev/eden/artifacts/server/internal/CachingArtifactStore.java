package dev.eden.artifacts.server.internal;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.spi.ArtifactPage;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.ArtifactSummary;
import dev.eden.artifacts.spi.PageRequest;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers found metadata rows for a short while, so a worker fetching the same artifact again
 * does not pay a database round trip. Safe because rows never change once created (no overwrite,
 * ever); only deletion (orphan collection) can make an entry stale, which this instance sees at
 * once and another instance sees within the TTL — the fetch then fails on the missing blob instead
 * of answering 404. Absence is never cached. Expired rows are dropped as the cache goes (a sweep at
 * most once per TTL), so it holds only the rows found within about the last TTL, and never more
 * than its bound ({@link #maxEntriesForHeap} sizes that bound for a heap). Thread-safe. Not API.
 */
public final class CachingArtifactStore implements ArtifactStore {
  /**
   * Heap a cached row takes, rounded up: about 650 bytes in a heap histogram of the runnable
   * server (the row's strings, ids, instant and principal, the entry and its map node).
   */
  static final int ENTRY_BYTES = 1024;
  /** The share of the heap the cache may take: 1/{@value}. */
  static final int HEAP_SHARE_DIVISOR = 16;
  static final int MIN_ENTRIES = 1_000;
  static final int MAX_ENTRIES = 100_000;

  private final ArtifactStore delegate;
  private final long ttlNanos;
  private final int maxEntries;
  private final ConcurrentHashMap<ArtifactId, Entry> rows = new ConcurrentHashMap<>();
  private volatile long nextSweep;

  public CachingArtifactStore(ArtifactStore delegate, Duration ttl, int maxEntries) {
    this.delegate = requireNonNull(delegate, "delegate");
    this.ttlNanos = requireNonNull(ttl, "ttl").toNanos();
    this.maxEntries = maxEntries;
    this.nextSweep = System.nanoTime() + ttlNanos;
  }

  /**
   * A bound for a cache in a heap of at most {@code maxHeapBytes} (such as {@link
   * Runtime#maxMemory()}): the rows that fit in 1/{@value #HEAP_SHARE_DIVISOR} of it, between
   * {@value #MIN_ENTRIES} and {@value #MAX_ENTRIES}. A fixed bound of 100,000 rows took about 65 MB,
   * more than the whole heap of a server run at {@code -Xmx64m}.
   */
  public static int maxEntriesForHeap(long maxHeapBytes) {
    return (int) Math.max(MIN_ENTRIES, Math.min(MAX_ENTRIES, maxHeapBytes / HEAP_SHARE_DIVISOR / ENTRY_BYTES));
  }

  @Override
  public void create(ArtifactMetadata metadata) throws IOException {
    delegate.create(metadata);
  }

  @Override
  public Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id) throws IOException {
    long now = System.nanoTime();
    Entry hit = rows.get(id);
    if (hit != null && hit.expiresAt - now > 0) {
      return hit.metadata.experimentId().equals(experimentId) ? Optional.of(hit.metadata) : Optional.empty();
    }
    Optional<ArtifactMetadata> found = delegate.find(experimentId, id);
    found.ifPresent(m -> remember(id, new Entry(m, now + ttlNanos)));
    return found;
  }

  @Override
  public boolean contains(ArtifactId id) throws IOException {
    return delegate.contains(id);
  }

  @Override
  public Set<ArtifactId> existing(Collection<ArtifactId> ids) throws IOException {
    return delegate.existing(ids);
  }

  @Override
  public List<ArtifactId> idsCreatedBefore(ExperimentId experimentId, Instant cutoff, int limit)
      throws IOException {
    return delegate.idsCreatedBefore(experimentId, cutoff, limit);
  }

  /** Forwarded uncached: listings change with every deposit. */
  @Override
  public ArtifactPage page(ExperimentId experimentId, PageRequest request) throws IOException {
    return delegate.page(experimentId, request);
  }

  /** Forwarded uncached: totals change with every deposit. */
  @Override
  public ArtifactSummary summarize(ExperimentId experimentId) throws IOException {
    return delegate.summarize(experimentId);
  }

  @Override
  public boolean delete(ArtifactId id) throws IOException {
    rows.remove(id);
    try {
      return delegate.delete(id);
    } finally {
      rows.remove(id);
    }
  }

  private void remember(ArtifactId id, Entry entry) {
    long now = System.nanoTime();
    if (now - nextSweep >= 0) {
      // Expired rows go at least once per TTL, not only when the cache is full: otherwise it holds
      // every row found since it last filled up, however old.
      nextSweep = now + ttlNanos;
      rows.values().removeIf(e -> e.expiresAt - now <= 0);
    }
    if (rows.size() >= maxEntries) {
      // Free a quarter of the capacity at once: the scan is then paid once per many new rows,
      // not on every request once the cache is full.
      int target = maxEntries - Math.max(1, maxEntries / 4);
      rows.values().removeIf(e -> e.expiresAt - now <= 0);
      for (Iterator<ArtifactId> it = rows.keySet().iterator(); rows.size() > target && it.hasNext(); ) {
        it.next();
        it.remove();
      }
    }
    rows.put(id, entry);
  }

  /** How many rows are cached now; for tests. */
  int size() {
    return rows.size();
  }

  private record Entry(ArtifactMetadata metadata, long expiresAt) {}

  @Override
  public String toString() {
    return "CachingArtifactStore[" + delegate + "]";
  }
}
