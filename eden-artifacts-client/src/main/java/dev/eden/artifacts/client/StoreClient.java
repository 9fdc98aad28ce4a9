package dev.eden.artifacts.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.ProblemDetails;
import dev.eden.artifacts.ProblemType;
import dev.eden.artifacts.client.internal.ArtifactBodies;
import dev.eden.artifacts.client.internal.ArtifactBodies.ArtifactBody;
import dev.eden.artifacts.client.internal.ClientInfo;
import dev.eden.artifacts.client.internal.ContentTypes;
import dev.eden.artifacts.client.internal.ErrorResponses;
import dev.eden.artifacts.client.internal.FetchHeaders;
import dev.eden.artifacts.client.internal.FetchHeaders.ContentRange;
import dev.eden.artifacts.client.internal.FileDownload;
import dev.eden.artifacts.client.internal.Retrier;
import dev.eden.artifacts.client.internal.Retrier.TransientAnswer;
import dev.eden.artifacts.client.internal.Sha256;
import dev.eden.artifacts.client.internal.StatHeaders;
import dev.eden.artifacts.client.internal.TruncatedBodyException;
import dev.eden.artifacts.internal.DigestFields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Deposits artifacts to, and fetches them from, any server that follows the EDEN artifact wire
 * contract ({@code POST} and {@code GET /v0/experiments/{E}/artifacts}).
 *
 * <pre>{@code
 * try (StoreClient client = StoreClient.builder()
 *     .baseUrl("http://127.0.0.1:8080")
 *     .experimentId("exp_...")
 *     .bearer(System.getenv("EDEN_BEARER"))
 *     .build()) {
 *   DepositReceipt receipt = client.depositArtifact(Path.of("plan.txt"));
 *   client.fetchArtifact(receipt.uri(), Path.of("copy.txt"));
 * }
 * }</pre>
 *
 * <p><b>Errors.</b> One rule, as in OkHttp: an {@link IOException} means the transfer itself failed
 * (could not talk to the server, or the bytes did not arrive intact); an answer from the server is
 * not a transport failure and is an unchecked {@link ArtifactException}. So {@code catch
 * (ArtifactException e)} catches every refusal and {@code catch (IOException e)} only transport
 * trouble:
 * <ul>
 *   <li>{@link IOException} (checked) — connection refused or reset, unknown host, TLS failure,
 *       time-outs, a body cut short or longer than announced ({@code Content-Length}), and
 *       {@link ArtifactDigestMismatchException}: bytes that do not hash to the announced digest did
 *       not arrive intact either, whether they broke on the way or at rest, and the stream can only
 *       tell at its end, like a short body. Local file errors are {@code IOException}s too, as the
 *       file system reported them ({@link java.nio.file.NoSuchFileException}, …); those of
 *       {@link #fetchArtifact(String, Path)} end the fetch at once, never retried.
 *   <li>{@link ArtifactException} (unchecked) — the server answered: a problem+json answer becomes
 *       the public core class for its {@code type} URI itself
 *       ({@link dev.eden.artifacts.ArtifactNotFoundException},
 *       {@link dev.eden.artifacts.ForbiddenException},
 *       {@link dev.eden.artifacts.UnauthorizedException},
 *       {@link dev.eden.artifacts.BadRequestException},
 *       {@link dev.eden.artifacts.ExperimentIdMismatchException},
 *       {@link dev.eden.artifacts.PayloadTooLargeException},
 *       {@link dev.eden.artifacts.ArtifactStorageException} for {@code eden://error/internal}); a
 *       type outside that vocabulary an {@link UnknownProblemTypeException}; an answer the contract
 *       does not allow (an error without a problem body, such as a proxy's HTML page, or a deposit
 *       answer without the documented JSON) an {@link UnexpectedResponseException}. Each carries
 *       what the server sent: {@link ArtifactException#typeUri()},
 *       {@link ArtifactException#status()} and {@link ArtifactException#remoteProblem()} (title,
 *       detail, instance).
 *   <li>{@link FetchLimitExceededException} (unchecked, neither) — the answer arrived intact but is
 *       larger than the limit the caller gave {@link #fetchArtifactBytes(String, long)}: the
 *       caller's own limit decided, not the server and not the network.
 * </ul>
 * Retries follow the same line: a transport failure may be worth another attempt (not an unknown
 * host, a TLS trust failure or a local file error); an answer is final, except 502, 503, 504 and
 * 429 (not a 500, {@code eden://error/internal}: the contract makes that a fault of the server,
 * not a passing condition). The bearer never appears in a message, in {@link #toString()} or in a log.
 *
 * <p><b>Retries.</b> Fetches are retried under the {@linkplain Builder#fetchRetryPolicy fetch
 * policy} after connection failures and 502/503/504/429 answers (a download to a file resumes). Deposits are not retried unless
 * {@linkplain Builder#depositRetryPolicy asked}, and then only from a regular file or a
 * {@code byte[]}: a retried deposit whose first response was lost leaves an orphan and mints a new
 * URI, which the contract allows.
 *
 * <p><b>Integrity.</b> When a fetch answer announces the artifact's SHA-256 — RFC 9530
 * {@code Repr-Digest} ({@code sha-256} member), else a well-formed {@code X-Eden-Artifact-Sha256}
 * (64 lowercase hex digits); this project's server sends both, the contract requires neither — the
 * bytes of a whole artifact are hashed while they stream and compared at the end of the body; a
 * difference is an {@link ArtifactDigestMismatchException} naming both digests. A deposit hashes
 * the bytes it sends and compares the digest its {@code 201} records in
 * {@code X-Eden-Artifact-Sha256}; a {@code byte[]} deposit also sends its digest as the part's
 * {@code Content-Digest}. Missing or malformed fields mean no check, so the client works against
 * any conforming server; {@link Builder#verifyDigests(boolean)} turns every check off.
 * {@code fetchArtifactBytes} and {@code fetchArtifact} retry a mismatch at most once (see
 * {@link #fetchArtifact(String, Path)}).
 *
 * <p><b>Resuming and ranges.</b> {@link #fetchArtifact(String, Path)} continues a broken download
 * where it stopped when the server offers byte ranges and a strong {@code ETag} (RFC 9110 §14,
 * §13.1.5), and starts over otherwise; {@link #openArtifact(String, long, long)} reads a slice.
 *
 * <p><b>Lifecycle.</b> Thread-safe: share one instance. A client that created its own
 * {@link OkHttpClient} releases its connections and threads on {@link #close()}; a client given an
 * {@code OkHttpClient} never shuts it down.
 */
public final class StoreClient implements AutoCloseable {
  private static final String EXPERIMENT_HEADER = "X-Eden-Experiment-Id";
  private static final int MAX_RECEIPT_BYTES = 64 * 1024;
  private static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

  private final HttpUrl baseUrl;
  private final HttpUrl artifactsUrl;
  private final ExperimentId experimentId;
  private final String bearer;
  private final String principal;
  private final String userAgent;
  private final OkHttpClient http;
  private final boolean ownsHttp;
  private final RetryPolicy fetchRetryPolicy;
  private final RetryPolicy depositRetryPolicy;
  private final ProgressListener progress;
  private final boolean verifyDigests;
  private final ObjectMapper json;
  private final ErrorResponses errors;
  private final Retrier retrier;
  private final AtomicBoolean closed;

  private StoreClient(Builder builder, OkHttpClient http, boolean ownsHttp) {
    this.baseUrl = builder.baseUrl;
    this.artifactsUrl = builder.baseUrl.newBuilder()
        .addPathSegment("v0")
        .addPathSegment("experiments")
        .addPathSegment(builder.experimentId.value())
        .addPathSegment("artifacts")
        .build();
    this.experimentId = builder.experimentId;
    this.bearer = builder.bearer;
    this.principal = builder.bearer.substring(0, builder.bearer.indexOf(':'));
    this.userAgent = builder.userAgent == null
        ? ClientInfo.userAgent()
        : builder.userAgent + " " + ClientInfo.userAgent();
    this.http = http;
    this.ownsHttp = ownsHttp;
    this.fetchRetryPolicy = builder.fetchRetryPolicy;
    this.depositRetryPolicy = builder.depositRetryPolicy;
    this.progress = builder.progressListener;
    this.verifyDigests = builder.verifyDigests;
    this.json = new ObjectMapper();
    this.errors = new ErrorResponses(json, bearer);
    this.retrier = new Retrier();
    this.closed = new AtomicBoolean();
  }

  private StoreClient(StoreClient base, ProgressListener progress) {
    this.baseUrl = base.baseUrl;
    this.artifactsUrl = base.artifactsUrl;
    this.experimentId = base.experimentId;
    this.bearer = base.bearer;
    this.principal = base.principal;
    this.userAgent = base.userAgent;
    this.http = base.http;
    this.ownsHttp = false;
    this.fetchRetryPolicy = base.fetchRetryPolicy;
    this.depositRetryPolicy = base.depositRetryPolicy;
    this.progress = progress;
    this.verifyDigests = base.verifyDigests;
    this.json = base.json;
    this.errors = base.errors;
    this.retrier = base.retrier;
    this.closed = base.closed;
  }

  /** A new builder; base URL, experiment id and bearer are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A client identical to this one but reporting progress to {@code listener}, for example one per
   * transfer drawn as its own bar. It shares this client's connections and is closed with it;
   * closing it alone does nothing.
   */
  public StoreClient withProgressListener(ProgressListener listener) {
    return new StoreClient(this, requireNonNull(listener, "listener"));
  }

  /** The experiment every request is scoped to. */
  public ExperimentId experimentId() {
    return experimentId;
  }

  /** The server's base URL, as given to the builder. */
  public String baseUrl() {
    return baseUrl.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Deposit

  /**
   * Deposits a file, named as on disk, with a content type guessed from its name,
   * case-insensitively: {@code .log}, {@code .txt} → {@code text/plain}; {@code .diff},
   * {@code .patch} → {@code text/x-diff}; {@code .md} → {@code text/markdown}; {@code .csv} →
   * {@code text/csv}; {@code .json} → {@code application/json}; {@code .jsonl} →
   * {@code application/jsonl}; {@code .yaml}, {@code .yml} → {@code application/yaml};
   * {@code .tar} → {@code application/x-tar}; {@code .tar.gz}, {@code .tgz}, {@code .gz} →
   * {@code application/gzip}; {@code .zst} → {@code application/zstd}; {@code .parquet} →
   * {@code application/vnd.apache.parquet}; else the JDK's guess, else
   * {@code application/octet-stream}. Streams from disk.
   *
   * @throws IOException if the file cannot be read or the server cannot be reached
   * @throws dev.eden.artifacts.ArtifactException (unchecked) for an answer that refuses, see the
   *     class doc
   */
  public DepositReceipt depositArtifact(Path file) throws IOException {
    requireNonNull(file, "file");
    Path name = file.getFileName();
    requireNonNull(name, "file has no file name");
    return depositArtifact(file, name.toString(), ContentTypes.guess(name.toString()));
  }

  /**
   * Deposits a file under the given filename and content type. The length of a regular file is
   * taken when the upload starts; a file that shrinks while it is sent fails the deposit.
   *
   * <p>Anything else that can be read but has no length of its own — a pipe or FIFO (such as the
   * {@code /dev/fd/63} a shell passes for {@code <(command)}), a character device — is read to its
   * end and sent like {@link #depositArtifact(InputStream, String, String)}: with unknown length,
   * and never retried, since what was read cannot be read again.
   *
   * @throws IllegalArgumentException if {@code file} is a directory
   * @throws IOException if the file cannot be read (such as
   *     {@link java.nio.file.NoSuchFileException}) or the server cannot be reached
   */
  public DepositReceipt depositArtifact(Path file, String filename, String contentType)
      throws IOException {
    requireNonNull(file, "file");
    MediaType type = mediaType(contentType);
    checkFilename(filename);
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    if (attributes.isDirectory()) {
      throw new IllegalArgumentException("file is a directory: " + file);
    }
    if (!attributes.isRegularFile()) {
      // Files.size is 0 for a pipe: its bytes are only known by reading them.
      try (InputStream in = Files.newInputStream(file)) {
        return deposit(ArtifactBodies.ofStream(in, type, verifyDigests, progress), filename, false,
            null);
      }
    }
    boolean retry = depositRetryPolicy.maxAttempts() > 1;
    ArtifactBody body = ArtifactBodies.ofFile(file, attributes.size(), type, retry, verifyDigests,
        progress);
    return deposit(body, filename, retry, null);
  }

  /**
   * Deposits everything {@code in} yields until its end, streamed with chunked transfer encoding
   * (the length need not be known). Never retried, since a stream cannot be replayed. The stream is
   * read but not closed: its owner closes it.
   */
  public DepositReceipt depositArtifact(InputStream in, String filename, String contentType)
      throws IOException {
    requireNonNull(in, "in");
    MediaType type = mediaType(contentType);
    checkFilename(filename);
    return deposit(ArtifactBodies.ofStream(in, type, verifyDigests, progress), filename, false,
        null);
  }

  /**
   * Deposits {@code bytes}; the array must not change while the call runs. With
   * {@linkplain Builder#verifyDigests verification} on (the default), their SHA-256 travels as the
   * file part's {@code Content-Digest} (RFC 9530 §2), so a server that checks it refuses bytes
   * corrupted on the way (400 {@code bad-request}) instead of storing them.
   */
  public DepositReceipt depositArtifact(byte[] bytes, String filename, String contentType)
      throws IOException {
    requireNonNull(bytes, "bytes");
    MediaType type = mediaType(contentType);
    checkFilename(filename);
    boolean retry = depositRetryPolicy.maxAttempts() > 1;
    // Hashed once: the digest travels as the Content-Digest and is what the receipt is checked
    // against.
    String sha256 = verifyDigests ? Sha256.of(bytes) : null;
    String contentDigest = sha256 == null ? null : DigestFields.sha256(sha256);
    return deposit(ArtifactBodies.ofBytes(bytes, sha256, type, retry, progress), filename,
        retry, contentDigest);
  }

  /**
   * @param contentDigest the part's {@code Content-Digest} value, or {@code null} to send none
   */
  private DepositReceipt deposit(ArtifactBody body, String filename, boolean replayable,
      String contentDigest) throws IOException {
    checkOpen();
    MultipartBody.Part part = MultipartBody.Part.createFormData("file", filename, body);
    if (contentDigest != null) {
      // Beside the Content-Disposition OkHttp wrote (and escaped) for the name and filename.
      part = MultipartBody.Part.create(part.headers().newBuilder()
          .add(FetchHeaders.CONTENT_DIGEST, contentDigest).build(), body);
    }
    MultipartBody multipart = new MultipartBody.Builder()
        .setType(MultipartBody.FORM)
        .addPart(part)
        .build();
    // Set explicitly so that an application interceptor's default Content-Type cannot hide the
    // boundary the body is written with.
    Request request = requestTo(artifactsUrl)
        .header("Accept", "application/json, application/problem+json")
        .header("Content-Type", multipart.contentType().toString())
        .post(multipart)
        .build();
    RetryPolicy policy = replayable ? depositRetryPolicy : RetryPolicy.none();
    return retrier.run(policy, () -> {
      try (Response response = http.newCall(request).execute()) {
        if (!response.isSuccessful()) {
          throw failure(response);
        }
        DepositReceipt receipt = readReceipt(response);
        String recorded = verifyDigests ? FetchHeaders.edenSha256(response) : null;
        String sent = body.sentSha256();
        if (recorded != null && sent != null && !recorded.equals(sent)) {
          throw ArtifactDigestMismatchException.ofDeposit(recorded, sent);
        }
        return receipt;
      }
    });
  }

  private DepositReceipt readReceipt(Response response) throws IOException {
    byte[] body = ErrorResponses.readBounded(response.body().source(), MAX_RECEIPT_BYTES);
    String contentType = response.header("Content-Type");
    try {
      JsonNode node = json.readTree(body);
      if (node != null && node.path("artifacts_uri").isTextual()
          && node.path("size_bytes").canConvertToExactIntegral()
          && node.path("size_bytes").asLong(-1) >= 0
          && node.path("content_type").isTextual()) {
        return new DepositReceipt(node.get("artifacts_uri").asText(),
            node.get("size_bytes").asLong(), node.get("content_type").asText());
      }
    } catch (IOException notJson) {
      // Reported below with a snippet of what arrived.
    }
    throw errors.unexpected(response.code(), contentType, body,
        "deposit answer lacks artifacts_uri, size_bytes or content_type");
  }

  // ---------------------------------------------------------------------------------------------
  // Fetch

  /**
   * Opens the artifact behind {@code uri} as a stream. The request is retried until the server
   * answers with the bytes' headers; once the stream is returned, a broken connection surfaces as
   * an {@link IOException} from {@code read}, and so does a digest mismatch at the end of the body
   * ({@link ArtifactDigestMismatchException}, when the server announced a digest; see
   * {@link ArtifactInputStream#sha256()}). Neither is retried: the caller has already consumed the
   * bytes.
   *
   * @param uri the artifact URI exactly as a deposit returned it; sent verbatim
   * @return an open stream the caller must close
   */
  public ArtifactInputStream openArtifact(String uri) throws IOException {
    Request request = fetchRequest(uri);
    return retrier.run(fetchRetryPolicy, () -> open(request));
  }

  /**
   * Opens the artifact behind {@code uri} from byte {@code offset} to its end, for example to read
   * the rest of a log from where an earlier read stopped. Same as {@code openArtifact(uri, offset,
   * Long.MAX_VALUE)}.
   *
   * @see #openArtifact(String, long, long)
   */
  public ArtifactInputStream openArtifact(String uri, long offset) throws IOException {
    return openArtifact(uri, offset, Long.MAX_VALUE);
  }

  /**
   * Opens at most {@code length} bytes of the artifact behind {@code uri}, starting at byte
   * {@code offset} (zero-based), with one request for that single range
   * ({@code Range: bytes=<offset>-<offset+length-1>}, RFC 9110 §14.2). The stream's
   * {@link ArtifactInputStream#offset()} is {@code offset}, its
   * {@link ArtifactInputStream#contentLength()} the slice's length and
   * {@link ArtifactInputStream#artifactSize()} the whole artifact's size (when announced).
   *
   * <ul>
   *   <li>A slice that reaches past the end of the artifact is cut there: the stream holds fewer
   *       than {@code length} bytes (never an error).
   *   <li>{@code offset} equal to the artifact's size opens an <b>empty</b> stream (the end of a
   *       log with nothing new). A server with ranges answers it with a {@code 416}, which does not
   *       carry the artifact's type: {@code contentType()} is then
   *       {@code application/octet-stream}. A server without ranges sends the whole artifact, whose
   *       type {@code contentType()} keeps.
   *   <li>A {@code 206} that ends before the last byte asked for, and before the end of the
   *       artifact it announces, is refused with {@link UnexpectedResponseException}: the stream
   *       would silently be short.
   *   <li>{@code offset} greater than the size throws {@link RangeNotSatisfiableException} (with
   *       the size, when announced), as the server's {@code 416} says.
   *   <li>A server that does not take ranges answers with the whole artifact; the client then
   *       reads and discards the bytes before {@code offset} itself (the result is the same, the
   *       transfer longer).
   * </ul>
   *
   * <p>Only a stream that covers the whole artifact (offset {@code 0}, reaching its end) is checked
   * against the announced digest, which describes the whole artifact; a slice is checked against
   * its announced length only. Retried like {@link #openArtifact(String)} until the bytes' headers
   * arrive (and, without range support, the skipped bytes are read).
   *
   * @param uri the artifact URI exactly as a deposit returned it; sent verbatim
   * @param offset the first byte to read, {@code >= 0}
   * @param length the most bytes to read, {@code >= 1}; {@code Long.MAX_VALUE} (or any length
   *     with {@code offset + length >= Long.MAX_VALUE}) for "to the end", which from offset
   *     {@code 0} is exactly {@link #openArtifact(String)}: a plain {@code GET}
   * @return an open stream the caller must close
   * @throws RangeNotSatisfiableException (unchecked) if {@code offset} is past the end
   * @throws IllegalArgumentException if {@code offset} is negative or {@code length} is not
   *     positive
   */
  public ArtifactInputStream openArtifact(String uri, long offset, long length)
      throws IOException {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative: " + offset);
    }
    if (length < 1) {
      throw new IllegalArgumentException("length must be positive: " + length);
    }
    Request full = fetchRequest(uri);
    // The last byte asked for, or -1 for "to the end": length Long.MAX_VALUE, or any slice whose
    // end would reach Long.MAX_VALUE (or overflow), which no artifact can have.
    long last = length >= Long.MAX_VALUE - offset ? -1 : offset + length - 1;
    if (offset == 0 && last < 0) {
      return retrier.run(fetchRetryPolicy, () -> open(full));
    }
    Request ranged = FetchHeaders.ranged(full, offset, last, null);
    return retrier.run(fetchRetryPolicy, () -> openSlice(ranged, offset, last));
  }

  /**
   * Fetches the artifact's bytes into memory, refusing more than {@code maxBytes}. Retried as a
   * whole after a connection failure, even mid-body. When the server announced a digest, the
   * bytes are verified against it; a mismatch is retried once, like in
   * {@link #fetchArtifact(String, Path)}.
   *
   * @param maxBytes the most bytes to accept, {@code >= 0}; a value above the largest byte array
   *     (a little under 2 GiB) means that array's size
   * @throws FetchLimitExceededException (unchecked, never retried) if the artifact is larger than
   *     the limit
   * @throws ArtifactDigestMismatchException if the bytes do not match the announced digest
   * @throws IllegalArgumentException if {@code maxBytes} is negative
   */
  public byte[] fetchArtifactBytes(String uri, long maxBytes) throws IOException {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
    }
    int limit = (int) Math.min(maxBytes, MAX_ARRAY_BYTES);
    Request request = fetchRequest(uri);
    return retrier.run(fetchRetryPolicy, () -> {
      try (ArtifactInputStream in = open(request)) {
        if (in.contentLength() > limit) {
          throw new FetchLimitExceededException(limit, "artifact has " + in.contentLength()
              + " bytes, more than the limit of " + limit);
        }
        long expected = in.contentLength() >= 0 ? in.contentLength() : 8192;
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(expected, limit));
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int read; (read = in.read(buffer)) != -1; ) {
          total += read;
          if (total > limit) {
            throw new FetchLimitExceededException(limit,
                "artifact is larger than the limit of " + limit + " bytes");
          }
          out.write(buffer, 0, read);
        }
        return out.toByteArray();
      }
    });
  }

  /**
   * Fetches the artifact into {@code target}: the bytes go to a temporary file beside it, which is
   * flushed to disk and then atomically renamed over {@code target} (replacing an existing file).
   * The byte count must equal the announced {@code Content-Length}; a download that fails for good
   * leaves no file behind and {@code target} untouched. The temp file
   * ({@code .<name>.<random>.part}, owner-only) is created before the first request, so a target
   * that cannot be written fails without downloading anything.
   *
   * <p><b>Resuming.</b> A download broken by the connection (reset, cut short, a time-out) or by a
   * transient answer (502, 503, 504, 429) is retried under the fetch policy, and a retry continues
   * from the bytes already in the temp file: it asks for the rest ({@code Range:
   * bytes=<written>-}) on the condition that the artifact still has the entity tag of the first
   * answer ({@code If-Range}, RFC 9110 §13.1.5), and appends the {@code 206} only if its
   * {@code Content-Range} starts exactly there and has the same complete length. It starts over
   * from byte zero when the server cannot resume: the first answer had no strong {@code ETag} or no
   * {@code Content-Length}, or said {@code Accept-Ranges: none}; the server answers the range with
   * the whole artifact ({@code 200}: a changed validator, or no range support); or the
   * {@code 206} does not continue the file.
   *
   * <p>A break after progress does not use up the policy: whenever an attempt added bytes that the
   * next one continues, the fetch policy's attempts, {@link RetryPolicy#maxElapsed() maxElapsed}
   * and backoff start afresh, so a long download survives any number of breaks as long as each one
   * made progress; it fails after the policy's attempts or time pass without any. Only the
   * transient answers 502, 503, 504 and 429 are retried, not other {@code 5xx}: a {@code 500}
   * ({@code eden://error/internal}) is a fault of the server by the contract, not a passing
   * condition, and ends the fetch with {@link dev.eden.artifacts.ArtifactStorageException}.
   *
   * <p><b>Integrity.</b> Whatever the path, the whole file is checked before the rename against
   * the SHA-256 the first answer announced ({@code Repr-Digest}, RFC 9530, else
   * {@code X-Eden-Artifact-Sha256}; none: no check), with a digest kept across resumes (memory stays
   * constant, the file is not read again). A mismatch empties the temp file; it is retried once
   * from byte zero, whatever the policy's attempts (but only if it allows a second attempt): one
   * fresh download tells corruption on the way (a faulty proxy or hop, which a second attempt
   * usually escapes) from corruption at rest on the server (which every attempt repeats, so more
   * would only download the artifact again for nothing). When it fails for good the temp file is
   * deleted, {@code target} is untouched and {@link ArtifactDigestMismatchException} is thrown. The
   * result's {@link FetchedFile#sha256()} holds the verified digest. With
   * {@linkplain Builder#verifyDigests verification} off nothing is hashed or checked.
   *
   * @throws ArtifactDigestMismatchException if the bytes do not match the announced digest
   * @throws IOException on a transport failure or a truncated body (retried), or a local file
   *     error, such as {@link java.nio.file.NoSuchFileException} for a missing directory or
   *     {@link java.nio.file.FileSystemException} for a target that cannot be replaced; local
   *     errors are thrown as the file system reported them and never retried
   * @throws IllegalArgumentException if {@code target} does not name a file or is an existing
   *     directory, before any request and before the temp file is created
   */
  public FetchedFile fetchArtifact(String uri, Path target) throws IOException {
    requireNonNull(target, "target");
    Request full = fetchRequest(uri);
    try (FileDownload download = FileDownload.into(target, verifyDigests, progress)) {
      return retrier.run(fetchRetryPolicy, () -> {
        checkOpen();
        Request request = download.nextRequest(full);
        boolean ranged = request != full;
        Response answer = http.newCall(request).execute();
        if (ranged && (answer.code() == 206 && !download.fits(answer) || answer.code() == 416)) {
          // The rest cannot be appended: ask for everything, in this same attempt.
          answer.close();
          download.restart();
          ranged = false;
          answer = http.newCall(full).execute();
        }
        Response response = answer;
        try (response) {
          if (!response.isSuccessful()) {
            throw failure(response);
          }
          if (response.code() == 206 && !ranged) {
            throw unexpected(response, "206 Partial Content answers a request without Range");
          }
          return download.receive(response);
        }
      }, download::kept);
    }
  }

  /** One attempt at a whole artifact: the bytes' headers, then a stream over the body. */
  private ArtifactInputStream open(Request request) throws IOException, TransientAnswer {
    checkOpen();
    Response response = http.newCall(request).execute();
    if (!response.isSuccessful()) {
      try (response) {
        throw failure(response);
      }
    }
    long length = response.body().contentLength();
    return new ArtifactInputStream(response.body().byteStream(), response,
        contentType(response), length, Long.MAX_VALUE, 0, length,
        verifyDigests ? FetchHeaders.announcedSha256(response) : null, progress);
  }

  /**
   * One attempt at a slice: a 206 for exactly the range asked for, a 416 (the end, or past it), or
   * the whole artifact from a server without ranges, read up to {@code offset} here.
   *
   * @param last the last byte asked for, or {@code -1} for "to the end"
   */
  private ArtifactInputStream openSlice(Request request, long offset, long last)
      throws IOException, TransientAnswer {
    checkOpen();
    Response response = http.newCall(request).execute();
    boolean handedOver = false;
    try {
      int code = response.code();
      if (code == 416) {
        return pastTheEnd(response, offset);
      }
      if (!response.isSuccessful()) {
        throw failure(response);
      }
      ArtifactInputStream slice = code == 206
          ? partial(response, offset, last)
          : skipped(response, offset, last);
      handedOver = true;
      return slice;
    } finally {
      if (!handedOver) {
        response.close();
      }
    }
  }

  private ArtifactInputStream partial(Response response, long offset, long last)
      throws IOException {
    Optional<ContentRange> announced = FetchHeaders.contentRange(response);
    long bodyLength = response.body().contentLength();
    if (announced.isEmpty() || announced.get().unsatisfied()
        || announced.get().first() != offset || last >= 0 && announced.get().last() > last
        || bodyLength >= 0 && bodyLength != announced.get().last() - offset + 1) {
      throw unexpected(response, "206 Partial Content without the Content-Range of the bytes "
          + offset + "-" + (last < 0 ? "" : Long.toString(last)) + " asked for, or of another length");
    }
    ContentRange range = announced.get();
    // A slice may end early only where the artifact ends; an unknown complete length ("*") cannot
    // tell, and is taken at its word.
    boolean endsEarly = last < 0 || range.last() < last;
    if (endsEarly && range.complete() >= 0 && range.last() != range.complete() - 1) {
      throw unexpected(response, "206 Partial Content ends at byte " + range.last() + ", before "
          + (last < 0 ? "the end" : "byte " + last) + " asked for and before the end of the "
          + range.complete() + " bytes it announces");
    }
    long count = range.last() - offset + 1;
    boolean whole = offset == 0 && range.complete() == range.last() + 1;
    return new ArtifactInputStream(response.body().byteStream(), response, contentType(response),
        count, count, offset, range.complete(),
        whole && verifyDigests ? FetchHeaders.announcedSha256(response) : null, progress);
  }

  /** The whole artifact answered a range: reads and drops the bytes before {@code offset}. */
  private ArtifactInputStream skipped(Response response, long offset, long last)
      throws IOException {
    long size = response.body().contentLength();
    if (size >= 0 && offset > size) {
      throw new RangeNotSatisfiableException(offset, size, notSatisfiable());
    }
    InputStream body = response.body().byteStream();
    long dropped = 0;
    byte[] buffer = new byte[64 * 1024];
    while (dropped < offset) {
      int read = body.read(buffer, 0, (int) Math.min(buffer.length, offset - dropped));
      if (read == -1) {
        if (size >= 0) {
          throw new TruncatedBodyException(size, dropped);
        }
        throw new RangeNotSatisfiableException(offset, dropped, notSatisfiable());
      }
      dropped += read;
    }
    long limit = last < 0 ? Long.MAX_VALUE : last - offset + 1;
    long count = size < 0 ? -1 : Math.min(size - offset, limit);
    boolean whole = offset == 0 && size >= 0 && count == size;
    return new ArtifactInputStream(body, response, contentType(response), count, limit, offset,
        size, whole && verifyDigests ? FetchHeaders.announcedSha256(response) : null, progress);
  }

  /**
   * A 416: an empty stream when {@code offset} is exactly the announced size, else the failure.
   * Closes nothing: the caller closes the response.
   */
  private ArtifactInputStream pastTheEnd(Response response, long offset) throws IOException {
    long size = FetchHeaders.contentRange(response)
        .filter(ContentRange::unsatisfied)
        .map(ContentRange::complete)
        .orElse(-1L);
    ArtifactException answer = errors.toException(response);
    if (ProblemType.fromUri(answer.typeUri()).isPresent()) {
      throw answer;
    }
    if (size == offset) {
      return new ArtifactInputStream(InputStream.nullInputStream(), () -> { },
          ContentTypes.OCTET_STREAM, 0, 0, offset, size, null, progress);
    }
    throw new RangeNotSatisfiableException(offset, size,
        answer.remoteProblem().orElseGet(StoreClient::notSatisfiable));
  }

  /** What a server with ranges would have answered: 416 without a problem type. */
  private static ProblemDetails notSatisfiable() {
    return new ProblemDetails(ProblemDetails.ABOUT_BLANK, 416, "Range Not Satisfiable", null,
        null);
  }

  private static String contentType(Response response) {
    String contentType = response.header("Content-Type");
    return contentType == null ? ContentTypes.OCTET_STREAM : contentType;
  }

  private UnexpectedResponseException unexpected(Response response, String reason) {
    return errors.unexpected(response.code(), response.header("Content-Type"), new byte[0], reason);
  }

  private Request fetchRequest(String uri) {
    requireNonNull(uri, "uri");
    checkOpen();
    // addQueryParameter percent-encodes every reserved character (&, #, +, %, space, non-ASCII…),
    // so the server decodes exactly the URI the deposit returned.
    HttpUrl url = artifactsUrl.newBuilder().addQueryParameter("uri", uri).build();
    return requestTo(url)
        .header("Accept", "*/*")
        // No transparent gzip: the byte count must match the artifact's Content-Length.
        .header("Accept-Encoding", "identity")
        .get()
        .build();
  }

  // ---------------------------------------------------------------------------------------------
  // Stat

  /**
   * What the server says about the artifact behind {@code uri} — size, content type, depositor,
   * deposit time, SHA-256 — read from the headers of a {@code HEAD} request, without its bytes. A
   * server that does not take {@code HEAD} ({@code 405}, {@code 501}) is asked with a {@code GET}
   * for the first byte only ({@code Range: bytes=0-0}), the size read from its
   * {@code Content-Range} ({@code bytes 0-0/<size>}); a {@code 416} means an empty artifact, whose
   * facts a plain {@code GET} (of no bytes) then gives. A server that ignores the range and sends
   * the whole artifact is cut off after its headers: the call is cancelled, never drained (its
   * connection is not reused). A {@code HEAD} refusal carries no problem body, so the refusal is
   * also asked again with a {@code GET}, whose problem {@code type} decides the exception, exactly
   * as for a fetch. Retried like a fetch.
   *
   * @param uri the artifact URI exactly as a deposit returned it; sent verbatim
   * @throws IOException if the server cannot be reached
   * @throws dev.eden.artifacts.ArtifactException (unchecked) for an answer that refuses, see the
   *     class doc
   */
  public ArtifactInfo statArtifact(String uri) throws IOException {
    Request get = fetchRequest(uri);
    Request head = get.newBuilder().head().build();
    return retrier.run(fetchRetryPolicy, () -> {
      checkOpen();
      try (Response response = http.newCall(head).execute()) {
        if (response.isSuccessful()) {
          return StatHeaders.read(uri, response);
        }
        if (Retrier.isTransient(response.code())) {
          throw failure(response);
        }
      }
      Call firstByte = http.newCall(FetchHeaders.ranged(get, 0, 0, null));
      try (Response response = firstByte.execute()) {
        if (response.code() != 416) {
          return statFromGet(uri, firstByte, response);
        }
      }
      // No first byte: an empty artifact, whose headers come with an empty 200.
      Call whole = http.newCall(get);
      try (Response response = whole.execute()) {
        return statFromGet(uri, whole, response);
      }
    });
  }

  /** Reads the facts from a GET's headers, cancelling {@code call} rather than drain a body. */
  private ArtifactInfo statFromGet(String uri, Call call, Response response)
      throws IOException, TransientAnswer {
    if (!response.isSuccessful()) {
      throw failure(response);
    }
    ArtifactInfo info = StatHeaders.read(uri, response);
    if (response.code() != 206) {
      // Closing an unread body would read on (OkHttp drains up to 100 ms of it to reuse the
      // connection); cancelling closes the connection instead.
      call.cancel();
    }
    return info;
  }

  /**
   * The content type {@link #depositArtifact(Path)} would send for a file of this name (the table
   * on that method), for callers that deposit a stream or rename a file.
   */
  public static String guessContentType(String filename) {
    return ContentTypes.guess(requireNonNull(filename, "filename"));
  }

  // ---------------------------------------------------------------------------------------------
  // Shared

  private Request.Builder requestTo(HttpUrl url) {
    return new Request.Builder()
        .url(url)
        .header("Authorization", "Bearer " + bearer)
        .header(EXPERIMENT_HEADER, experimentId.value())
        .header("User-Agent", userAgent);
  }

  /** Turns an error answer into the exception to throw, or a transient answer worth a retry. */
  private ArtifactException failure(Response response) throws IOException, TransientAnswer {
    ArtifactException failure = errors.toException(response);
    if (Retrier.isTransient(response.code())) {
      throw new TransientAnswer(failure, Retrier.retryAfter(response));
    }
    return failure;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("StoreClient is closed");
    }
  }

  private static MediaType mediaType(String contentType) {
    requireNonNull(contentType, "contentType");
    MediaType type = MediaType.parse(contentType);
    if (type == null) {
      throw new IllegalArgumentException("contentType is not a media type: " + contentType);
    }
    return type;
  }

  private static void checkFilename(String filename) {
    requireNonNull(filename, "filename");
    if (filename.isEmpty()) {
      throw new IllegalArgumentException("filename must not be empty");
    }
  }

  /**
   * Releases the connections and threads of an {@link OkHttpClient} this client created, after
   * which calls fail with {@link IllegalStateException}. A client built on a caller-supplied
   * {@code OkHttpClient} (and a {@link #withProgressListener} view) has nothing of its own to
   * release: closing it does nothing and it stays usable. Idempotent.
   */
  @Override
  public void close() {
    if (!ownsHttp) {
      return;
    }
    if (closed.compareAndSet(false, true)) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  /** Names the server, the experiment and the principal; never the secret. */
  @Override
  public String toString() {
    return "StoreClient{baseUrl=" + baseUrl + ", experimentId=" + experimentId
        + ", principal=" + principal + "}";
  }

  /**
   * Builds a {@link StoreClient}. {@link #baseUrl}, {@link #experimentId} and {@link #bearer} are
   * required. Not thread-safe.
   */
  public static final class Builder {
    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(60);

    private HttpUrl baseUrl;
    private ExperimentId experimentId;
    private String bearer;
    private OkHttpClient okHttpClient;
    private Duration connectTimeout;
    private Duration readTimeout;
    private Duration writeTimeout;
    private Duration callTimeout;
    private String userAgent;
    private RetryPolicy fetchRetryPolicy = RetryPolicy.defaults();
    private RetryPolicy depositRetryPolicy = RetryPolicy.none();
    private ProgressListener progressListener = ProgressListener.NONE;
    private boolean verifyDigests = true;

    private Builder() {
    }

    /**
     * The server's base URL ({@code http} or {@code https}), for example
     * {@code http://127.0.0.1:8080} or {@code https://gateway.example/eden/}; {@code /v0/...} is
     * appended to its path.
     */
    public Builder baseUrl(String baseUrl) {
      requireNonNull(baseUrl, "baseUrl");
      HttpUrl url = HttpUrl.parse(baseUrl);
      if (url == null) {
        throw new IllegalArgumentException("baseUrl must be an http or https URL: " + baseUrl);
      }
      if (url.query() != null || url.fragment() != null) {
        throw new IllegalArgumentException("baseUrl must not have a query or fragment: " + baseUrl);
      }
      this.baseUrl = url;
      return this;
    }

    /** @throws IllegalArgumentException if {@code experimentId} is not an {@code exp_…} id */
    public Builder experimentId(String experimentId) {
      return experimentId(ExperimentId.parse(requireNonNull(experimentId, "experimentId")));
    }

    public Builder experimentId(ExperimentId experimentId) {
      this.experimentId = requireNonNull(experimentId, "experimentId");
      return this;
    }

    /**
     * The credential, {@code <principal>:<secret>} ({@code admin:…} or {@code wkr_…:…}), sent as
     * {@code Authorization: Bearer …}. Kept secret: never printed.
     *
     * @throws IllegalArgumentException if it has no {@code :}, an empty side, or characters that
     *     cannot travel in a header (the message does not repeat the value)
     */
    public Builder bearer(String bearer) {
      requireNonNull(bearer, "bearer");
      int colon = bearer.indexOf(':');
      if (colon <= 0 || colon == bearer.length() - 1) {
        throw new IllegalArgumentException(
            "bearer must be '<principal>:<secret>' with neither side empty");
      }
      for (int i = 0; i < bearer.length(); i++) {
        char c = bearer.charAt(i);
        if (c <= ' ' || c >= 0x7f) {
          throw new IllegalArgumentException(
              "bearer must consist of visible ASCII characters (position " + i + " is not)");
        }
      }
      this.bearer = bearer;
      return this;
    }

    /**
     * An application's own {@link OkHttpClient}, to share its connection pool, proxy, TLS and
     * interceptors. The StoreClient derives its calls from it ({@code newBuilder()}, applying only
     * the time-outs set on this builder) and never shuts it down.
     */
    public Builder okHttpClient(OkHttpClient okHttpClient) {
      this.okHttpClient = requireNonNull(okHttpClient, "okHttpClient");
      return this;
    }

    /** Time to establish a connection; default 10 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout(timeout, "connectTimeout");
      return this;
    }

    /** Longest silence while waiting for the server's bytes; default 60 s. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = timeout(timeout, "readTimeout");
      return this;
    }

    /** Longest stall while sending; default 60 s. */
    public Builder writeTimeout(Duration timeout) {
      this.writeTimeout = timeout(timeout, "writeTimeout");
      return this;
    }

    /**
     * Bound on one whole attempt, including the body; default none ({@code Duration.ZERO}), since
     * a large artifact may legitimately take long. For a fetch stream it covers reading the body.
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = timeout(timeout, "callTimeout");
      return this;
    }

    /**
     * A product token naming the application, for example {@code my-worker/1.4}; it is sent
     * before the library's own {@code eden-artifacts-client/<version>}.
     */
    public Builder userAgent(String userAgent) {
      requireNonNull(userAgent, "userAgent");
      if (userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < ' ' || c >= 0x7f)) {
        throw new IllegalArgumentException("userAgent must be non-blank visible ASCII");
      }
      this.userAgent = userAgent.strip();
      return this;
    }

    /** Retries of fetches; default {@link RetryPolicy#defaults()}. */
    public Builder fetchRetryPolicy(RetryPolicy policy) {
      this.fetchRetryPolicy = requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Retries of deposits from a {@code Path} of a regular file or a {@code byte[]}; default
     * {@link RetryPolicy#none()}. A deposit from an {@code InputStream}, or from a {@code Path} of a
     * pipe or device, is never retried.
     */
    public Builder depositRetryPolicy(RetryPolicy policy) {
      this.depositRetryPolicy = requireNonNull(policy, "policy");
      return this;
    }

    /** Receives the progress of every transfer; default none. */
    public Builder progressListener(ProgressListener listener) {
      this.progressListener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Whether to check digests; default {@code true}. When on, a fetch checks the bytes of a whole
     * artifact against the SHA-256 the answer announces ({@code Repr-Digest}, RFC 9530, else
     * {@code X-Eden-Artifact-Sha256}); a deposit hashes the bytes as it sends them and compares
     * the digest the {@code 201} records in {@code X-Eden-Artifact-Sha256}, and a deposit of a
     * {@code byte[]} sends its digest as the file part's {@code Content-Digest} for the server to
     * check. Against a server that announces no digest nothing changes either way. Off: nothing is
     * hashed, sent or checked (the byte count is still checked against {@code Content-Length}).
     */
    public Builder verifyDigests(boolean verify) {
      this.verifyDigests = verify;
      return this;
    }

    /** @throws IllegalStateException naming the first required setting that is missing */
    public StoreClient build() {
      if (baseUrl == null) {
        throw new IllegalStateException("baseUrl is required");
      }
      if (experimentId == null) {
        throw new IllegalStateException("experimentId is required");
      }
      if (bearer == null) {
        throw new IllegalStateException("bearer is required");
      }
      boolean owns = okHttpClient == null;
      OkHttpClient.Builder http;
      if (owns) {
        http = new OkHttpClient.Builder()
            .connectTimeout(DEFAULT_CONNECT_TIMEOUT)
            .readTimeout(DEFAULT_READ_TIMEOUT)
            .writeTimeout(DEFAULT_WRITE_TIMEOUT);
      } else {
        http = okHttpClient.newBuilder();
      }
      if (connectTimeout != null) {
        http.connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      if (readTimeout != null) {
        http.readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      if (writeTimeout != null) {
        http.writeTimeout(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      if (callTimeout != null) {
        http.callTimeout(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      return new StoreClient(this, http.build(), owns);
    }

    private static Duration timeout(Duration value, String name) {
      requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative: " + value);
      }
      return value;
    }
  }
}
