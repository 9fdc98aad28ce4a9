package dev.eden.artifacts.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one encoding of an RFC 7807 problem body, shared by the artifact endpoints and the errors
 * the embedded server answers itself. Not API; stateless.
 */
public final class ProblemJson {
  /** The content type of every problem answer. */
  public static final String CONTENT_TYPE = "application/problem+json; charset=utf-8";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ProblemJson() {}

  /** The JSON body; {@code instance} is left out when null. */
  public static byte[] render(int status, String type, String title, String detail, String instance) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type);
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    if (instance != null) {
      body.put("instance", instance);
    }
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always encodes", e);
    }
  }
}
