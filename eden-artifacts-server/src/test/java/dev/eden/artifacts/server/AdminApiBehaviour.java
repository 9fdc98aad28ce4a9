package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.DepositResult;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.spi.ArtifactCursor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listing API over HTTP on the embedded Jetty server, on a real metadata store: who may
 * call it, what it answers, paging under concurrent deposits, the depositor filter and the bounds
 * of every parameter. Each database runs it through a subclass; every 200 body is checked against
 * the spec's admin schemas and every error against the problem schema ({@link WireBodies}).
 */
abstract class AdminApiBehaviour {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Principal A = Principal.worker(AdminServer.WORKER_A);
  private static final Principal B = Principal.worker(AdminServer.WORKER_B);

  @TempDir Path dir;
  private TestDatabases.Store database;
  private AdminServer server;
  private final OkHttpClient http = WireBodies.checkedClient();

  /** A fresh, empty store of the database under test. */
  abstract TestDatabases.Store openDatabase(Path dir) throws Exception;

  @BeforeEach
  void start() throws Exception {
    database = openDatabase(dir);
    server = new AdminServer(dir, database.store(), false);
  }

  @AfterEach
  void stop() throws Exception {
    http.connectionPool().evictAll();
    if (server != null) {
      server.close();
    }
    if (database != null) {
      database.close();
    }
  }

  // ---- who may ---------------------------------------------------------------------------------

  @Test
  void everyAdminEndpointNeedsABearerOfTheAdminOrAnAdminsMember() throws IOException {
    server.deposit(A, "a.txt", new byte[] {1});
    List<String> paths = List.of(listPath(server.experiment, ""), summaryPath(server.experiment),
        "/admin/v1/experiments");
    for (String path : paths) {
      try (Response r = get(path, null)) {
        assertProblem(r, 401, "unauthorized");
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
      }
      try (Response r = get(path, "admin:wrong-token")) {
        assertProblem(r, 401, "unauthorized");
      }
      try (Response r = get(path, AdminServer.WORKER_A + ":wrong-secret")) {
        assertProblem(r, 401, "unauthorized");
      }
      // a plain worker is refused, even the one that deposited everything there is
      try (Response r = get(path, AdminServer.workerA())) {
        assertProblem(r, 403, "forbidden");
      }
      for (String operator : List.of(AdminServer.admin(), AdminServer.adminsMember())) {
        try (Response r = get(path, operator)) {
          assertThat(r.code()).as("%s as %s", path, operator.substring(0, operator.indexOf(':'))).isEqualTo(200);
          assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        }
      }
    }
  }

  @Test
  void aRefusedWorkerLearnsNothingAboutExperimentsOrParameters() throws IOException {
    ExperimentId unserved = ExperimentId.mint();
    for (String path : List.of(listPath(unserved, ""), summaryPath(unserved),
        listPath(server.experiment, "?limit=0&cursor=nonsense&created_by=nobody"),
        "/admin/v1/experiments?x=1")) {
      try (Response r = get(path, AdminServer.workerB())) {
        assertProblem(r, 403, "forbidden");
      }
    }
  }

  @Test
  void theArtifactEndpointsAreUntouched() throws IOException {
    // v0 still demands its experiment header; the admin API does not need one
    try (Response r = http.newCall(new Request.Builder()
        .url(server.baseUri() + "/v0/experiments/" + server.experiment + "/artifacts?uri=x")
        .header("Authorization", "Bearer " + AdminServer.admin()).build()).execute()) {
      assertProblem(r, 400, "experiment-id-mismatch");
    }
    try (Response r = get(listPath(server.experiment, ""), AdminServer.admin())) {
      assertThat(r.code()).isEqualTo(200);
    }
    // with the console off, its path is nobody's
    try (Response r = get("/console/", null)) {
      assertProblem(r, 404, "not-found");
    }
  }

  // ---- what it answers -------------------------------------------------------------------------

