package dev.eden.artifacts.server.metrics;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.spi.ArtifactPage;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.ArtifactSummary;
import dev.eden.artifacts.spi.PageRequest;
import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A metadata store that counts its delegate's failures by call: {@code create}, {@code find},
 * {@code contains}, {@code list} ({@code idsCreatedBefore}), {@code delete}, {@code page}, {@code
 * summarize}. Every method of {@link ArtifactStore} is forwarded (a default method left to its
 * default here would bypass the delegate's own). Thread-safe if the delegate is.
 */
final class MeteredArtifactStore implements ArtifactStore {
  /** The names of the calls, as counted. */
  static final Set<String> CALLS =
      Set.of("create", "find", "contains", "existing", "list", "delete", "page", "summarize");

  private final ArtifactStore delegate;
  private final StorageCalls calls;

  MeteredArtifactStore(ArtifactStore delegate, StorageCalls calls) {
    this.delegate = delegate;
    this.calls = calls;
  }

  @Override
  public void create(ArtifactMetadata metadata) throws IOException {
    calls.run("create", () -> delegate.create(metadata));
  }

  @Override
  public Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id) throws IOException {
    return calls.call("find", () -> delegate.find(experimentId, id));
  }

  @Override
  public boolean contains(ArtifactId id) throws IOException {
    return calls.call("contains", () -> delegate.contains(id));
  }

  @Override
  public Set<ArtifactId> existing(Collection<ArtifactId> ids) throws IOException {
    return calls.call("existing", () -> delegate.existing(ids));
  }

  @Override
  public List<ArtifactId> idsCreatedBefore(ExperimentId experimentId, Instant cutoff, int limit)
      throws IOException {
    return calls.call("list", () -> delegate.idsCreatedBefore(experimentId, cutoff, limit));
  }

  @Override
  public boolean delete(ArtifactId id) throws IOException {
    return calls.call("delete", () -> delegate.delete(id));
  }

  @Override
  public ArtifactPage page(ExperimentId experimentId, PageRequest request) throws IOException {
    return calls.call("page", () -> delegate.page(experimentId, request));
  }

  @Override
  public ArtifactSummary summarize(ExperimentId experimentId) throws IOException {
    return calls.call("summarize", () -> delegate.summarize(experimentId));
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
