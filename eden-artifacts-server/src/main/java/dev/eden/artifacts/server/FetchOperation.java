package dev.eden.artifacts.server;

import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.BadRequestException;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.ResolvedArtifact;
import dev.eden.artifacts.internal.DigestFields;
import dev.eden.artifacts.server.internal.ByteRanges;
import dev.eden.artifacts.server.internal.ContentDisposition;
import dev.eden.artifacts.server.internal.EntityTags;
import dev.eden.artifacts.server.internal.HttpDates;
import dev.eden.artifacts.server.internal.Preconditions;
import dev.eden.artifacts.server.internal.QueryParameters;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.util.List;

/**
 * {@code GET} and {@code HEAD /v0/experiments/{E}/artifacts?uri=...} once the caller is known:
 * reads the single {@code uri} parameter, resolves the artifact as the authenticated principal
 * (the service's access policy alone decides whether it may), and only then applies the HTTP
 * semantics of an immutable representation: validators and conditional requests (RFC 9110
 * §8.8, §13), a single byte range (§14), and its RFC 9530 {@code Repr-Digest}. The bytes, whole or
 * the range, stream from the backend with the safe-delivery headers; a {@code HEAD}, a 304, a 412
 * or a 416 never opens them. Failures before the first byte are thrown as {@link
 * ArtifactException}s for the handler to render. Thread-safe and stateless per request.
 */
final class FetchOperation {
  /** Our bytes never change once issued: any cache may keep them for a year, privately (§5.2.2.3 of RFC 9111). */
  static final String CACHE_CONTROL = "private, max-age=31536000, immutable";

  private final ArtifactService service;

  FetchOperation(ArtifactService service) {
    this.service = service;
  }

  void fetch(ObservedExchange exchange, ExperimentId experimentId, Principal principal)
      throws IOException {
    String uri = singleUri(exchange.rawQuery());
    ResolvedArtifact artifact = service.resolve(experimentId, principal, uri);
    ArtifactMetadata metadata = artifact.metadata();
    exchange.artifactBytes(metadata.sizeBytes());
    String etag = EntityTags.strong(metadata.sha256());
    switch (Preconditions.evaluate(exchange::requestHeaders, etag, metadata.createdAt())) {
      case NOT_MODIFIED:
        validators(exchange, metadata, etag);
        exchange.status(304);
        // A 304 may only announce the length a 200 would have had (RFC 9110 §8.6), never 0.
        exchange.responseContentLength(metadata.sizeBytes());
        return;
      case PRECONDITION_FAILED:
        ProblemResponses.preconditionFailed(exchange);
        return;
      default:
        break;
    }
    boolean get = exchange.method().equals("GET");
    ByteRanges.Selection selection = get && Preconditions.rangeApplies(exchange::requestHeaders, etag, metadata.createdAt())
        ? ByteRanges.select(exchange.requestHeaders("Range"), metadata.sizeBytes())
        : ByteRanges.whole(metadata.sizeBytes());
    if (selection.kind() == ByteRanges.Kind.UNSATISFIABLE) {
      ProblemResponses.rangeNotSatisfiable(exchange, selection.contentRange(metadata.sizeBytes()));
      return;
    }
    // Opened before any header is set: a blob that cannot be read is a plain 500 problem, without
    // the headers of the answer that could not be given.
    ReadableByteChannel content = !get ? null
        : selection.kind() == ByteRanges.Kind.WHOLE ? artifact.openChannel()
        : artifact.openChannel(selection.first(), selection.length());
    try {
      respond(exchange, metadata, etag, selection, content);
    } finally {
      if (content != null) {
        content.close();
      }
    }
  }

  private static void respond(ServerExchange exchange, ArtifactMetadata metadata, String etag,
      ByteRanges.Selection selection, ReadableByteChannel content) throws IOException {
    validators(exchange, metadata, etag);
    exchange.responseHeader("Content-Type", metadata.contentType());
    exchange.responseHeader("Content-Disposition", ContentDisposition.attachment(metadata.filename()));
    exchange.responseHeader("X-Content-Type-Options", "nosniff");
    exchange.responseHeader(ArtifactHandler.SHA256_HEADER, metadata.sha256());
    exchange.responseHeader(ArtifactHandler.CREATED_AT_HEADER, metadata.createdAtText());
    exchange.responseHeader(ArtifactHandler.CREATED_BY_HEADER, metadata.createdBy().name());
    exchange.responseHeader("Accept-Ranges", "bytes");
    if (selection.kind() == ByteRanges.Kind.PARTIAL) {
      exchange.status(206);
      exchange.responseHeader("Content-Range", selection.contentRange(metadata.sizeBytes()));
    } else {
      exchange.status(200);
    }
    exchange.responseContentLength(selection.length());
    if (content != null) {
      send(exchange, content, selection.length(), metadata);
    }
  }

  /**
   * The fields that describe the representation whatever the status (RFC 9110 §15.4.5: a 304
   * carries what a 200 would have): its validators, its caching rule and its digest.
   */
  private static void validators(ServerExchange exchange, ArtifactMetadata metadata, String etag) {
    exchange.responseHeader("ETag", etag);
    exchange.responseHeader("Last-Modified", HttpDates.format(metadata.createdAt()));
    exchange.responseHeader("Cache-Control", CACHE_CONTROL);
    // Of the whole artifact, also on a 206 (RFC 9530 §3); sha-256 is what we have, and what any
    // Want-Repr-Digest gets (§4 lets us send it unasked).
    exchange.responseHeader("Repr-Digest", DigestFields.sha256(metadata.sha256()));
  }

  /**
   * Sends the body through the adapter, which may write a blob file without copying it through the
   * heap; a failure is then told apart as the blob's or the client's (see {@link BodySource}).
   */
  private static void send(ServerExchange exchange, ReadableByteChannel content, long length,
      ArtifactMetadata metadata) throws IOException {
    BodySource source = BodySource.of(content, length);
    try {
      exchange.sendBody(source.channel(), length);
    } catch (IOException e) {
      throw source.blame(e, metadata.id().toString());
    }
  }

  private static String singleUri(String rawQuery) {
    List<String> uris;
    try {
      uris = QueryParameters.values(rawQuery, "uri");
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("the query string is not valid percent-encoding");
    }
    if (uris.isEmpty()) {
      throw new BadRequestException("the 'uri' query parameter is required");
    }
    if (uris.size() > 1) {
      throw new BadRequestException("the 'uri' query parameter must be given exactly once");
    }
    return uris.get(0);
  }
}
