package dev.eden.artifacts.server;

import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.BadRequestException;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.FetchedArtifact;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.server.internal.ContentDisposition;
import dev.eden.artifacts.server.internal.QueryParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * {@code GET /v0/experiments/{E}/artifacts?uri=...} once the caller is known: reads the single
 * {@code uri} parameter, opens the artifact as the authenticated principal (the service's access
 * policy alone decides whether it may), and streams it with the safe-delivery headers. Failures before the
 * first byte are thrown as {@link ArtifactException}s for the handler to render. Thread-safe and
 * stateless per request.
 */
final class FetchOperation {
  private static final int COPY_BUFFER = 256 * 1024; // fewer blocking writes per GiB; capped at the artifact size

  private final ArtifactService service;

  FetchOperation(ArtifactService service) {
    this.service = service;
  }

  void fetch(ServerExchange exchange, ExperimentId experimentId, Principal principal)
      throws IOException {
    String uri = singleUri(exchange.rawQuery());
    try (FetchedArtifact artifact = service.open(experimentId, principal, uri)) {
      var metadata = artifact.metadata();
      exchange.status(200);
      exchange.responseHeader("Content-Type", metadata.contentType());
      exchange.responseHeader("Content-Disposition", ContentDisposition.attachment(metadata.filename()));
      exchange.responseHeader("X-Content-Type-Options", "nosniff");
      exchange.responseHeader(ArtifactHandler.SHA256_HEADER, metadata.sha256());
      exchange.responseHeader(ArtifactHandler.CREATED_AT_HEADER, metadata.createdAtText());
      exchange.responseHeader(ArtifactHandler.CREATED_BY_HEADER, metadata.createdBy().name());
      exchange.responseContentLength(metadata.sizeBytes());
      OutputStream out = ClientOutputStream.open(exchange);
      byte[] buffer = new byte[(int) Math.max(1, Math.min(COPY_BUFFER, metadata.sizeBytes()))];
      InputStream in = artifact.content();
      long remaining = metadata.sizeBytes();
      while (remaining > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
        if (n < 0) {
          throw new IOException("artifact " + metadata.id() + " is shorter than its recorded size");
        }
        out.write(buffer, 0, n);
        remaining -= n;
      }
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
