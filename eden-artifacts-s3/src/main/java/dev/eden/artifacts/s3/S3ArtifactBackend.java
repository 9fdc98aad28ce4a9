package dev.eden.artifacts.s3;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.s3.internal.BucketOps;
import dev.eden.artifacts.s3.internal.BufferBudget;
import dev.eden.artifacts.s3.internal.S3Keys;
import dev.eden.artifacts.s3.internal.S3PendingBlob;
import dev.eden.artifacts.s3.internal.StartupCheck;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.CommittedBlob;
import dev.eden.artifacts.spi.PendingBlob;
import dev.eden.artifacts.spi.PendingLeftover;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@link ArtifactBackend} on Amazon S3 or an S3-compatible object store: one object per
 * artifact, holding exactly its bytes, written create-only and streamed in parts with bounded
 * memory.
 *
 * <pre>{@code
 * S3ArtifactBackend backend = S3ArtifactBackend.builder()
 *     .bucket("eden-artifacts")
 *     .keyPrefix("experiments/blobs")
 *     .build(); // region and credentials from the AWS SDK's default chains
 * }</pre>
 *
 * <p><b>Client.</b> Either hand in a ready {@link S3Client} ({@link Builder#client}: your
 * credentials, region, endpoint and HTTP client; the backend never closes it), or give the pieces
 * ({@link Builder#endpoint}, {@link Builder#region}, {@link Builder#pathStyleAccess}, {@link
 * Builder#credentials}) and the backend builds, owns and {@linkplain #close() closes} a client on
 * the SDK's Apache 5 HTTP client. A client the backend builds computes request checksums and
 * validates response checksums only when an operation requires them ({@code WHEN_REQUIRED}): the
 * SDK's defaults since 2.30 send CRC32 checksums (as trailers of {@code aws-chunked} bodies) that
 * many S3-compatible servers reject. Configure a client of your own for such a server the same
 * way:
 *
 * <pre>{@code
 * S3Client client = S3Client.builder()
 *     .endpointOverride(URI.create("http://127.0.0.1:9000"))
 *     .region(Region.US_EAST_1)
 *     .forcePathStyle(true)
 *     .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
 *     .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
 *     .build();
 * }</pre>
 *
 * <p><b>Layout.</b> The artifact {@code id} is the object {@code <prefix><id[0..2]>/<id>} — the
 * file backend's layout, so a blob directory can be copied into a bucket and back. {@link #ids()}
 * and {@link #blobs()} list the prefix and keep only keys of exactly that shape: other objects
 * under the prefix are ignored, never an error.
 *
 * <p><b>Create-only</b> (the {@link PendingBlob#commit()} contract). A blob of at most {@link
 * #partSize()} bytes is one {@code PutObject}, a larger one a multipart upload; either is written
 * with {@code If-None-Match: *}, the {@code PutObject} itself and the {@code
 * CompleteMultipartUpload} that publishes the parts. If an object is already there the server
 * answers 412 (or 409 {@code ConditionalRequestConflict} while another conditional write to the
 * key is in flight): commit throws {@link ArtifactAlreadyExistsException}, the existing object is
 * untouched and the multipart upload is aborted. Each object carries a random writer token in its
 * user metadata ({@code x-amz-meta-eden-writer}), so that a write which the SDK retried after its
 * first attempt had already landed is recognised as this writer's own and not reported as a
 * conflict. This relies on the server honouring the precondition on both requests — Amazon S3
 * documents it for both (conditional writes, 2024), s3proxy 4.x does it, s3proxy 3.x and Adobe
 * S3Mock do not (measurements in the module's README); {@link #checkBucket()} tests a server for
 * it.
 *
 * <p><b>Memory.</b> A blob of unknown length streams: bytes collect in a part buffer, and when a
 * whole part is collected and more bytes arrive, the part is uploaded from the writing thread and
 * its buffer released; no artifact is ever held whole. Buffers grow in chunks (8 KiB, doubling to 1
 * MiB, never past one part) that are reserved from a buffer budget ({@link #bufferBudget()},
 * shared by every pending blob of this backend) before they are allocated, so part buffers never
 * take more heap than the budget. A writer that needs more than the budget has left waits until
 * others release (backpressure). The budget cannot deadlock: a reservation is granted only while
 * the budget left lets the writer holding the most grow to a whole part (the banker's algorithm
 * with one part as every writer's maximum claim), so the largest holder can always finish its part
 * and release, however many writers hold partly filled buffers. Small blobs are not charged a
 * whole part: a 4 KiB blob holds 8 KiB, and small writers together may hold all but one part of
 * the budget. Two rules for callers: a thread must not interleave writes to several pending blobs
 * that together need more than the budget, and a writer that stops writing keeps what it holds
 * until it commits or aborts.
 *
 * <p><b>Reads.</b> {@link #open(ArtifactId, long)} and {@link #open(ArtifactId, long, long)} are one
 * {@code GetObject} each, with a {@code Range} header only when the read is not the whole object
 * from offset 0; a range that starts at or past the end (the server's 416) is an empty stream. The
 * stream reads from the connection; closing it before its end aborts the request rather than
 * draining the object.
 *
 * <p><b>Time-outs.</b> No request to S3 waits without bound, yet a long transfer whose bytes keep
 * moving is never cut. A client the backend builds ends every request — all its attempts (the
 * SDK's retries) together — after the {@linkplain Builder#requestTimeout request time-out}; for a
 * {@code GetObject} that bound runs until the response's headers arrive, never over reading the
 * object's bytes, which a fetch to a slow client may do for as long as it takes. A request moves at
 * most one part, so for uploads the bound is a minimum rate ({@link #partSize()} per request
 * time-out). Every read from an open connection (an answer's headers, the next bytes of an object)
 * ends after the {@linkplain Builder#readTimeout read time-out} without a byte; a connection is
 * refused after the SDK's connection time-out (2 s). A time-out is an {@link IOException} like any
 * other network failure. A client handed in keeps its own time-outs: the SDK's defaults bound no
 * request as a whole, and a part upload to a server that stopped reading blocks in the socket
 * write for good.
 *
 * <p><b>Errors.</b> Only {@code NoSuchKey} means absent. A missing bucket, a denied request, any
 * other S3 error and any network failure is an {@link IOException} (from a lazy listing, an
 * {@link UncheckedIOException}), whose message names the request, the object and the S3 error
 * code.
 *
 * <p><b>Capabilities.</b> {@link Capability#BLOB_LISTING} (size and {@code Last-Modified}) and
 * {@link Capability#STALE_PENDING_SWEEP} (aborting old multipart uploads). An upload left by a
 * crashed writer is never visible to reads or listings; only its parts take space until a sweep
 * or a bucket lifecycle rule ({@code AbortIncompleteMultipartUpload}) aborts it.
 *
 * <p>Thread-safe. Pending blobs are used by one thread at a time, as {@link PendingBlob} says.
 */
public final class S3ArtifactBackend implements ArtifactBackend, Closeable {
  /** The default {@linkplain Builder#partSize part size}: 8 MiB. */
  public static final long DEFAULT_PART_SIZE = 8L * 1024 * 1024;
  /** The smallest part size: 5 MiB, S3's minimum for every part but the last. */
  public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
  /** The largest part size: 5 GiB, S3's maximum. */
  public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;
  /** The default {@linkplain Builder#bufferBudget buffer budget}: 64 MiB. */
  public static final long DEFAULT_BUFFER_BUDGET = 64L * 1024 * 1024;
  /**
   * The default {@linkplain Builder#maxConnections most connections} of a client the backend
   * builds: 200, as many as the runnable server has request threads, since every open read holds
   * one connection until its stream is closed (the SDK's own default is 50).
   */
  public static final int DEFAULT_MAX_CONNECTIONS = 200;
  /**
   * The default {@linkplain Builder#requestTimeout request time-out} of a client the backend
   * builds: 2 minutes. With the default part size a part upload must then move at least 8 MiB in
   * 2 minutes (about 70 KiB/s).
   */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(2);
  /**
   * The default {@linkplain Builder#readTimeout read time-out} of a client the backend builds: 30
   * seconds (the SDK's own default for its Apache client, stated here so it is a promise).
   */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  private static final String UPLOAD_ID_SEPARATOR = "?uploadId=";
  private static final Set<Capability> CAPABILITIES =
      Set.of(Capability.BLOB_LISTING, Capability.STALE_PENDING_SWEEP);
  private static final int DELETE_STRIPES = 64;

  private final BucketOps bucket;
  private final S3Keys keys;
  private final long partSize;
  private final BufferBudget budget;
  private final Clock clock;
  private final S3Client ownedClient; // null when the caller owns the client
  private final AutoCloseable ownedCredentials; // null unless the backend made the default chain
  private final ReentrantLock[] deleteLocks = new ReentrantLock[DELETE_STRIPES];
  private volatile boolean closed;

  private S3ArtifactBackend(Builder b, S3Client client, S3Client ownedClient, AutoCloseable ownedCredentials) {
    this.bucket = new BucketOps(client, b.bucket);
    this.keys = S3Keys.under(b.keyPrefix);
    this.partSize = b.partSize;
    this.budget = new BufferBudget(b.bufferBudget, b.partSize);
    this.clock = b.clock;
    this.ownedClient = ownedClient;
    this.ownedCredentials = ownedCredentials;
    for (int i = 0; i < DELETE_STRIPES; i++) {
      deleteLocks[i] = new ReentrantLock();
    }
  }

  /** A builder; {@link Builder#bucket} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The bucket. */
  public String bucket() {
    return bucket.bucket();
  }

  /** The key prefix, normalised: empty, or without a leading and with a trailing {@code /}. */
  public String keyPrefix() {
    return keys.prefix();
  }

  /** The size of every uploaded part but the last, in bytes; blobs up to this size are one PUT. */
  public long partSize() {
    return partSize;
  }

  /** The most heap, in bytes, that the part buffers of all pending blobs take together. */
  public long bufferBudget() {
    return budget.limit();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Makes no request: the first request is the first part upload, or the commit.
   */
  @Override
  public PendingBlob begin(ArtifactId id) throws IOException {
    requireNonNull(id, "id");
    requireOpen();
    return new S3PendingBlob(bucket, id, keys.key(id), budget.newHolder(), partSize);
  }

  /**
   * {@inheritDoc}
   *
   * <p>One {@code GetObject}: with no {@code Range} header from offset 0, else {@code bytes=offset-}.
   */
  @Override
  public Optional<InputStream> open(ArtifactId id, long offset) throws IOException {
    return open(id, offset, Long.MAX_VALUE);
  }

  /**
   * {@inheritDoc}
   *
   * <p>One {@code GetObject} with {@code Range: bytes=offset-(offset+length-1)} (open-ended when
   * that passes {@code Long.MAX_VALUE}, none for the whole object from offset 0). A {@code length}
   * of 0 still asks for one byte, only to learn whether the blob exists.
   */
  @Override
  public Optional<InputStream> open(ArtifactId id, long offset, long length) throws IOException {
    requireNonNull(id, "id");
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative: " + offset);
    }
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative: " + length);
    }
    requireOpen();
    return bucket.get(keys.key(id), offset, length);
  }

  /**
   * {@inheritDoc}
   *
   * <p>A {@code HEAD} then a {@code DELETE} (S3's delete answers the same whether or not the
   * object existed), plus a {@code HeadBucket} when the {@code HEAD} finds nothing, so a missing
   * bucket is an {@code IOException} and not {@code false}. Deletes of one id through this backend
   * are serialised, so exactly one of them reports the blob; two backends (or processes) deleting
   * the same id at the same moment may both report {@code true}. Ids are never reused, so that race
   * can only over-count what a garbage collection removed.
   */
  @Override
  public boolean delete(ArtifactId id) throws IOException {
    requireNonNull(id, "id");
    requireOpen();
    String key = keys.key(id);
    ReentrantLock lock = deleteLocks[Math.floorMod(id.hashCode(), DELETE_STRIPES)];
    lock.lock();
    try {
      if (!bucket.exists(key)) {
        return false;
      }
      bucket.delete(key);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code ListObjectsV2} over the prefix, a page (up to 1000 keys) at a time: the first page is
   * read before this returns (a missing bucket is an {@code IOException} here), the others while
   * the stream is consumed. Keys that are not an artifact's are skipped.
   */
  @Override
  public Stream<ArtifactId> ids() throws IOException {
    requireOpen();
    return bucket.list(keys.prefix()).map(o -> keys.parse(o.key())).flatMap(Optional::stream);
  }

  /** {@link Capability#BLOB_LISTING} and {@link Capability#STALE_PENDING_SWEEP}. */
  @Override
  public Set<Capability> capabilities() {
    return CAPABILITIES;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Lazy like {@link #ids()}, from the same listing: the size and the {@code Last-Modified} of
   * each object, which S3 sets when the {@code PutObject} or {@code CompleteMultipartUpload}
   * completes, within the commit. Listings usually give it in whole seconds, cut off, which could
   * make it up to a second earlier than the commit; such a time is rounded up to the next second,
   * so {@link CommittedBlob#committedAt()} is never earlier than the commit (by the server's
   * clock) on servers that date an object at its completion, as s3proxy and MinIO do. Amazon S3 may
   * date an object uploaded in parts by the start of its upload; garbage collection does not depend
   * on it (it looks a blob's row up twice, a deadline apart).
   */
  @Override
  public Stream<CommittedBlob> blobs() throws IOException {
    requireOpen();
    return bucket.list(keys.prefix()).flatMap(this::describe);
  }

  private Stream<CommittedBlob> describe(S3Object object) {
    Optional<ArtifactId> id = keys.parse(object.key());
    if (id.isEmpty()) {
      return Stream.empty();
    }
    if (object.size() == null || object.lastModified() == null) {
      throw new UncheckedIOException(new IOException("listing of " + bucket.location(object.key())
          + " lacks its size or Last-Modified"));
    }
    Instant modified = object.lastModified();
    Instant committedAt = modified.getNano() == 0 ? modified.plusSeconds(1) : modified;
    return Stream.of(new CommittedBlob(id.get(), object.size(), committedAt));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: the multipart uploads in progress under the prefix whose key is an artifact's ({@code
   * ListMultipartUploads}, page by page; uploads of other keys are left alone), with the bytes of
   * their parts ({@code ListParts}); an upload's progress is the latest of its initiation and its
   * parts' times, by the server's clock as compared with this machine's. Read eagerly. A bucket
   * lifecycle rule with {@code AbortIncompleteMultipartUpload} does the same inside S3 (see the
   * module's README), judging by the initiation only.
   *
   * <p>The {@link PendingLeftover#location()} is {@code <key>?uploadId=<upload id>}.
   */
  @Override
  public Stream<PendingLeftover> stalePending(Duration olderThan) throws IOException {
    requireNonNull(olderThan, "olderThan");
    if (olderThan.isNegative()) {
      throw new IllegalArgumentException("olderThan must not be negative: " + olderThan);
    }
    requireOpen();
    Instant cutoff = clock.instant().minus(olderThan);
    List<MultipartUpload> candidates = new ArrayList<>();
    bucket.forEachUpload(keys.prefix(), upload -> {
      if (keys.parse(upload.key()).isPresent() && upload.initiated() != null
          && upload.initiated().isBefore(cutoff)) {
        candidates.add(upload);
      }
    });
    List<PendingLeftover> stale = new ArrayList<>();
    for (MultipartUpload upload : candidates) {
      Optional<BucketOps.UploadProgress> progress = bucket.progress(upload.key(), upload.uploadId());
      if (progress.isEmpty()) {
        continue; // completed or aborted since it was listed
      }
      Instant lastModified = progress.get().lastPartAt()
          .filter(at -> at.isAfter(upload.initiated())).orElse(upload.initiated());
      if (lastModified.isBefore(cutoff)) {
        stale.add(new PendingLeftover(upload.key() + UPLOAD_ID_SEPARATOR + upload.uploadId(),
            progress.get().sizeBytes(), lastModified));
      }
    }
    return stale.stream();
  }

  /**
   * {@inheritDoc} Here: aborts the upload ({@code AbortMultipartUpload}) unless a part arrived since
   * it was listed ({@code ListParts}).
   */
  @Override
  public boolean removeStalePending(PendingLeftover leftover) throws IOException {
    requireNonNull(leftover, "leftover");
    requireOpen();
    int at = leftover.location().lastIndexOf(UPLOAD_ID_SEPARATOR);
    if (at < 0 || keys.parse(leftover.location().substring(0, at)).isEmpty()) {
      throw new IllegalArgumentException("not an upload of this backend: " + leftover.location());
    }
    String key = leftover.location().substring(0, at);
    String uploadId = leftover.location().substring(at + UPLOAD_ID_SEPARATOR.length());
    Optional<BucketOps.UploadProgress> progress = bucket.progress(key, uploadId);
    if (progress.isEmpty() || progress.get().lastPartAt().filter(t -> t.isAfter(leftover.lastModified())).isPresent()) {
      return false; // gone, or its writer uploaded a part since it was listed
    }
    return bucket.abortUpload(key, uploadId);
  }

  /**
   * Checks, for a server about to start, that the bucket can hold artifacts: it exists and these
   * credentials reach it ({@code HeadBucket}); an object can be written under the prefix and
   * deleted; and the server refuses to replace an object both on {@code PutObject} and on {@code
   * CompleteMultipartUpload} with {@code If-None-Match: *} (a server that ignores it would let a
   * commit overwrite an artifact). It writes, overwrites-tries and deletes one probe object,
   * {@code <prefix>.eden-write-check-<random>}, which listings ignore, and aborts its probe
   * multipart upload. About seven requests; call it once at start-up.
   *
   * @throws IOException with a one-line message that says what is wrong and what to check, e.g.
   *     {@code S3 bucket 'b' is not usable: HEAD bucket b failed: NoSuchBucket (HTTP 404)}
   */
  public void checkBucket() throws IOException {
    requireOpen();
    StartupCheck.run(bucket, keys);
  }

  /**
   * Checks, for a command that only reads (the scrub), that the bucket exists and these
   * credentials reach it: one {@code HeadBucket}. It writes nothing, so credentials that may only
   * list and read pass; it does not check what {@link #checkBucket()} checks for writers.
   *
   * @throws IOException with a one-line message that says what is wrong, e.g. {@code S3 storage
   *     s3://b/p/ is not readable: HEAD bucket b failed: NoSuchBucket (HTTP 404)}
   */
  public void checkBucketReadable() throws IOException {
    requireOpen();
    StartupCheck.runReadOnly(bucket, keys);
  }

  /**
   * Closes the client if the backend built it (with the default credentials chain it made); a
   * client handed in is left open. Pending blobs are not aborted; their owners finish them. Any
   * later call but {@code close()} throws {@link IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ownedClient != null) {
      ownedClient.close();
    }
    if (ownedCredentials != null) {
      try {
        ownedCredentials.close();
      } catch (Exception e) {
        // closing the default chain releases threads and files; nothing to report
      }
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
  }

  /** Bytes of buffer budget reserved now (tests). */
  long reservedBufferBytes() {
    return budget.reservedBytes();
  }

  /** The most bytes of buffer budget ever reserved at once (tests). */
  long peakReservedBufferBytes() {
    return budget.peakReservedBytes();
  }

  @Override
  public String toString() {
    return "S3ArtifactBackend[s3://" + bucket.bucket() + "/" + keys.prefix() + "]";
  }

  /**
   * Configures an {@link S3ArtifactBackend}. Setters validate their argument at once and name it in
   * the message; {@link #build()} checks what depends on several. Not thread-safe.
   */
  public static final class Builder {
    private S3Client client;
    private URI endpoint;
    private String region;
    private Boolean pathStyle;
    private AwsCredentialsProvider credentials;
    private String bucket;
    private String keyPrefix = "";
    private long partSize = DEFAULT_PART_SIZE;
    private long bufferBudget = DEFAULT_BUFFER_BUDGET;
    private Integer maxConnections;
    private Duration requestTimeout;
    private Duration readTimeout;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Uses this client as is — credentials, region, endpoint, HTTP client, checksum settings — and
     * never closes it; its time-outs are its own (see the class's "Time-outs"). Excludes {@link
     * #endpoint}, {@link #region}, {@link #pathStyleAccess}, {@link #credentials}, {@link
     * #maxConnections}, {@link #requestTimeout} and {@link #readTimeout}.
     */
    public Builder client(S3Client client) {
      this.client = requireNonNull(client, "client");
      return this;
    }

    /**
     * The endpoint of an S3-compatible server, e.g. {@code http://127.0.0.1:9000}; default: Amazon
     * S3's endpoint for the region.
     *
     * @throws IllegalArgumentException unless an absolute {@code http} or {@code https} URI with a
     *     host and no query or fragment
     */
    public Builder endpoint(URI endpoint) {
      requireNonNull(endpoint, "endpoint");
      String scheme = endpoint.getScheme();
      if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
          || endpoint.getHost() == null || endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "endpoint must be an http or https URI with a host and no query: " + endpoint);
      }
      this.endpoint = endpoint;
      return this;
    }

    /**
     * The region, e.g. {@code eu-west-1}. Default: the AWS SDK's region chain ({@code AWS_REGION},
     * {@code aws.region}, the profile); if that finds none and an {@link #endpoint} is set, {@code
     * us-east-1}, which S3-compatible servers accept for signing.
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder region(String region) {
      requireNonNull(region, "region");
      if (region.isBlank()) {
        throw new IllegalArgumentException("region must not be blank");
      }
      this.region = region.strip();
      return this;
    }

    /**
     * Whether to address the bucket in the path ({@code http://host/bucket/key}) rather than the
     * host name ({@code http://bucket.host/key}); default {@code false}. Most S3-compatible servers
     * on a plain host name or IP address need {@code true}.
     */
    public Builder pathStyleAccess(boolean pathStyle) {
      this.pathStyle = pathStyle;
      return this;
    }

    /**
     * Where credentials come from; default: the AWS SDK's default chain ({@code
     * AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, system properties, the profile, container
     * and instance roles), which the backend then closes with itself. A provider handed in is not
     * closed.
     */
    public Builder credentials(AwsCredentialsProvider credentials) {
      this.credentials = requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * The bucket; required. It must exist ({@link S3ArtifactBackend#checkBucket()} checks).
     *
     * @throws IllegalArgumentException if blank, longer than 255 characters, or containing {@code /}
     *     or whitespace
     */
    public Builder bucket(String bucket) {
      requireNonNull(bucket, "bucket");
      if (bucket.isEmpty() || bucket.length() > 255 || bucket.chars().anyMatch(c -> c == '/' || c <= ' ')) {
        throw new IllegalArgumentException(
            "bucket must be 1 to 255 characters without '/' or whitespace: '" + bucket + "'");
      }
      this.bucket = bucket;
      return this;
    }

    /**
     * The key prefix under which the artifacts live, e.g. {@code eden/blobs}; default: none (the
     * bucket's root). Normalised: leading slashes dropped, a trailing slash added.
     *
     * @throws IllegalArgumentException unless every segment between slashes is non-empty, not
     *     {@code .} or {@code ..}, and made of letters, digits and {@code !-_.*'()} (S3's safe
     *     characters), and the whole is at most 960 bytes
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = S3Keys.under(keyPrefix).prefix();
      return this;
    }

    /**
     * The size of every uploaded part but the last, in bytes; default {@link #DEFAULT_PART_SIZE}
     * (8 MiB). A blob of at most this size is one {@code PutObject}. S3 allows 10,000 parts, so
     * this also bounds a blob: 8 MiB parts allow 78 GiB.
     *
     * @throws IllegalArgumentException outside {@link #MIN_PART_SIZE} (5 MiB) to {@link
     *     #MAX_PART_SIZE} (5 GiB)
     */
    public Builder partSize(long bytes) {
      if (bytes < MIN_PART_SIZE || bytes > MAX_PART_SIZE) {
        throw new IllegalArgumentException(
            "partSize must be from " + MIN_PART_SIZE + " to " + MAX_PART_SIZE + " bytes: " + bytes);
      }
      this.partSize = bytes;
      return this;
    }

    /**
     * The most heap, in bytes, that the part buffers of all pending blobs of the backend take
     * together; default {@link #DEFAULT_BUFFER_BUDGET} (64 MiB). It must hold at least one part
     * ({@link #build()} checks); with {@code n} parts' worth, about {@code n} large blobs upload at
     * once, and any number of small ones.
     *
     * @throws IllegalArgumentException if less than {@link #MIN_PART_SIZE}
     */
    public Builder bufferBudget(long bytes) {
      if (bytes < MIN_PART_SIZE) {
        throw new IllegalArgumentException(
            "bufferBudget must be at least " + MIN_PART_SIZE + " bytes: " + bytes);
      }
      this.bufferBudget = bytes;
      return this;
    }

    /**
     * The most connections to S3 that a client the backend builds keeps open at once; default
     * {@link #DEFAULT_MAX_CONNECTIONS} (200). An open read (a fetch streaming to a slow client, say)
     * holds one until its stream is closed, a pending blob one while it uploads a part; a request
     * that finds none free waits for one, and fails after the SDK's acquisition time-out (10 s).
     * Excludes {@link #client}.
     *
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * The longest a request to S3 may take, all its attempts (the SDK's retries) together, in a
     * client the backend builds; default {@link #DEFAULT_REQUEST_TIMEOUT} (2 minutes). For a
     * {@code GetObject} it runs until the response's headers arrive: reading the object's bytes is
     * bounded only by the {@link #readTimeout} of each read, so a long fetch that keeps moving is
     * never cut. Each part upload is one request, so this is also a minimum upload rate of {@link
     * #partSize} per request time-out; an upload to a server that stopped reading fails after it
     * (the socket write itself has no time-out). The request then fails with an {@link
     * IOException}. The SDK's own default bounds no request as a whole. Excludes {@link #client}.
     *
     * @throws IllegalArgumentException unless positive
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * The longest a read from an open connection to S3 waits for the next bytes (the HTTP client's
     * socket time-out), in a client the backend builds: an answer's headers, or the next bytes of
     * an object being read, which then fails with an {@link IOException}. Default {@link
     * #DEFAULT_READ_TIMEOUT} (30 s). It bounds a stalled fetch however long the fetch has run.
     * Excludes {@link #client}.
     *
     * @throws IllegalArgumentException unless positive and at most {@code Integer.MAX_VALUE}
     *     milliseconds
     */
    public Builder readTimeout(Duration timeout) {
      Duration checked = positive(timeout, "readTimeout");
      if (checked.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
        throw new IllegalArgumentException("readTimeout must be at most " + Integer.MAX_VALUE + " ms: " + timeout);
      }
      this.readTimeout = checked;
      return this;
    }

    private static Duration positive(Duration timeout, String name) {
      requireNonNull(timeout, name);
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + timeout);
      }
      return timeout;
    }

    /** The clock that ages uploads for the sweep (tests). */
    Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the backend, and its client unless one was handed in. Makes no request; call {@link
     * S3ArtifactBackend#checkBucket()} to check the bucket.
     *
     * @throws IllegalStateException if {@link #bucket} is missing, if {@link #client} and any of
     *     {@link #endpoint}, {@link #region}, {@link #pathStyleAccess}, {@link #credentials}, {@link
     *     #maxConnections}, {@link #requestTimeout}, {@link #readTimeout} are both given, if {@link
     *     #bufferBudget} is smaller than {@link #partSize}, or if no region is set, none is found and
     *     there is no endpoint
     */
    public S3ArtifactBackend build() {
      if (bucket == null) {
        throw new IllegalStateException("bucket is required");
      }
      if (bufferBudget < partSize) {
        throw new IllegalStateException("bufferBudget (" + bufferBudget
            + " bytes) must hold at least one part (partSize " + partSize + " bytes)");
      }
      if (client != null) {
        if (endpoint != null || region != null || pathStyle != null || credentials != null
            || maxConnections != null || requestTimeout != null || readTimeout != null) {
          throw new IllegalStateException("client excludes endpoint, region, pathStyleAccess, "
              + "credentials, maxConnections, requestTimeout and readTimeout: configure those on the client");
        }
        return new S3ArtifactBackend(this, client, null, null);
      }
      Region resolved = resolveRegion();
      DefaultCredentialsProvider defaultChain = null;
      AwsCredentialsProvider provider = credentials;
      if (provider == null) {
        defaultChain = DefaultCredentialsProvider.builder().build();
        provider = defaultChain;
      }
      S3ClientBuilder sdk = S3Client.builder()
          .httpClientBuilder(Apache5HttpClient.builder()
              .maxConnections(maxConnections == null ? DEFAULT_MAX_CONNECTIONS : maxConnections)
              .socketTimeout(readTimeout == null ? DEFAULT_READ_TIMEOUT : readTimeout))
          // The whole call, retries included; for a GetObject only until its headers arrived.
          .overrideConfiguration(o -> o.apiCallTimeout(requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout))
          .region(resolved)
          .credentialsProvider(provider)
          .forcePathStyle(Boolean.TRUE.equals(pathStyle))
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
      if (endpoint != null) {
        sdk.endpointOverride(endpoint);
      }
      S3Client built = sdk.build();
      return new S3ArtifactBackend(this, built, built, defaultChain);
    }

    private Region resolveRegion() {
      if (region != null) {
        return Region.of(region);
      }
      try {
        return DefaultAwsRegionProviderChain.builder().build().getRegion();
      } catch (SdkClientException e) {
        if (endpoint != null) {
          return Region.US_EAST_1;
        }
        throw new IllegalStateException("region is not set and the AWS SDK's region chain found "
            + "none (AWS_REGION, aws.region, the profile): set region(...)", e);
      }
    }
  }
}
