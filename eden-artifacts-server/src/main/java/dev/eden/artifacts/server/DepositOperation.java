package dev.eden.artifacts.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.BadRequestException;
import dev.eden.artifacts.DepositResult;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.PayloadTooLargeException;
import dev.eden.artifacts.PendingDeposit;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.internal.DigestFields;
import dev.eden.artifacts.server.internal.LimitedInputStream;
import dev.eden.artifacts.server.internal.MalformedMultipartException;
import dev.eden.artifacts.server.internal.MinimumRateInputStream;
import dev.eden.artifacts.server.internal.MultipartForm;
import dev.eden.artifacts.server.internal.MultipartReader;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v0/experiments/{E}/artifacts} once the caller is known: parses the multipart body in
 * one pass, streams the single {@code file} part into a pending deposit under the cap, and answers
 * 201 with the deposit JSON. Failures are thrown as {@link ArtifactException}s for the handler to
 * render. Thread-safe and stateless per request.
 *
 * <p>The {@code file} part may carry its own RFC 9530 {@code Content-Digest} header, the digest of
 * that part's bytes. With a {@code sha-256} member, the bytes that arrived must hash to it, or the
 * deposit is refused with 400 and nothing is stored (the pending blob is aborted, never
 * committed). Members of other algorithms are not checked, as RFC 9530 lets a recipient ignore
 * algorithms it does not support. A request-level {@code Content-Digest} or {@code Repr-Digest}
 * describes the whole multipart body and plays no part in this.
 */