  @Test
  void aListedArtifactCarriesExactlyWhatWasRecorded() throws IOException {
    byte[] bytes = "hello, operator".getBytes(StandardCharsets.UTF_8);
    String uri;
    String sha256;
    String createdAt;
    try (Response r = http.newCall(new Request.Builder()
        .url(server.baseUri() + "/v0/experiments/" + server.experiment + "/artifacts")
        .header(ArtifactHandler.EXPERIMENT_HEADER, server.experiment.value())
        .header("Authorization", "Bearer " + AdminServer.workerA())
        .post(ServerFixture.onePart("report <1>.txt", "text/plain; charset=utf-8", bytes)).build()).execute()) {
      assertThat(r.code()).isEqualTo(201);
      uri = JSON.readTree(r.body().string()).get("artifacts_uri").asText();
      sha256 = r.header(ArtifactHandler.SHA256_HEADER);
      createdAt = r.header(ArtifactHandler.CREATED_AT_HEADER);
    }
    JsonNode page = getJson(listPath(server.experiment, ""), AdminServer.admin());
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("artifacts_uri", uri);
    expected.put("created_by", AdminServer.WORKER_A);
    expected.put("created_at", createdAt);
    expected.put("size_bytes", bytes.length);
    expected.put("content_type", "text/plain; charset=utf-8");
    expected.put("filename", "report <1>.txt");
    expected.put("sha256", sha256);
    assertThat(page.get("artifacts")).hasSize(1);
    assertThat(JSON.convertValue(page.get("artifacts").get(0), Map.class)).isEqualTo(expected);
    assertThat(page.get("next_cursor").isNull()).isTrue();
    assertThat(fieldNames(page)).containsExactly("artifacts", "next_cursor");
  }

  @Test
  void theSummaryCountsArtifactsAndBytesOverallAndPerDepositor() throws IOException {
    server.deposit(A, "a1", new byte[10]);
    server.deposit(A, "a2", new byte[20]);
    server.deposit(B, "b1", new byte[5]);
    server.deposit(Principal.admin(), "by-admin", new byte[0]);
    server.deposit(server.otherExperiment, B, "elsewhere", "text/plain", new byte[1000]);
    JsonNode summary = getJson(summaryPath(server.experiment), AdminServer.adminsMember());
    assertThat(summary.get("experiment_id").asText()).isEqualTo(server.experiment.value());
    assertThat(summary.get("artifact_count").asLong()).isEqualTo(4);
    assertThat(summary.get("total_bytes").asLong()).isEqualTo(35);
    Map<String, List<Long>> byDepositor = new LinkedHashMap<>();
    for (JsonNode d : summary.get("by_depositor")) {
      byDepositor.put(d.get("created_by").asText(),
          List.of(d.get("artifact_count").asLong(), d.get("total_bytes").asLong()));
    }
    Map<String, List<Long>> expected = new java.util.TreeMap<>(Map.of(
        AdminServer.WORKER_A, List.of(2L, 30L), AdminServer.WORKER_B, List.of(1L, 5L), "admin", List.of(1L, 0L)));
    assertThat(byDepositor).containsExactlyEntriesOf(expected); // in created_by order
    JsonNode other = getJson(summaryPath(server.otherExperiment), AdminServer.admin());
    assertThat(other.get("artifact_count").asLong()).isEqualTo(1);
    assertThat(other.get("total_bytes").asLong()).isEqualTo(1000);
  }

  @Test
  void theExperimentIndexListsTheServedExperimentsInOrder() throws IOException {
    JsonNode index = getJson("/admin/v1/experiments", AdminServer.admin());
    assertThat(index.get("experiments")).extracting(JsonNode::asText)
        .containsExactly(server.experiment.value(), server.otherExperiment.value());
  }

  // ---- paging ----------------------------------------------------------------------------------

