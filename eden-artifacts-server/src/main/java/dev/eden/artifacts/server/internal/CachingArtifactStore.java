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
 * of answering 404. Absence is never cached. Thread-safe. Not API.
 */
public final class CachingArtifactStore implements ArtifactStore {
  private final ArtifactStore delegate;
  private final long ttlNanos;
  private final int maxEntries;
  private final ConcurrentHashMap<ArtifactId, Entry> rows = new ConcurrentHashMap<>();

  public CachingArtifactStore(ArtifactStore delegate, Duration ttl, int maxEntries) {
    this.delegate = requireNonNull(delegate, "delegate");
    this.ttlNanos = requireNonNull(ttl, "ttl").toNanos();
    this.maxEntries = maxEntries;
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
    if (rows.size() >= maxEntries) {
      // Free a quarter of the capacity at once: the scan is then paid once per many new rows,
      // not on every request once the cache is full.
      int target = maxEntries - Math.max(1, maxEntries / 4);
      long now = System.nanoTime();
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