final class DepositOperation {
  private static final Logger LOG = LoggerFactory.getLogger(ArtifactHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ArtifactService service;
  private final MultipartReader.Factory multipartReader;
  private final int maxPartHeaderBytes;
  private final long framingAllowanceBytes;
  private final long minBytesPerSecond; // 0: no minimum rate
  private final Duration minRateGrace;

  DepositOperation(ArtifactService service, MultipartReader.Factory multipartReader,
      int maxPartHeaderBytes, long framingAllowanceBytes, long minBytesPerSecond, Duration minRateGrace) {
    this.service = service;
    this.multipartReader = multipartReader;
    this.maxPartHeaderBytes = maxPartHeaderBytes;
    this.framingAllowanceBytes = framingAllowanceBytes;
    this.minBytesPerSecond = minBytesPerSecond;
    this.minRateGrace = minRateGrace;
  }

  void deposit(ObservedExchange exchange, ExperimentId experimentId, Principal principal)
      throws IOException {
    long cap = service.maxArtifactBytes();
    long bodyLimit = cap > Long.MAX_VALUE - framingAllowanceBytes ? Long.MAX_VALUE : cap + framingAllowanceBytes;
    long declared = exchange.requestContentLength();
    if (declared > bodyLimit) {
      throw new PayloadTooLargeException(cap, declared);
    }
    byte[] boundary = multipartBoundary(exchange);
    DepositResult result;
    try {
      result = depositPart(exchange, experimentId, principal, boundary, cap, bodyLimit);
    } catch (ArtifactException e) {
      // The rest of the body may still be arriving; never read it just to throw it away.
      exchange.closeConnectionAfterResponse();
      throw e;
    }
    exchange.artifactBytes(result.sizeBytes());
    answerCreated(exchange, result);
  }

  /** The boundary of the one multipart Content-Type; a refusal closes the connection (body unread). */
  private static byte[] multipartBoundary(ServerExchange exchange) {
    try {
      byte[] boundary = MultipartForm.boundary(SingleHeader.CONTENT_TYPE.valueIn(exchange));
      if (boundary == null) {
        throw new BadRequestException("the body must be multipart/form-data with a boundary");
      }
      return boundary;
    } catch (BadRequestException e) {
      exchange.closeConnectionAfterResponse();
      throw e;
    }
  }

  private DepositResult depositPart(ObservedExchange exchange, ExperimentId experimentId,
      Principal principal, byte[] boundary, long cap, long bodyLimit) {
    InputStream body;
    MinimumRateInputStream rated = null;
    try {
      body = exchange.requestBody();
      if (minBytesPerSecond > 0) {
        body = rated = new MinimumRateInputStream(body, minBytesPerSecond, minRateGrace.toNanos());
      }
      body = new LimitedInputStream(body, bodyLimit);
    } catch (IOException e) {
      throw new BadRequestException("the request body could not be read");
    }
    try {
      return depositFrom(body, exchange, experimentId, principal, boundary, cap);
    } catch (RuntimeException e) {
      // However the parser or the service reported the failed read, a body below the rate is a 408.
      if (rated != null && rated.tooSlow()) {
        LOG.debug("deposit body below the minimum data rate: {}", e.toString());
        throw new BodyTooSlowException("the request body arrived slower than " + minBytesPerSecond
            + " bytes per second (after the first " + minRateGrace.toSeconds() + " s); nothing was stored");
      }
      throw e;
    }
  }

  private DepositResult depositFrom(InputStream body, ObservedExchange exchange, ExperimentId experimentId,
      Principal principal, byte[] boundary, long cap) {
    try {
      MultipartReader form = multipartReader.open(
          body, exchange.requestContentLength(), boundary, maxPartHeaderBytes);
      if (!form.firstPart()) {
        throw new BadRequestException("the multipart body holds no part; exactly one part named 'file' is required");
      }
      MultipartReader.Part part = form.readPart();
      if (!"file".equals(part.name())) {
        throw new BadRequestException("the only part must be a form-data part named 'file'");
      }
      if (part.filename() == null) {
        throw new BadRequestException("the 'file' part must be a file upload with a filename");
      }
      // Read before a blob exists, so a malformed value leaves nothing behind.
      Optional<String> declaredSha256 = declaredSha256(part.contentDigest());
      try (PendingDeposit deposit = service.beginDeposit(
          experimentId, principal, part.filename(), part.contentType(), cap)) {
        deposit.transferFrom(part.content());
        if (form.nextPart()) {
          throw new BadRequestException("the multipart body holds more than one part; exactly one part named 'file' is allowed");
        }
        if (declaredSha256.isEmpty()) {
          return deposit.complete();
        }
        try {
          return deposit.complete(declaredSha256.get());
        } catch (BadRequestException e) {
          // A mismatch, the only refusal of complete(sha256): the pending blob was aborted in there,
          // before anything was committed.
          exchange.digestMismatch();
          throw e;
        }
      }
    } catch (LimitedInputStream.LimitExceededException e) {
      throw new PayloadTooLargeException(cap, e.seen());
    } catch (MalformedMultipartException e) {
      // The message names the fault in fixed words, never with the body's bytes.
      throw new BadRequestException(e.getMessage());
    } catch (IOException e) {
      // The body stream failed: cut off, reset or stalled mid-part. The client's side of the
      // connection, and the pending deposit was abandoned on the way out.
      LOG.debug("rejected deposit body: {}", e.toString());
      throw new BadRequestException("the request body ended early or could not be read");
    }
  }

  /**
   * The SHA-256, in lowercase hex, that the file part's {@code Content-Digest} declares; empty if
   * the part has no such header or the header names no {@code sha-256} member.
   *
   * @throws BadRequestException if the value is not a valid digest field (an RFC 8941 dictionary
   *     whose {@code sha-256} member, if any, is a 32-byte byte sequence)
   */
  private static Optional<String> declaredSha256(String contentDigest) {
    if (contentDigest == null) {
      return Optional.empty();
    }
    try {
      return DigestFields.sha256Of(contentDigest);
    } catch (IllegalArgumentException e) {
      // The parser's message names the fault by position, never by the value's bytes.
      throw new BadRequestException("the file part's Content-Digest header is malformed ("
          + e.getMessage() + "); expected an RFC 9530 digest field such as sha-256=:<base64>:");
    }
  }

  /** 201 with exactly the three fields the deposit schema allows; extras travel in headers. */
  private static void answerCreated(ServerExchange exchange, DepositResult result) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("artifacts_uri", result.artifactsUri());
    body.put("size_bytes", result.sizeBytes());
    body.put("content_type", result.contentType());
    byte[] json = JSON.writeValueAsBytes(body);
    exchange.status(201);
    exchange.responseHeader("Content-Type", "application/json");
    exchange.responseHeader(ArtifactHandler.SHA256_HEADER, result.sha256());
    exchange.responseHeader(ArtifactHandler.CREATED_AT_HEADER, result.metadata().createdAtText());
    exchange.responseHeader(ArtifactHandler.CREATED_BY_HEADER, result.metadata().createdBy().name());
    exchange.responseContentLength(json.length);
    ClientOutputStream.open(exchange).write(json);
  }
}
