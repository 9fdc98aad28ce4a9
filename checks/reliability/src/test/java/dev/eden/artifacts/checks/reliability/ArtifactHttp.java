package dev.eden.artifacts.checks.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import okio.Okio;
import okio.Source;

/**
 * Raw HTTP against a server under test, so that a scenario sees each answer exactly (status and
 * problem+json body) rather than as a client library's exception. Deposits stream {@link Payload}
 * bytes and fetches hash the bytes as they arrive: no artifact is ever held in memory. A request is
 * never retried or replayed. Thread-safe.
 */
final class ArtifactHttp implements AutoCloseable {
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OkHttpClient http;
  private final HttpUrl base;
  private final String experiment;
  private final String bearer;

  ArtifactHttp(URI baseUri, String experiment, String bearer) {
    this.http = new OkHttpClient.Builder()
        .retryOnConnectionFailure(false)
        .callTimeout(Duration.ofSeconds(60))
        .readTimeout(Duration.ofSeconds(30))
        .build();
    this.base = HttpUrl.get(baseUri.toString());
    this.experiment = experiment;
    this.bearer = bearer;
  }

  /** A deposit's answer: its status and its JSON body (the receipt, or a problem). */
  record Answer(int status, String contentType, JsonNode body) {
    String uri() {
      return body.path("artifacts_uri").asText(null);
    }
  }

  /** Deposits the {@link Payload} ({@code seed}, {@code size}) as the multipart part {@code file}. */
  Answer deposit(long seed, long size) throws IOException {
    RequestBody content = new RequestBody() {
      @Override
      public MediaType contentType() {
        return OCTETS;
      }

      @Override
      public long contentLength() {
        return size;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        try (Source source = Okio.source(Payload.stream(seed, size))) {
          sink.writeAll(source);
        }
      }
    };
    RequestBody form = new MultipartBody.Builder()
        .setType(MultipartBody.FORM)
        .addFormDataPart("file", "payload-" + seed + ".bin", content)
        .build();
    Request request = authorized(artifactsUrl().build()).post(form).build();
    try (Response response = http.newCall(request).execute()) {
      String type = response.header("Content-Type", "");
      return new Answer(response.code(), type, JSON.readTree(response.body().byteStream()));
    }
  }

  /** Fetches {@code uri} and digests the bytes as they stream; fails unless the answer is 200. */
  Payload.Digested fetch(String uri) throws IOException {
    Request request = authorized(artifactsUrl().addQueryParameter("uri", uri).build()).get().build();
    try (Response response = http.newCall(request).execute()) {
      if (response.code() != 200) {
        throw new IOException("fetch of " + uri + " answered " + response.code() + ": " + response.body().string());
      }
      try (InputStream in = response.body().byteStream()) {
        return Payload.digest(in);
      }
    }
  }

  /** The status of {@code GET /healthz}. */
  int health() throws IOException {
    Request request = new Request.Builder().url(base.newBuilder().addPathSegment("healthz").build()).get().build();
    try (Response response = http.newCall(request).execute()) {
      return response.code();
    }
  }

  /** Every artifact URI of the experiment by the admin listing (the bearer must be admin-class). */
  Set<String> listedUris() throws IOException {
    Set<String> uris = new HashSet<>();
    String cursor = null;
    do {
      HttpUrl.Builder url = base.newBuilder().addPathSegments("admin/v1/experiments").addPathSegment(experiment)
          .addPathSegment("artifacts").addQueryParameter("limit", "1000");
      if (cursor != null) {
        url.addQueryParameter("cursor", cursor);
      }
      JsonNode page = getJson(url.build());
      page.path("artifacts").forEach(a -> uris.add(a.path("artifacts_uri").asText()));
      cursor = page.path("next_cursor").isTextual() ? page.path("next_cursor").asText() : null;
    } while (cursor != null);
    return uris;
  }

  /** {@code artifact_count} of the admin summary. */
  long summarizedCount() throws IOException {
    return getJson(base.newBuilder().addPathSegments("admin/v1/experiments").addPathSegment(experiment)
        .addPathSegment("summary").build()).path("artifact_count").asLong(-1);
  }

  private JsonNode getJson(HttpUrl url) throws IOException {
    try (Response response = http.newCall(authorized(url).get().build()).execute()) {
      if (response.code() != 200) {
        throw new IOException("GET " + url + " answered " + response.code() + ": " + response.body().string());
      }
      return JSON.readTree(response.body().byteStream());
    }
  }

  private HttpUrl.Builder artifactsUrl() {
    return base.newBuilder().addPathSegment("v0").addPathSegment("experiments").addPathSegment(experiment)
        .addPathSegment("artifacts");
  }

  private Request.Builder authorized(HttpUrl url) {
    return new Request.Builder().url(url)
        .header("Authorization", "Bearer " + bearer)
        .header("X-Eden-Experiment-Id", experiment);
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
