package dev.eden.artifacts.testkit.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eden.artifacts.ProblemType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The server under test as the checks see it: raw HTTP/1.1 requests through the JDK client, and
 * the expectations the checks share. Thread-safe (the JDK client is).
 */
final class ConformanceContext {
  static final String EXPERIMENT_HEADER = "X-Eden-Experiment-Id";

  private final ConformanceConfig config;
  private final HttpClient http;
  private final URI base;

  ConformanceContext(ConformanceConfig config, HttpClient http) {
    this.config = config;
    this.http = http;
    String url = config.baseUrl().toString();
    this.base = URI.create(url.endsWith("/") ? url : url + "/");
  }

  static HttpClient defaultClient(ConformanceConfig config) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(config.timeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  ConformanceConfig config() {
    return config;
  }

  String experiment() {
    return config.experimentId();
  }

  static String bearer(String credential) {
    return "Bearer " + credential;
  }

  // ---- requests -------------------------------------------------------------------------------

  /**
   * A deposit request as sent: every header may be left out by passing {@code null}.
   *
   * @param pathExperiment the {E} path segment
   */
  WireResponse post(
      String pathExperiment,
      String headerExperiment,
      String authorization,
      String contentType,
      BodyPublisher body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        request(pathExperiment, headerExperiment, authorization, null).POST(body);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request.build());
  }

  /** A fetch request as sent; {@code uri == null} leaves the query parameter out. */
  WireResponse get(String pathExperiment, String headerExperiment, String authorization, String uri)
      throws IOException, InterruptedException {
    return send(request(pathExperiment, headerExperiment, authorization, uri).GET().build());
  }