  @Test
  void pagingThroughTwoHundredFiftyArtifactsWhileDepositsArriveVisitsEachOnceNewestFirst()
      throws Exception {
    List<String> existing = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      Principal who = i % 3 == 0 ? A : i % 3 == 1 ? B : Principal.admin();
      existing.add(server.deposit(who, "f" + i, new byte[] {(byte) i}).artifactsUri());
    }
    AtomicInteger arrived = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<String> arrivals = new ConcurrentLinkedQueue<>();
    Thread depositor = new Thread(() -> {
      int n = 0;
      while (!stop.get()) {
        arrivals.add(server.deposit(A, "late" + n++, new byte[] {7}).artifactsUri());
        arrived.incrementAndGet();
      }
    }, "concurrent-depositor");
    depositor.start();
    List<JsonNode> listed = new ArrayList<>();
    int pages = 0;
    int arrivedWhilePaging;
    try {
      awaitMore(arrived, 0);
      int before = arrived.get();
      String cursor = null;
      do {
        JsonNode page = getJson(listPath(server.experiment,
            "?limit=17" + (cursor == null ? "" : "&cursor=" + cursor)), AdminServer.admin());
        pages++;
        page.get("artifacts").forEach(listed::add);
        cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        awaitMore(arrived, arrived.get()); // at least one deposit lands between any two pages
      } while (cursor != null);
      arrivedWhilePaging = arrived.get() - before;
    } finally {
      stop.set(true);
      depositor.join(TimeUnit.SECONDS.toMillis(30));
    }
    List<String> uris = listed.stream().map(n -> n.get("artifacts_uri").asText()).toList();
    assertThat(new HashSet<>(uris)).as("no artifact listed twice").hasSameSizeAs(uris);
    assertThat(uris).as("every artifact that existed before the first page").containsAll(existing);
    assertThat(arrivedWhilePaging).as("deposits arrived between the pages").isGreaterThanOrEqualTo(pages);
    for (int i = 1; i < listed.size(); i++) {
      assertThat(ArtifactCursor.ORDER.compare(position(listed.get(i - 1)), position(listed.get(i))))
          .as("newest first, then by id descending, at %d", i).isNegative();
    }
    // the existing ones in exactly the reverse order of their deposit (the fixture's clock ticks)
    List<String> existingListed = uris.stream().filter(new HashSet<>(existing)::contains).toList();
    assertThat(existingListed).isEqualTo(reversed(existing));
    assertThat(pages).isGreaterThanOrEqualTo(250 / 17 + 1);
    // a fresh listing sees the late deposits too
    assertThat(countAll(server.experiment, null)).isEqualTo(250 + arrivals.size());
  }

  @Test
  void aCursorStaysValidAfterItsRowIsFollowedByNewDeposits() throws IOException {
    for (int i = 0; i < 5; i++) {
      server.deposit(A, "old" + i, new byte[] {1});
    }
    JsonNode first = getJson(listPath(server.experiment, "?limit=2"), AdminServer.admin());
    String cursor = first.get("next_cursor").asText();
    for (int i = 0; i < 3; i++) {
      server.deposit(A, "new" + i, new byte[] {1});
    }
    JsonNode rest = getJson(listPath(server.experiment, "?limit=10&cursor=" + cursor), AdminServer.admin());
    assertThat(rest.get("artifacts")).extracting(n -> n.get("filename").asText())
        .containsExactly("old2", "old1", "old0");
    assertThat(rest.get("next_cursor").isNull()).isTrue();
  }

  // ---- the depositor filter --------------------------------------------------------------------

  @Test
  void createdByListsOneDepositorsArtifactsOnly() throws IOException {
    List<String> ofA = new ArrayList<>();
    List<String> ofB = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ofA.add(server.deposit(A, "a" + i, new byte[] {1}).artifactsUri());
      if (i < 3) {
        ofB.add(server.deposit(B, "b" + i, new byte[] {2}).artifactsUri());
      }
    }
    String adminsOwn = server.deposit(Principal.admin(), "admin", new byte[] {3}).artifactsUri();
    server.deposit(server.otherExperiment, A, "elsewhere", "text/plain", new byte[] {4});

    assertThat(listAll(server.experiment, AdminServer.WORKER_A, 2)).isEqualTo(reversed(ofA));
    assertThat(listAll(server.experiment, AdminServer.WORKER_B, 100)).isEqualTo(reversed(ofB));
    assertThat(listAll(server.experiment, "admin", 100)).containsExactly(adminsOwn);
    assertThat(listAll(server.experiment, Principal.mintWorkerId(), 100)).as("an unknown worker").isEmpty();
    assertThat(countAll(server.experiment, null)).isEqualTo(9);
    for (String bad : List.of("nobody", "ADMIN", "wkr_short", AdminServer.WORKER_A.toUpperCase(), "admin%00")) {
      try (Response r = get(listPath(server.experiment, "?created_by=" + bad), AdminServer.admin())) {
        assertProblem(r, 400, "bad-request");
      }
    }
  }

  // ---- bounds ----------------------------------------------------------------------------------

  @Test
  void limitIsOneToOneThousandAndDefaultsToOneHundred() throws IOException {
    for (int i = 0; i < 120; i++) {
      server.deposit(A, "f" + i, new byte[0]);
    }
    JsonNode byDefault = getJson(listPath(server.experiment, ""), AdminServer.admin());
    assertThat(byDefault.get("artifacts")).hasSize(100);
    assertThat(byDefault.get("next_cursor").isTextual()).isTrue();
    assertThat(getJson(listPath(server.experiment, "?limit=1"), AdminServer.admin()).get("artifacts")).hasSize(1);
    JsonNode all = getJson(listPath(server.experiment, "?limit=1000"), AdminServer.admin());
    assertThat(all.get("artifacts")).hasSize(120);
    assertThat(all.get("next_cursor").isNull()).isTrue();
    JsonNode exact = getJson(listPath(server.experiment, "?limit=120"), AdminServer.admin());
    assertThat(exact.get("next_cursor").isNull()).as("no next page when exactly the rest fits").isTrue();
    for (String bad : List.of("0", "1001", "-1", "abc", "1.5", "", "10000", "99999999999", "1e2", "+5")) {
      try (Response r = get(listPath(server.experiment, "?limit=" + URLEncoder.encode(bad, StandardCharsets.UTF_8)),
          AdminServer.admin())) {
        assertProblem(r, 400, "bad-request");
      }
    }
    try (Response r = get(listPath(server.experiment, "?limit=5&limit=5"), AdminServer.admin())) {
      assertProblem(r, 400, "bad-request");
    }
  }

  @Test
  void aCursorTheServerDidNotIssueAndUnknownParametersAreBadRequests() throws IOException {
    server.deposit(A, "f", new byte[0]);
    String forged = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("2:1:0123".getBytes(StandardCharsets.US_ASCII));
    for (String query : List.of("?cursor=nonsense!", "?cursor=" + forged, "?cursor=" + "A".repeat(200),
        "?cursor=", "?created_by=", "?limit=10&cursor=a&cursor=b", "?create_by=admin", "?uri=x",
        "?limit=%zz")) {
      try (Response r = get(listPath(server.experiment, query), AdminServer.admin())) {
        assertProblem(r, 400, "bad-request");
      }
    }
    try (Response r = get(summaryPath(server.experiment) + "?limit=1", AdminServer.admin())) {
      assertProblem(r, 400, "bad-request");
    }
  }

  @Test
  void anExperimentThisServerDoesNotServeIsNotFound() throws IOException {
    for (String path : List.of(listPath(ExperimentId.mint(), ""), summaryPath(ExperimentId.mint()),
        "/admin/v1/experiments/exp_NOT-AN-ID/artifacts", "/admin/v1/experiments/" + server.experiment + "/other",
        "/admin/v1/experiments/" + server.experiment + "/artifacts/x", "/admin/v2/experiments", "/admin")) {
      try (Response r = get(path, AdminServer.admin())) {
        assertProblem(r, 404, "not-found");
      }
    }
  }

  @Test
  void onlyGetAndHeadAreServed() throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(server.baseUri() + listPath(server.experiment, ""))
        .header("Authorization", "Bearer " + AdminServer.admin())
        .post(RequestBody.create(new byte[0])).build()).execute()) {
      assertThat(r.code()).isEqualTo(405);
      assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
    }
    try (Response r = http.newCall(new Request.Builder().url(server.baseUri() + listPath(server.experiment, ""))
        .header("Authorization", "Bearer " + AdminServer.admin()).head().build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.body().bytes()).isEmpty();
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Waits (bounded) until {@code counter} exceeds {@code seen}. */
  private static void awaitMore(AtomicInteger counter, int seen) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (counter.get() <= seen) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the concurrent depositor made no progress in 30 s");
      }
      Thread.sleep(1);
    }
  }

  private static ArtifactCursor position(JsonNode artifact) {
    String uri = artifact.get("artifacts_uri").asText();
    return new ArtifactCursor(java.time.Instant.parse(artifact.get("created_at").asText()),
        dev.eden.artifacts.ArtifactId.parse(uri.substring(uri.lastIndexOf('/') + 1)));
  }

  private List<String> listAll(ExperimentId experiment, String createdBy, int limit) throws IOException {
    List<String> uris = new ArrayList<>();
    String cursor = null;
    do {
      String query = "?limit=" + limit + (createdBy == null ? "" : "&created_by=" + createdBy)
          + (cursor == null ? "" : "&cursor=" + cursor);
      JsonNode page = getJson(listPath(experiment, query), AdminServer.admin());
      for (JsonNode artifact : page.get("artifacts")) {
        if (createdBy != null) {
          assertThat(artifact.get("created_by").asText()).isEqualTo(createdBy);
        }
        uris.add(artifact.get("artifacts_uri").asText());
      }
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
    } while (cursor != null);
    return uris;
  }

  private int countAll(ExperimentId experiment, String createdBy) throws IOException {
    return listAll(experiment, createdBy, 1000).size();
  }

  private static List<String> reversed(List<String> list) {
    List<String> copy = new ArrayList<>(list);
    java.util.Collections.reverse(copy);
    return copy;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  private static String listPath(ExperimentId experiment, String query) {
    return "/admin/v1/experiments/" + experiment + "/artifacts" + query;
  }

  private static String summaryPath(ExperimentId experiment) {
    return "/admin/v1/experiments/" + experiment + "/summary";
  }

  private Response get(String path, String bearer) throws IOException {
    Request.Builder request = new Request.Builder().url(server.baseUri() + path);
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.newCall(request.build()).execute();
  }

  private JsonNode getJson(String path, String bearer) {
    try (Response r = get(path, bearer)) {
      String body = r.body().string();
      assertThat(r.code()).as("GET %s: %s", path, body).isEqualTo(200);
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertProblem(Response r, int status, String type) throws IOException {
    String body = r.body().string();
    assertThat(r.code()).as(body).isEqualTo(status);
    assertThat(JSON.readTree(body).get("type").asText()).isEqualTo("eden://error/" + type);
  }

}
