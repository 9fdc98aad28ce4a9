package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.internal.Sanitize;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.ArtifactPage;
import dev.eden.artifacts.spi.ArtifactStore;
import dev.eden.artifacts.spi.ArtifactSummary;
import dev.eden.artifacts.spi.PageRequest;
import dev.eden.artifacts.spi.PendingBlob;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;

/**
 * The deposit and fetch rules of the wire contract, independent of HTTP: mint a fresh id for every
 * deposit, stream the bytes into the backend while counting and hashing them, stop at the cap,
 * make the blob durable before the metadata row commits, and on fetch check the experiment scope
 * and the {@link AccessPolicy}. For operators it also lists an experiment's artifacts and sums
 * them up ({@link #list}, {@link #summarize}), again only as the access policy allows.
 *
 * <p>Never holds a whole artifact in memory. Thread-safe; build one per deployment and share it.
 *
 * <pre>{@code
 * ArtifactService service = ArtifactService.builder()
 *     .backend(new FileArtifactBackend(dataDir.resolve("blobs")))
 *     .store(new InMemoryArtifactStore())
 *     .build();
 * }</pre>
 */
public final class ArtifactService {
  /** The reference default cap: 100 MiB. */
  public static final long DEFAULT_MAX_ARTIFACT_BYTES = 100L * 1024 * 1024;

  private final ArtifactBackend backend;
  private final ArtifactStore store;
  private final AccessPolicy accessPolicy;
  private final Clock clock;
  private final long maxArtifactBytes;

  private ArtifactService(Builder builder) {
    this.backend = builder.backend;
    this.store = builder.store;
    this.accessPolicy = builder.accessPolicy;
    this.clock = builder.clock;
    this.maxArtifactBytes = builder.maxArtifactBytes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The cap applied by the overloads that take none. */
  public long maxArtifactBytes() {
    return maxArtifactBytes;
  }

  /**
   * Deposits {@code content} (read to its end, not closed) under the service's cap.
   *
   * @see #deposit(ExperimentId, Principal, String, String, InputStream, long)
   */
  public DepositResult deposit(ExperimentId experimentId, Principal depositor, String filename,
      String declaredContentType, InputStream content) throws IOException {
    return deposit(experimentId, depositor, filename, declaredContentType, content, maxArtifactBytes);
  }

  /**
   * Deposits {@code content}: reads it to its end (without closing it), stores the bytes durably
   * under a freshly minted id, then records the metadata.
   *
   * @param filename the uploaded file's name, sanitised before it is recorded (its last path
   *     segment, without control characters); may be null
   * @param declaredContentType the declared type, sanitised (printable ASCII, trimmed); null or
   *     empty means {@code application/octet-stream}
   * @throws BadRequestException if the sanitised filename or content type is longer than its
   *     bound ({@link ArtifactMetadata#MAX_FILENAME_UTF8_BYTES}, {@link
   *     ArtifactMetadata#MAX_CONTENT_TYPE_LENGTH}); it is never cut, and nothing is stored
   * @throws PayloadTooLargeException as soon as more than {@code maxBytes} bytes arrive; nothing is
   *     left behind
   * @throws ArtifactStorageException if the backend or the store fails; nothing is left behind
   *     (best effort for the blob)
   * @throws IOException if reading {@code content} fails; nothing is left behind
   */
  public DepositResult deposit(ExperimentId experimentId, Principal depositor, String filename,
      String declaredContentType, InputStream content, long maxBytes) throws IOException {
    requireNonNull(content, "content");
    try (PendingDeposit deposit =
        beginDeposit(experimentId, depositor, filename, declaredContentType, maxBytes)) {
      deposit.transferFrom(content);
      return deposit.complete();
    }
  }

  /**
   * Starts a deposit whose bytes arrive later, for callers that can only decide once the bytes are
   * in whether the deposit stands (an HTTP binding that must see the end of a multipart body
   * first). The caller must {@linkplain PendingDeposit#complete() complete} or close it.
   *
   * @throws BadRequestException if the sanitised filename or content type is longer than its
   *     bound, before any blob is started
   * @throws ArtifactStorageException if the backend cannot start a blob
   */
  public PendingDeposit beginDeposit(ExperimentId experimentId, Principal depositor, String filename,
      String declaredContentType, long maxBytes) {
    requireNonNull(experimentId, "experimentId");
    requireNonNull(depositor, "depositor");
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
    }
    // Refuse an over-long name or type before a blob exists, so a refusal leaves nothing behind.
    String recordedFilename = Sanitize.filename(filename);
    String recordedContentType = Sanitize.contentType(declaredContentType);
    ArtifactId id = ArtifactId.mint();
    PendingBlob blob;
    try {
      blob = backend.begin(id);
    } catch (IOException e) {
      throw new ArtifactStorageException("could not start storing the artifact", e);
    }
    return new PendingDeposit(this, blob, experimentId, depositor, recordedFilename,
        recordedContentType, maxBytes);
  }

