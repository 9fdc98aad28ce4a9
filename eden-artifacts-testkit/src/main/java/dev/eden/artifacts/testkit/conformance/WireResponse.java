package dev.eden.artifacts.testkit.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A buffered answer to a small request: status, headers and body. Immutable. */
final class WireResponse {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EXCERPT = 300;

  private final String request;
  private final int status;
  private final HttpHeaders headers;
  private final byte[] body;

  WireResponse(String request, int status, HttpHeaders headers, byte[] body) {
    this.request = request;
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  int status() {
    return status;
  }

  byte[] body() {
    return body.clone();
  }

  String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  Optional<String> header(String name) {
    return headers.firstValue(name);
  }

  /** Every header, names as the transport reported them, values in order. */
  java.util.Map<String, java.util.List<String>> headers() {
    return headers.map();
  }

  /** The body as JSON, or a failure naming what came instead. */
  JsonNode json() {
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new ConformanceFailure(describe() + ": expected a JSON body, got an empty body");
      }
      return node;
    } catch (IOException e) {
      throw new ConformanceFailure(describe() + ": expected a JSON body, got " + excerpt());
    }
  }

  /** {@code METHOD path -> status} for messages. */
  String describe() {
    return request + " -> " + status;
  }

  /** The start of the body, for messages. */
  String excerpt() {
    String text = text().replace("\r", "\\r").replace("\n", "\\n");
    if (text.isEmpty()) {
      return "(empty body)";
    }
    return text.length() <= EXCERPT ? text : text.substring(0, EXCERPT) + "…";
  }
}
