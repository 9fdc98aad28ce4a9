package dev.eden.artifacts.maintenance;

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

/** Passes every call on; subclasses intercept what they watch. */
class DelegatingStore implements ArtifactStore {
  private final ArtifactStore delegate;

  DelegatingStore(ArtifactStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void create(ArtifactMetadata metadata) throws IOException {
    delegate.create(metadata);
  }

  @Override
  public Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id) throws IOException {
    return delegate.find(experimentId, id);
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

  @Override
  public boolean delete(ArtifactId id) throws IOException {
    return delegate.delete(id);
  }

  @Override
  public ArtifactPage page(ExperimentId experimentId, PageRequest request) throws IOException {
    return delegate.page(experimentId, request);
  }

  @Override
  public ArtifactSummary summarize(ExperimentId experimentId) throws IOException {
    return delegate.summarize(experimentId);
  }
}