  /**
   * Opens an artifact for {@code principal}: {@link #resolve} followed by {@link
   * ResolvedArtifact#openStream()}. The caller closes the result.
   *
   * @param artifactsUri the URI exactly as issued by a deposit
   * @throws BadRequestException if {@code artifactsUri} is null
   * @throws ArtifactNotFoundException if the URI was not issued by this library, is malformed, is
   *     unknown, or belongs to another experiment
   * @throws ForbiddenException if the access policy denies {@code principal}
   * @throws ArtifactStorageException if the store or backend fails, or the bytes are missing
   */
  public FetchedArtifact open(ExperimentId experimentId, Principal principal, String artifactsUri) {
    ResolvedArtifact artifact = resolve(experimentId, principal, artifactsUri);
    return new FetchedArtifact(artifact.metadata(), artifact.openStream());
  }

  /**
   * Looks an artifact up for {@code principal} without reading its bytes; open them, whole or a
   * range, from the result. This is what an HTTP fetch needs: its conditional and range rules
   * (RFC 9110 §13, §14) are decided on the metadata, and only after the checks below.
   *
   * <p>Existence is checked first (404), then the {@link AccessPolicy} decides with
   * {@code principal} exactly as given, groups included (403) — WIRE-CONTRACT §5.
   *
   * @param artifactsUri the URI exactly as issued by a deposit
   * @throws BadRequestException if {@code artifactsUri} is null
   * @throws ArtifactNotFoundException if the URI was not issued by this library, is malformed, is
   *     unknown, or belongs to another experiment
   * @throws ForbiddenException if the access policy denies {@code principal}
   * @throws ArtifactStorageException if the store fails
   */
  public ResolvedArtifact resolve(ExperimentId experimentId, Principal principal, String artifactsUri) {
    requireNonNull(experimentId, "experimentId");
    requireNonNull(principal, "principal");
    if (artifactsUri == null) {
      throw new BadRequestException("the artifact URI is required");
    }
    ArtifactId id = ArtifactUris.parse(artifactsUri)
        .orElseThrow(() -> new ArtifactNotFoundException("no artifact is known under this URI"));
    ArtifactMetadata metadata;
    try {
      metadata = store.find(experimentId, id)
          .orElseThrow(() -> new ArtifactNotFoundException("no artifact is known under this URI"));
    } catch (IOException e) {
      throw new ArtifactStorageException("could not look up the artifact", e);
    }
    if (!accessPolicy.mayFetch(principal, metadata)) {
      throw new ForbiddenException("this principal may not fetch this artifact");
    }
    return new ResolvedArtifact(metadata, backend);
  }

  /**
   * Whether the access policy lets {@code principal} {@linkplain #list list} and {@linkplain
   * #summarize summarize} {@code experimentId}. The same question {@code list} and {@code summarize}
   * ask first; an HTTP binding asks it early so that a refused caller learns nothing else (not even
   * whether its query parameters were well formed).
   */
  public boolean mayList(ExperimentId experimentId, Principal principal) {
    requireNonNull(experimentId, "experimentId");
    requireNonNull(principal, "principal");
    return accessPolicy.mayList(principal, experimentId);
  }

