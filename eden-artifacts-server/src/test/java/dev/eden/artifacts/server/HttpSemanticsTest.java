package dev.eden.artifacts.server;

import static dev.eden.artifacts.server.TestDigests.sha256Field;
import static dev.eden.artifacts.server.TestDigests.sha256Hex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.DepositResult;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fetch path behaves as an HTTP server of immutable objects (RFC 9110 §8.8, §13, §14; RFC
 * 9530) on every transport — and only for a caller a plain {@code GET} would serve: request checks,
 * authentication and the ACL come first (§13.2.1).
 */
class HttpSemanticsTest {
  static final String ADMIN_TOKEN = "admin-token-for-tests";
  static final String WORKER = Principal.mintWorkerId();
  static final String STRANGER = Principal.mintWorkerId();
  static final String SECRET = "secret-w";
  static final ObjectMapper JSON = new ObjectMapper();
  static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  final ExperimentId experiment = ExperimentId.mint();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  final InMemoryArtifactBackend backend = spy(new InMemoryArtifactBackend());
  final ArtifactService service = ArtifactService.builder()
      .backend(backend).store(new InMemoryArtifactStore()).build();
  final byte[] content = randomBytes(10_000);
  Transport.Running server;
  DepositResult artifact;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  // ---- Validators and HEAD ----------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aFetchCarriesStrongValidatorsCachingAndTheReprDigest(Transport transport) throws Exception {
    start(transport);
    HttpResponse<byte[]> ok = fetch(worker());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo(content);
    assertThat(header(ok, "ETag")).isEqualTo('"' + sha256Hex(content) + '"');
    assertThat(header(ok, "Last-Modified"))
        .isEqualTo(IMF_FIXDATE.format(artifact.metadata().createdAt()));
    assertThat(header(ok, "Cache-Control")).isEqualTo("private, max-age=31536000, immutable");
    assertThat(header(ok, "Accept-Ranges")).isEqualTo("bytes");
    assertThat(header(ok, "Repr-Digest")).isEqualTo(sha256Field(content));
    assertThat(header(ok, "Content-Length")).isEqualTo("10000");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void headAnswersWithTheHeadersOfAGetAndNoBodyWithoutReadingTheBlob(Transport transport) throws Exception {
    start(transport);
    HttpResponse<byte[]> get = fetch(worker());
    HttpResponse<byte[]> head = send(request(worker()).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(withoutDate(head)).isEqualTo(withoutDate(get));
    verify(backend, org.mockito.Mockito.times(1)).open(any(), anyLong(), anyLong()); // the GET's only
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aPlainGetAsksTheBackendForTheWholeBlobNotARange(Transport transport) throws Exception {
    start(transport);
    assertThat(fetch(worker()).body()).isEqualTo(content);
    // read to the end, as an object store's plain GET (no Range header) reads
    verify(backend).open(artifact.metadata().id(), 0, Long.MAX_VALUE);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void headOfAnErrorHasTheProblemHeadersButNoBody(Transport transport) throws Exception {
    start(transport);
    HttpResponse<byte[]> head = send(request(stranger()).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertThat(head.statusCode()).isEqualTo(403);
    assertThat(header(head, "Content-Type")).isEqualTo("application/problem+json; charset=utf-8");
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("ETag")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void otherMethodsAreRefusedNamingHeadAmongTheAllowed(Transport transport) throws Exception {
    start(transport);
    HttpResponse<byte[]> put = send(request(worker()).PUT(HttpRequest.BodyPublishers.noBody()));
    assertThat(put.statusCode()).isEqualTo(405);
    assertThat(header(put, "Allow")).isEqualTo("GET, HEAD, POST");
  }

  // ---- Conditional requests ----------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Transport.class)
  void ifNoneMatchWithTheEtagIsNotModifiedWithoutABody(Transport transport) throws Exception {
    start(transport);
    for (String ifNoneMatch : List.of(etag(), "W/" + etag(), "\"other\", " + etag(), "*")) {
      HttpResponse<byte[]> notModified = fetch(worker(), "If-None-Match", ifNoneMatch);
      assertThat(notModified.statusCode()).as(ifNoneMatch).isEqualTo(304);
      assertThat(notModified.body()).isEmpty();
      assertThat(header(notModified, "ETag")).isEqualTo(etag());
      assertThat(header(notModified, "Cache-Control")).isEqualTo("private, max-age=31536000, immutable");
      assertThat(header(notModified, "Repr-Digest")).isEqualTo(sha256Field(content));
      assertThat(notModified.headers().firstValue("Content-Type")).isEmpty();
      // RFC 9110 §8.6: a 304 may announce only the length a 200 would have (Tomcat sends none).
      notModified.headers().firstValue("Content-Length")
          .ifPresent(length -> assertThat(length).isEqualTo("10000"));
    }
    verify(backend, never()).open(any(), anyLong(), anyLong());
    assertThat(fetch(worker(), "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void ifMatchComparesStronglyAndFailsWith412(Transport transport) throws Exception {
    start(transport);
    assertThat(fetch(worker(), "If-Match", etag()).statusCode()).isEqualTo(200);
    assertThat(fetch(worker(), "If-Match", "*").statusCode()).isEqualTo(200);
    for (String ifMatch : List.of("\"other\"", "W/" + etag(), "not-a-tag")) {
      HttpResponse<byte[]> failed = fetch(worker(), "If-Match", ifMatch);
      assertThat(failed.statusCode()).as(ifMatch).isEqualTo(412);
      assertAboutBlank(failed, 412, "Precondition Failed");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void datesDecideOnlyWhereNoEntityTagFieldIsSent(Transport transport) throws Exception {
    start(transport);
    Instant modified = artifact.metadata().createdAt();
    String before = IMF_FIXDATE.format(modified.minusSeconds(60));
    String at = IMF_FIXDATE.format(modified);
    assertThat(fetch(worker(), "If-Unmodified-Since", before).statusCode()).isEqualTo(412);
    assertThat(fetch(worker(), "If-Unmodified-Since", at).statusCode()).isEqualTo(200);
    assertThat(fetch(worker(), "If-Modified-Since", at).statusCode()).isEqualTo(304);
    assertThat(fetch(worker(), "If-Modified-Since", before).statusCode()).isEqualTo(200);
    // RFC 850 and asctime forms are read too (RFC 9110 §5.6.7).
    assertThat(fetch(worker(), "If-Modified-Since", "Sunday, 06-Nov-94 08:49:37 GMT").statusCode()).isEqualTo(200);
    assertThat(fetch(worker(), "If-Modified-Since", "Sat Nov  6 08:49:37 2094").statusCode()).isEqualTo(304);
    // §13.2.2: If-Match wins over If-Unmodified-Since, If-None-Match over If-Modified-Since.
    assertThat(fetch(worker(), "If-Match", etag(), "If-Unmodified-Since", before).statusCode()).isEqualTo(200);
    assertThat(fetch(worker(), "If-None-Match", "\"other\"", "If-Modified-Since", at).statusCode()).isEqualTo(200);
    // §13.2.2: a failing If-Match is decided before a matching If-None-Match.
    assertThat(fetch(worker(), "If-Match", "\"other\"", "If-None-Match", etag()).statusCode()).isEqualTo(412);
    // An invalid date is ignored (§13.1.3).
    assertThat(fetch(worker(), "If-Modified-Since", "yesterday").statusCode()).isEqualTo(200);
  }

  // ---- Authorisation first ------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Transport.class)
  void noConditionalOrRangeAnswerReachesACallerAPlainGetWouldRefuse(Transport transport) throws Exception {
    start(transport);
    String[][] extras = {
        {"If-None-Match", etag()}, {"If-Match", "\"other\""}, {"Range", "bytes=0-9"},
        {"Range", "bytes=10000-"}, {"If-Modified-Since", IMF_FIXDATE.format(Instant.now().plusSeconds(60))}};
    for (String[] extra : extras) {
      assertRefusedWithoutValidators(fetch(stranger(), extra), 403, extra);
      assertRefusedWithoutValidators(send(request(null, extra)), 401, extra);
      assertRefusedWithoutValidators(send(request(worker(), extra).header(ArtifactHandler.EXPERIMENT_HEADER,
          ExperimentId.mint().toString())), 400, extra);
      HttpRequest.Builder unknown = HttpRequest.newBuilder(fetchUri("eden://artifacts/" + "0".repeat(32)))
          .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.toString()).header("Authorization", worker());
      assertRefusedWithoutValidators(send(unknown.header(extra[0], extra[1])), 404, extra);
    }
    verify(backend, never()).open(any(), anyLong(), anyLong());
  }

  // ---- Ranges -------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aSingleRangeIsAByteExact206ReadingOnlyThoseBytes(Transport transport) throws Exception {
    start(transport);
    Map<String, long[]> ranges = Map.of(
        "bytes=0-99", new long[] {0, 99},
        "bytes=4000-4999", new long[] {4000, 4999},
        "bytes=9990-", new long[] {9990, 9999},
        "bytes=-10", new long[] {9990, 9999},
        "bytes=9000-20000", new long[] {9000, 9999},
        "BYTES=5-5", new long[] {5, 5},
        "bytes=-99999999999999999999", new long[] {0, 9999});
    for (Map.Entry<String, long[]> range : ranges.entrySet()) {
      long first = range.getValue()[0];
      long last = range.getValue()[1];
      HttpResponse<byte[]> partial = fetch(worker(), "Range", range.getKey());
      assertThat(partial.statusCode()).as(range.getKey()).isEqualTo(206);
      assertThat(partial.body()).as(range.getKey())
          .isEqualTo(Arrays.copyOfRange(content, (int) first, (int) last + 1));
      assertThat(header(partial, "Content-Range")).isEqualTo("bytes " + first + "-" + last + "/10000");
      assertThat(header(partial, "Content-Length")).isEqualTo(Long.toString(last - first + 1));
      assertThat(header(partial, "ETag")).isEqualTo(etag());
      assertThat(header(partial, "Cache-Control")).isEqualTo("private, max-age=31536000, immutable");
      // The digest of the whole artifact, not of the slice (RFC 9530 §3).
      assertThat(header(partial, "Repr-Digest")).isEqualTo(sha256Field(content));
      verify(backend, atLeastOnce()).open(artifact.metadata().id(), first, last - first + 1);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aRangeOutsideTheArtifactIs416WithItsSize(Transport transport) throws Exception {
    start(transport);
    for (String range : List.of("bytes=10000-", "bytes=10000-10005", "bytes=99999999999999999999-", "bytes=-0")) {
      HttpResponse<byte[]> refused = fetch(worker(), "Range", range);
      assertThat(refused.statusCode()).as(range).isEqualTo(416);
      assertThat(header(refused, "Content-Range")).isEqualTo("bytes */10000");
      assertAboutBlank(refused, 416, "Range Not Satisfiable");
    }
    verify(backend, never()).open(any(), anyLong(), anyLong());
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void severalInvalidOrForeignRangesAreAnsweredWithTheWholeArtifact(Transport transport) throws Exception {
    start(transport);
    for (String range : List.of("bytes=0-1,5-6", "bytes=5-3", "bytes=abc", "bytes=-", "items=0-5",
        "bytes 0-5", "bytes=0x10-", "bytes=+1-2", "")) {
      HttpResponse<byte[]> whole = fetch(worker(), "Range", range);
      assertThat(whole.statusCode()).as(range).isEqualTo(200);
      assertThat(whole.body()).as(range).isEqualTo(content);
      assertThat(whole.headers().firstValue("Content-Range")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void ifRangeLetsTheRangeApplyOnlyWhenTheValidatorStillMatches(Transport transport) throws Exception {
    start(transport);
    String at = IMF_FIXDATE.format(artifact.metadata().createdAt());
    for (String matching : List.of(etag(), at)) {
      assertThat(fetch(worker(), "Range", "bytes=0-9", "If-Range", matching).statusCode()).as(matching).isEqualTo(206);
    }
    for (String changed : List.of("\"other\"", "W/" + etag(), IMF_FIXDATE.format(artifact.metadata().createdAt().plusSeconds(1)), "soon")) {
      HttpResponse<byte[]> whole = fetch(worker(), "Range", "bytes=0-9", "If-Range", changed);
      assertThat(whole.statusCode()).as(changed).isEqualTo(200);
      assertThat(whole.body()).isEqualTo(content);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void headIgnoresRangeAsRangesAreDefinedForGetOnly(Transport transport) throws Exception {
    start(transport);
    HttpResponse<byte[]> head = send(request(worker(), "Range", "bytes=0-9").method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(header(head, "Content-Length")).isEqualTo("10000");
    assertThat(head.headers().firstValue("Content-Range")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aZeroByteArtifactHasNoSatisfiableRange(Transport transport) throws Exception {
    start(transport);
    artifact = service.deposit(experiment, Principal.worker(WORKER), "empty.bin", "application/octet-stream",
        new ByteArrayInputStream(new byte[0]));
    HttpResponse<byte[]> refused = fetch(worker(), "Range", "bytes=0-");
    assertThat(refused.statusCode()).isEqualTo(416);
    assertThat(header(refused, "Content-Range")).isEqualTo("bytes */0");
    HttpResponse<byte[]> whole = fetch(worker(), "Range", "bytes=-5");
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body()).isEmpty();
    assertThat(header(whole, "Repr-Digest")).isEqualTo(sha256Field(new byte[0]));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aBlobThatCannotBeReadIsAPlain500WithoutTheArtifactsHeaders(Transport transport) throws Exception {
    start(transport);
    backend.delete(artifact.metadata().id()); // the row stays: a damaged store
    for (String range : List.of("bytes=0-9", "bytes=5-")) {
      HttpResponse<byte[]> failed = fetch(worker(), "Range", range);
      assertThat(failed.statusCode()).isEqualTo(500);
      assertThat(JSON.readTree(failed.body()).get("type").asText()).isEqualTo("eden://error/internal");
      for (String name : List.of("ETag", "Last-Modified", "Repr-Digest", "Content-Range", "Accept-Ranges",
          "Content-Disposition", ArtifactHandler.SHA256_HEADER, ArtifactHandler.CREATED_BY_HEADER)) {
        assertThat(failed.headers().firstValue(name)).as(name).isEmpty();
      }
    }
  }

  // ---- Digests ------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Transport.class)
  void wantReprDigestGetsTheSha256WhateverElseItPrefers(Transport transport) throws Exception {
    start(transport);
    for (String want : List.of("sha-256=1", "sha-512=10, sha-256=1", "sha-512=3", "not a dictionary")) {
      HttpResponse<byte[]> ok = fetch(worker(), "Want-Repr-Digest", want);
      assertThat(ok.statusCode()).as(want).isEqualTo(200);
      assertThat(header(ok, "Repr-Digest")).isEqualTo(sha256Field(content));
    }
  }

  // ---- Helpers ------------------------------------------------------------------------------

  private void start(Transport transport) throws Exception {
    artifact = service.deposit(experiment, Principal.worker(WORKER), "data.bin", "application/octet-stream",
        new ByteArrayInputStream(content));
    ArtifactHandler handler = ArtifactHandler.builder()
        .service(service)
        .authenticator(InMemoryAuthenticator.builder().adminToken(ADMIN_TOKEN)
            .worker(WORKER, SECRET).worker(STRANGER, SECRET).build())
        .servedExperiments(experiment)
        .build();
    server = transport.start(handler);
  }

  private void assertRefusedWithoutValidators(HttpResponse<byte[]> response, int status, String[] extra)
      throws Exception {
    assertThat(response.statusCode()).as("%s %s", extra[0], extra[1]).isEqualTo(status);
    for (String name : List.of("ETag", "Last-Modified", "Repr-Digest", "Content-Range", "Accept-Ranges")) {
      assertThat(response.headers().firstValue(name)).as("%s on %s", name, status).isEmpty();
    }
    assertThat(JSON.readTree(response.body()).get("type").asText()).startsWith("eden://error/");
  }

  private static void assertAboutBlank(HttpResponse<byte[]> response, int status, String title) throws Exception {
    assertThat(header(response, "Content-Type")).isEqualTo("application/problem+json; charset=utf-8");
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("type").asText()).isEqualTo("about:blank");
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("title").asText()).isEqualTo(title);
  }

  private String etag() {
    return '"' + sha256Hex(content) + '"';
  }

  private HttpResponse<byte[]> fetch(String authorization, String... headers) throws Exception {
    return send(request(authorization, headers));
  }

  private HttpRequest.Builder request(String authorization, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(fetchUri(artifact.artifactsUri()))
        .timeout(Duration.ofSeconds(20))
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.toString());
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return request;
  }

  private URI fetchUri(String artifactsUri) {
    return URI.create(server.base() + server.prefix() + "/v0/experiments/" + experiment + "/artifacts?uri="
        + URLEncoder.encode(artifactsUri, StandardCharsets.UTF_8));
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " header"));
  }

  private static Map<String, List<String>> withoutDate(HttpResponse<?> response) {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.putAll(response.headers().map());
    headers.remove("Date");
    headers.remove(":status");
    return headers;
  }

  private static String worker() {
    return "Bearer " + WORKER + ":" + SECRET;
  }

  private static String stranger() {
    return "Bearer " + STRANGER + ":" + SECRET;
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(42).nextBytes(bytes);
    return bytes;
  }
}
