package dev.eden.artifacts.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.server.ServerExchange;
import dev.eden.artifacts.spi.ArtifactCursor;
import dev.eden.artifacts.spi.ArtifactPage;
import dev.eden.artifacts.spi.ArtifactSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bodies of the admin API, spelled once: the JSON member names below are those of {@code
 * spec/schemas/admin-artifact-page.schema.json}, {@code admin-summary.schema.json} and {@code
 * admin-experiments.schema.json}. Not API; stateless.
 */
public final class AdminJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AdminJson() {}

  /** {@code {"experiments": ["exp_…", …]}}. */
  public static Map<String, Object> experiments(List<ExperimentId> experiments) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("experiments", experiments.stream().map(ExperimentId::value).toList());
    return body;
  }

  /** {@code {"artifacts": [...], "next_cursor": "…" | null}}. */
  public static Map<String, Object> page(ArtifactPage page) {
    List<Map<String, Object>> rows = new ArrayList<>(page.artifacts().size());
    for (ArtifactMetadata row : page.artifacts()) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("artifacts_uri", row.uri());
      item.put("created_by", row.createdBy().name());
      item.put("created_at", row.createdAtText());
      item.put("size_bytes", row.sizeBytes());
      item.put("content_type", row.contentType());
      item.put("filename", row.filename());
      item.put("sha256", row.sha256());
      rows.add(item);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("artifacts", rows);
    body.put("next_cursor", page.nextCursor().map(ArtifactCursor::token).orElse(null));
    return body;
  }

  /**
   * {@code {"experiment_id", "artifact_count", "total_bytes", "by_depositor": [{"created_by",
   * "artifact_count", "total_bytes"}, …]}}, depositors in name order.
   */
  public static Map<String, Object> summary(ExperimentId experiment, ArtifactSummary summary) {
    List<Map<String, Object>> depositors = new ArrayList<>();
    summary.byDepositor().entrySet().stream()
        .sorted(Map.Entry.comparingByKey(Comparator.comparing(Principal::name)))
        .forEach(e -> {
          Map<String, Object> item = new LinkedHashMap<>();
          item.put("created_by", e.getKey().name());
          item.put("artifact_count", e.getValue().artifacts());
          item.put("total_bytes", e.getValue().bytes());
          depositors.add(item);
        });
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("experiment_id", experiment.value());
    body.put("artifact_count", summary.overall().artifacts());
    body.put("total_bytes", summary.overall().bytes());
    body.put("by_depositor", depositors);
    return body;
  }

  /** Answers 200 with {@code body} as JSON, never cached; a {@code HEAD} gets the headers only. */
  public static void send(ServerExchange exchange, Map<String, Object> body) throws IOException {
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("maps of strings and numbers always encode", e);
    }
    exchange.status(200);
    exchange.responseHeader("Content-Type", "application/json");
    exchange.responseHeader("Cache-Control", "no-store");
    exchange.responseHeader("X-Content-Type-Options", "nosniff");
    exchange.responseContentLength(json.length);
    if (!exchange.method().equals("HEAD")) {
      exchange.responseBody().write(json);
    }
  }
}