  /**
   * A GET of {@code uri} in this experiment with a proper experiment header, the given
   * {@code Authorization} value ({@code null} leaves it out) and further headers as name, value
   * pairs.
   */
  WireResponse fetchWith(String authorization, String uri, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = request(experiment(), experiment(), authorization, uri).GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.build());
  }

  /**
   * The same request as {@link #fetchWith} with another method, written on a socket of its own
   * with {@code Connection: close} and read until the server closes it. The answer's body is
   * every byte that followed the header block, framing included, so that a body on an answer
   * that must not have one (to {@code HEAD}, a 304) shows. The JDK client would never show it.
   */
  WireResponse rawFetch(String method, String authorization, String uri, String... headers)
      throws IOException {
    String path = "v0/experiments/" + experiment() + "/artifacts?uri="
        + URLEncoder.encode(uri, StandardCharsets.UTF_8);
    URI target = base.resolve(path);
    StringBuilder head = new StringBuilder()
        .append(method).append(' ').append(target.getRawPath()).append('?')
        .append(target.getRawQuery()).append(" HTTP/1.1\r\n")
        .append("Host: ").append(target.getRawAuthority()).append("\r\n")
        .append(EXPERIMENT_HEADER).append(": ").append(experiment()).append("\r\n");
    if (authorization != null) {
      head.append("Authorization: ").append(authorization).append("\r\n");
    }
    for (int i = 0; i < headers.length; i += 2) {
      head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    return RawExchange.exchange(target, method + " " + target.getRawPath() + "?"
        + target.getRawQuery(), head.toString(), config.timeout());
  }

  /** POSTs {@code body} as {@code contentType} to this experiment with a proper header. */
  WireResponse depositRaw(String credential, String contentType, byte[] body)
      throws IOException, InterruptedException {
    return post(experiment(), experiment(), bearer(credential), contentType,
        BodyPublishers.ofByteArray(body));
  }

  /** Deposits one well-formed {@code file} part and insists on a 201 with the three fields. */
  Deposited deposit(String credential, String filename, String contentType, byte[] content)
      throws IOException, InterruptedException {
    byte[] body = new Multipart().file(filename, contentType, content).build();
    return expectDeposited(depositRaw(credential, Multipart.contentType(), body));
  }

  /** Fetches {@code uri} from this experiment with a proper header. */
  WireResponse fetch(String credential, String uri) throws IOException, InterruptedException {
    return get(experiment(), experiment(), bearer(credential), uri);
  }

  /**
   * Deposits {@code size} generated bytes as a stream (never held in memory) and returns the
   * answer; the bytes are those of {@link #generated(long)}.
   */
  WireResponse depositGenerated(String credential, long size)
      throws IOException, InterruptedException {
    BodyPublisher body =
        BodyPublishers.concat(
            BodyPublishers.ofByteArray(
                Multipart.streamedHead("generated.bin", "application/octet-stream")),
            BodyPublishers.fromPublisher(
                BodyPublishers.ofInputStream(() -> generated(size)), size),
            BodyPublishers.ofByteArray(Multipart.streamedTail()));
    return post(experiment(), experiment(), bearer(credential), Multipart.contentType(), body);
  }

  /** Fetches {@code uri} and returns status, length and SHA-256 of the body, streaming it. */
  StreamedBody fetchDigest(String credential, String uri)
      throws IOException, InterruptedException {
    HttpRequest request =
        request(experiment(), experiment(), bearer(credential), uri).GET().build();
    HttpResponse<InputStream> response = http.send(request, BodyHandlers.ofInputStream());
    try (InputStream in = response.body()) {
      Digest digest = digest(in);
      return new StreamedBody(response.statusCode(), digest.length, digest.sha256);
    }
  }

  /** Deterministic, non-repeating-looking bytes of the given length. */
  static InputStream generated(long size) {
    return new InputStream() {
      private long position;

      @Override
      public int read() {
        if (position >= size) {
          return -1;
        }
        return byteAt(position++);
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (position >= size) {
          return -1;
        }
        int n = (int) Math.min(len, size - position);
        for (int i = 0; i < n; i++) {
          b[off + i] = (byte) byteAt(position++);
        }
        return n;
      }
    };
  }

  private static int byteAt(long position) {
    return (int) ((position * 31 + (position >>> 11)) & 0xff);
  }

  static Digest digest(InputStream in) throws IOException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    byte[] buffer = new byte[64 * 1024];
    long length = 0;
    for (int n; (n = in.read(buffer)) != -1; ) {
      sha256.update(buffer, 0, n);
      length += n;
    }
    return new Digest(length, HexFormat.of().formatHex(sha256.digest()));
  }

  private HttpRequest.Builder request(
      String pathExperiment, String headerExperiment, String authorization, String uri) {
    String path = "v0/experiments/" + pathExperiment + "/artifacts";
    if (uri != null) {
      path += "?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(config.timeout());
    if (headerExperiment != null) {
      request.header(EXPERIMENT_HEADER, headerExperiment);
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request;
  }

  private WireResponse send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = http.send(request, BodyHandlers.ofByteArray());
    String described = request.method() + " " + request.uri().getRawPath()
        + (request.uri().getRawQuery() == null ? "" : "?" + request.uri().getRawQuery());
    return new WireResponse(described, response.statusCode(), response.headers(), response.body());
  }

  // ---- expectations ---------------------------------------------------------------------------

  static void expect(boolean condition, String message) {
    if (!condition) {
      throw new ConformanceFailure(message);
    }
  }

  static void expectStatus(WireResponse response, int status) {
    expect(response.status() == status,
        "expected " + status + " for " + response.describe() + ", body " + response.excerpt());
  }

  /** 201 with {@code artifacts_uri}, {@code size_bytes} and {@code content_type}. */
  static Deposited expectDeposited(WireResponse response) {
    expectStatus(response, 201);
    JsonNode json = response.json();
    JsonNode uri = json.get("artifacts_uri");
    JsonNode size = json.get("size_bytes");
    JsonNode type = json.get("content_type");
    expect(uri != null && uri.isTextual() && size != null && size.canConvertToLong()
            && type != null && type.isTextual(),
        "deposit answer lacks artifacts_uri, size_bytes or content_type: " + response.excerpt());
    return new Deposited(uri.asText(), size.asLong(), type.asText(), response);
  }

  /** The status and {@code type} of a problem answer: what the portable scenarios check. */
  static void expectProblemType(WireResponse response, ProblemType type) {
    expect(response.status() == type.status(),
        "expected " + type.status() + " " + type.uri() + " for " + response.describe()
            + ", body " + response.excerpt());
    JsonNode json = response.json();
    JsonNode actual = json.get("type");
    expect(actual != null && type.uri().equals(actual.asText()),
        "expected problem type " + type.uri() + " for " + response.describe() + ", got "
            + (actual == null ? "no type" : actual.asText()));
  }

  /**
   * A complete problem answer: status, {@code application/problem+json} media type, a body valid
   * against {@code problem.schema.json}, and exactly {@code type}.
   */
  static void expectProblem(WireResponse response, ProblemType type) {
    expectProblemType(response, type);
    String mediaType = response.header("Content-Type").orElse("(none)");
    expect(mediaType(mediaType).equals("application/problem+json"),
        "expected Content-Type application/problem+json for " + response.describe()
            + ", got " + mediaType);
    List<String> violations = WireSchema.PROBLEM.validate(response.text());
    expect(violations.isEmpty(),
        "problem body of " + response.describe() + " breaks problem.schema.json: " + violations
            + "; body " + response.excerpt());
  }

  static void expectBytes(WireResponse response, byte[] expected) {
    expectStatus(response, 200);
    byte[] actual = response.body();
    expect(Arrays.equals(actual, expected),
        "fetched bytes differ from the deposited ones for " + response.describe() + ": expected "
            + expected.length + " bytes, got " + actual.length
            + (actual.length == expected.length ? " (same length, different content)" : ""));
  }

  /** Fails unless {@code response} carries none of {@code names}. */
  static void expectNoHeaders(WireResponse response, String... names) {
    for (String name : names) {
      String actual = response.header(name).orElse(null);
      expect(actual == null,
          "expected no " + name + " header on " + response.describe() + ", got " + actual);
    }
  }

  /**
   * An RFC 7807 answer of {@code status} typed {@code about:blank} (a status outside the EDEN
   * vocabulary): the problem media type and a body valid against {@code problem.schema.json}.
   */
  static void expectAboutBlank(WireResponse response, int status) {
    expectStatus(response, status);
    String mediaType = response.header("Content-Type").orElse("(none)");
    expect(mediaType(mediaType).equals("application/problem+json"),
        "expected Content-Type application/problem+json for " + response.describe()
            + ", got " + mediaType);
    JsonNode json = response.json();
    expect("about:blank".equals(json.path("type").asText(null)),
        "expected problem type about:blank for " + response.describe() + ", got "
            + response.excerpt());
    List<String> violations = WireSchema.PROBLEM.validate(response.text());
    expect(violations.isEmpty(),
        "problem body of " + response.describe() + " breaks problem.schema.json: " + violations
            + "; body " + response.excerpt());
  }

  static void expectHeader(WireResponse response, String name, String expected) {
    String actual = response.header(name).orElse(null);
    expect(expected.equals(actual),
        "expected header " + name + ": " + expected + " on " + response.describe() + ", got "
            + (actual == null ? "no such header" : actual));
  }

  /** The media type of a Content-Type value, lowercased, without parameters. */
  static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.trim().toLowerCase(Locale.ROOT);
  }

  /** A 201 deposit answer. */
  record Deposited(String uri, long sizeBytes, String contentType, WireResponse response) {}

  /** A fetch answer read as a stream. */
  record StreamedBody(int status, long length, String sha256) {}

  /** Length and SHA-256 of a stream. */
  record Digest(long length, String sha256) {}
}
