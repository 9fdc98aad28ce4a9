package dev.eden.artifacts.testkit;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.spi.ArtifactPage;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.ArtifactSummary;
import dev.eden.artifacts.spi.PageRequest;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Wraps a real store and makes chosen operations fail with an {@link IOException}, like a database
 * that went away. Without faults it behaves exactly like the store it wraps. Thread-safe; faults
 * can be switched on and off while it is in use.
 */
public final class FaultyArtifactStore implements ArtifactStore {
  /** The message of every injected failure. */
  public static final String MESSAGE = "injected store failure";

  /** Where a failure can be injected; each names the {@link ArtifactStore} method that fails. */
  public enum Operation { CREATE, FIND, CONTAINS, IDS_CREATED_BEFORE, DELETE, PAGE, SUMMARIZE }

  private final ArtifactStore delegate;
  private final InjectedFaults<Operation> failing = new InjectedFaults<>(MESSAGE);

  /** Wraps {@code delegate}, which stays owned by the caller. */
  public FaultyArtifactStore(ArtifactStore delegate) {
    this.delegate = requireNonNull(delegate, "delegate");
  }

  /** Makes {@code operations} fail from now on (in addition to those already failing). */
  public FaultyArtifactStore failOn(Operation... operations) {
    failing.add(List.of(operations));
    return this;
  }

  /**
   * Makes {@code operation} throw exactly {@code failure} from now on: for instance an
   * {@link dev.eden.artifacts.spi.ArtifactAlreadyExistsException} from {@code CREATE}, or the
   * {@link IllegalStateException} of a closed connection pool. The same instance is thrown each time.
   *
   * @throws IllegalArgumentException if {@code failure} is neither an {@link IOException} nor a
   *     {@link RuntimeException}
   */
  public FaultyArtifactStore failOn(Operation operation, Exception failure) {
    failing.add(requireNonNull(operation, "operation"), requireNonNull(failure, "failure"));
    return this;
  }

  /** Makes every operation succeed again. */
  public FaultyArtifactStore heal() {
    failing.clear();
    return this;
  }

  private void maybeFail(Operation operation) throws IOException {
    failing.maybeFail(operation);
  }

  @Override
  public void create(ArtifactMetadata metadata) throws IOException {
    maybeFail(Operation.CREATE);
    delegate.create(metadata);
  }

  @Override
  public Optional<ArtifactMetadata> find(ExperimentId experimentId, ArtifactId id) throws IOException {
    maybeFail(Operation.FIND);
    return delegate.find(experimentId, id);
  }

  @Override
  public boolean contains(ArtifactId id) throws IOException {
    maybeFail(Operation.CONTAINS);
    return delegate.contains(id);
  }

  @Override
  public List<ArtifactId> idsCreatedBefore(ExperimentId experimentId, Instant cutoff, int limit)
      throws IOException {
    maybeFail(Operation.IDS_CREATED_BEFORE);
    return delegate.idsCreatedBefore(experimentId, cutoff, limit);
  }

  @Override
  public boolean delete(ArtifactId id) throws IOException {
    maybeFail(Operation.DELETE);
    return delegate.delete(id);
  }

  @Override
  public ArtifactPage page(ExperimentId experimentId, PageRequest request) throws IOException {
    maybeFail(Operation.PAGE);
    return delegate.page(experimentId, request);
  }

  @Override
  public ArtifactSummary summarize(ExperimentId experimentId) throws IOException {
    maybeFail(Operation.SUMMARIZE);
    return delegate.summarize(experimentId);
  }

  @Override
  public String toString() {
    return "FaultyArtifactStore[" + delegate + ", failing " + failing + "]";
  }
}