  /**
   * One page of {@code experimentId}'s artifacts for an operator, newest first: the store's
   * {@link ArtifactStore#page} after the {@link AccessPolicy#mayList} check. Follow {@link
   * ArtifactPage#nextCursor()} with {@link PageRequest#withCursor} for the next page; a cursor stays
   * valid while deposits arrive and never makes a page repeat or skip a row that existed when the
   * first page was read.
   *
   * <p>The service does not know which experiments a deployment serves: an unknown experiment is
   * simply empty. An HTTP binding checks that first.
   *
   * @throws ForbiddenException if the access policy does not let {@code principal} list (by default:
   *     any principal that is not admin-class); no row is read
   * @throws ArtifactStorageException if the store fails
   */
  public ArtifactPage list(ExperimentId experimentId, Principal principal, PageRequest request) {
    requireNonNull(request, "request");
    checkMayList(experimentId, principal);
    try {
      return store.page(experimentId, request);
    } catch (IOException e) {
      throw new ArtifactStorageException("could not list the artifacts", e);
    }
  }

  /**
   * How many artifacts {@code experimentId} holds and how many bytes, overall and per depositor:
   * the store's {@link ArtifactStore#summarize} after the {@link AccessPolicy#mayList} check.
   *
   * @throws ForbiddenException if the access policy does not let {@code principal} list; no row is
   *     read
   * @throws ArtifactStorageException if the store fails
   */
  public ArtifactSummary summarize(ExperimentId experimentId, Principal principal) {
    checkMayList(experimentId, principal);
    try {
      return store.summarize(experimentId);
    } catch (IOException e) {
      throw new ArtifactStorageException("could not sum up the artifacts", e);
    }
  }

  private void checkMayList(ExperimentId experimentId, Principal principal) {
    if (!mayList(experimentId, principal)) {
      throw new ForbiddenException("this principal may not list the artifacts of this experiment");
    }
  }

  ArtifactBackend backend() {
    return backend;
  }

  ArtifactStore store() {
    return store;
  }

  Clock clock() {
    return clock;
  }

  /** Configures an {@link ArtifactService}. Not thread-safe. */
  public static final class Builder {
    private ArtifactBackend backend;
    private ArtifactStore store;
    private AccessPolicy accessPolicy = AccessPolicy.depositorOrAdminClass();
    private Clock clock = Clock.systemUTC();
    private long maxArtifactBytes = DEFAULT_MAX_ARTIFACT_BYTES;

    private Builder() {}

    /** Where the bytes go. Required. */
    public Builder backend(ArtifactBackend backend) {
      this.backend = requireNonNull(backend, "backend");
      return this;
    }

    /** Where the metadata goes. Required. */
    public Builder store(ArtifactStore store) {
      this.store = requireNonNull(store, "store");
      return this;
    }

    /**
     * Who may fetch what; defaults to {@link AccessPolicy#depositorOrAdminClass()}, the contract's
     * rule. The policy is the only thing that decides it.
     */
    public Builder accessPolicy(AccessPolicy accessPolicy) {
      this.accessPolicy = requireNonNull(accessPolicy, "accessPolicy");
      return this;
    }

    /** The source of {@code created_at}; defaults to the UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** The default cap in bytes; defaults to {@link #DEFAULT_MAX_ARTIFACT_BYTES}. */
    public Builder maxArtifactBytes(long maxArtifactBytes) {
      if (maxArtifactBytes < 0) {
        throw new IllegalArgumentException("maxArtifactBytes must not be negative: " + maxArtifactBytes);
      }
      this.maxArtifactBytes = maxArtifactBytes;
      return this;
    }

    /** @throws IllegalStateException if the backend or store is missing */
    public ArtifactService build() {
      if (backend == null) {
        throw new IllegalStateException("backend is required");
      }
      if (store == null) {
        throw new IllegalStateException("store is required");
      }
      return new ArtifactService(this);
    }
  }
}
