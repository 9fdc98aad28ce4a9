package dev.eden.artifacts.checks.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.checks.reliability.HostileDeposit.Expectation;
import dev.eden.artifacts.checks.reliability.HostileDeposit.Kind;
import dev.eden.artifacts.checks.reliability.HostileDeposit.Mutation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import org.sqlite.SQLiteConfig;

/**
 * Scenario 5, hostile bodies: generated deposit requests — valid ones changed by truncation,
 * duplicated, reordered and corrupted boundaries and part headers, quoting, {@code filename*},
 * {@code Content-Length} against the real length, chunk framing — each sent on its own raw socket
 * to one runnable server jar (SQLite, blob directory). Per request: never a 5xx; every non-2xx is
 * problem+json; a valid request gets its 201 with the digest of exactly its bytes, a broken one
 * never does; and the metadata rows and blob files grow by exactly one after a 201 and not at all
 * otherwise (counted on a read-only SQLite connection and in the blob directory). After all of
 * them, the server's heap after a full GC, threads and open descriptors are where they were.
 */
class HostileBodiesIT {
  private static final String SCENARIO = "hostile bodies";
  private static final int SHORT_TRIES = 200;
  private static final int LONG_TRIES = 5_000;
  private static final int WARM_UP = 10;
  private static final String PROBLEM_JSON = "application/problem+json; charset=utf-8";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path dir;
  private static RunnableServer server;
  private static HostileDeposit.Head head;
  private static Path blobs;
  private static Connection metadata;
  private static Sample before;
  private static long startedNanos;
  private static int tries;
  private static final Map<Expectation, Integer> byExpectation = new EnumMap<>(Expectation.class);
  private static final Map<Integer, Integer> byStatus = new TreeMap<>();
  private static final Map<Kind, Integer> byKind = new EnumMap<>(Kind.class);

  /** Threads, open descriptors and heap after a full GC of the server. */
  record Sample(int threads, int fds, long heapBytes) {
    static Sample of(RunnableServer server) throws IOException, InterruptedException {
      long heap = server.heapAfterGcBytes();
      return new Sample(server.threads(), server.openFileDescriptors(), heap);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "heap after GC %.1f MiB, %d threads, %d fds", heapBytes / 1048576.0, threads, fds);
    }
  }

  @BeforeContainer
  static void startServer() throws Exception {
    dir = Files.createTempDirectory("eden-hostile-bodies");
    Path data = dir.resolve("data");
    server = RunnableServer.start(List.of("-Xmx128m", "-Xms128m"), Map.of(),
        "--data-dir", data.toString(), "--port", "0", "--access-log", "off",
        "--max-artifact-bytes", Integer.toString(HostileDeposit.CAP));
    String bearer = RunnableServer.addWorker(Map.of(), "--data-dir", data.toString());
    head = new HostileDeposit.Head(server.experimentId(), bearer, "X-Eden-Experiment-Id");
    blobs = data.resolve("blobs");
    SQLiteConfig readOnly = new SQLiteConfig();
    readOnly.setReadOnly(true);
    metadata = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("metadata.db"), readOnly.toProperties());
    // Warm up (JIT, pools, caches) with a valid and a broken deposit, so the samples compare like with like.
    for (int i = 0; i < WARM_UP; i++) {
      HostileDeposit valid = new HostileDeposit(new byte[i * 100], "w.bin", "application/octet-stream",
          "warm" + i, i % 2 == 0, 512, List.of());
      HostileDeposit broken = new HostileDeposit(new byte[i * 100], "w.bin", "application/octet-stream",
          "warm" + i, i % 2 == 0, 512, List.of(new Mutation(Kind.TRUNCATE, i * 37, 0)));
      Answer stored = send(valid.wire(head), false);
      assertThat(stored.status).as(stored.toString()).isEqualTo(201);
      Answer refused = send(broken.wire(head), false);
      assertThat(refused.status).as(refused.toString()).isEqualTo(400);
    }
    before = Sample.of(server);
    startedNanos = System.nanoTime();
  }

  @AfterContainer
  static void stopServer() throws Exception {
    try {
      if (metadata != null) {
        metadata.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
      deleteTree(dir);
    }
  }

  @Property(tries = SHORT_TRIES)
  @AddLifecycleHook(CampaignScale.class)
  void depositIsStoredExactlyOrRefusedWithAProblemAndNothingElse(@ForAll("deposits") HostileDeposit deposit)
      throws Exception {
    long rowsBefore = rows();
    long blobsBefore = blobFiles();
    Answer answer = send(deposit.wire(head), deposit.framingPromisesMore());
    long rowsAdded = rows() - rowsBefore;
    long blobsAdded = blobFiles() - blobsBefore;
    record(deposit, answer.status);

    assertThat(answer.status).as("a status line (%s)", answer).isPositive();
    assertThat(answer.status).as("never a 5xx: %s", answer).isLessThan(500);
    if (answer.status == 201) {
      assertThat(deposit.expectation()).as("201 for a broken request: %s", answer).isNotEqualTo(Expectation.REFUSED);
      assertThat(rowsAdded).as("rows added by a 201").isEqualTo(1);
      assertThat(blobsAdded).as("blob files added by a 201").isEqualTo(1);
    } else {
      assertThat(deposit.expectation()).as("refused a valid request: %s", answer).isNotEqualTo(Expectation.STORED);
      assertThat(answer.header("content-type")).as("every non-2xx is problem+json: %s", answer).isEqualTo(PROBLEM_JSON);
      JsonNode problem = JSON.readTree(answer.body);
      assertThat(problem.get("status").asInt()).as(answer.toString()).isEqualTo(answer.status);
      assertThat(problem.get("type").asText()).as(answer.toString()).isNotBlank();
      assertThat(rowsAdded).as("rows added by a %d", answer.status).isZero();
      assertThat(blobsAdded).as("blob files added by a %d", answer.status).isZero();
    }
    if (deposit.expectation() == Expectation.STORED) {
      byte[] stored = deposit.storedPayload();
      JsonNode created = JSON.readTree(answer.body);
      assertThat(created.get("size_bytes").asLong()).as(answer.toString()).isEqualTo(stored.length);
      assertThat(answer.header("x-eden-artifact-sha256")).as("digest of exactly the bytes sent: %s", answer)
          .isEqualTo(HostileDeposit.sha256Hex(stored));
    }
  }

  /**
   * After the last try: the server's heap after a full GC, its threads and open descriptors stayed
   * flat. A leak of one buffer, thread or descriptor per request would show after a few hundred.
   */
  @AfterProperty
  void heapThreadsAndDescriptorsStayFlat() throws Exception {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    Sample after = Sample.of(server);
    Campaign.figure(SCENARIO, String.format(Locale.ROOT, "%d requests in %.1f s (%.0f/s): %s", tries, seconds,
        tries / seconds, byExpectation));
    Campaign.figure(SCENARIO, "statuses " + byStatus);
    Campaign.figure(SCENARIO, "mutations applied " + byKind);
    Campaign.figure(SCENARIO, "rows " + rows() + ", blob files " + blobFiles() + " (" + WARM_UP + " of each from the warm-up)");
    Campaign.figure(SCENARIO, "before: " + before);
    Campaign.figure(SCENARIO, "after:  " + after);
    assertThat(after.heapBytes()).as("heap after GC, before %s", before).isLessThanOrEqualTo(before.heapBytes() + (16L << 20));
    assertThat(after.threads()).as("threads, before %s", before).isLessThanOrEqualTo(before.threads() + 10);
    assertThat(after.fds()).as("open file descriptors, before %s", before).isLessThanOrEqualTo(before.fds() + 20);
  }

  @Provide
  Arbitrary<HostileDeposit> deposits() {
    Arbitrary<byte[]> payload = Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.bytes().array(byte[].class).ofMaxSize(2048)),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(2048).ofMaxSize(20_000)));
    Arbitrary<String> filename = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789._-")
        .ofMaxLength(30).map(s -> "f" + s);
    Arbitrary<String> partType = Arbitraries.of("application/octet-stream", "text/plain",
        "text/plain; charset=utf-8", "application/x-tar", "image/svg+xml");
    Arbitrary<String> boundary = Arbitraries.strings()
        .withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'_+.-")
        .ofMinLength(1).ofMaxLength(70);
    // Kinds without edge cases: jqwik's would favour the first and last kind of the enum.
    Arbitrary<Mutation> mutation = Combinators.combine(
        Arbitraries.of(Kind.class).withoutEdgeCases(), Arbitraries.integers(), Arbitraries.integers())
        .as(Mutation::new);
    Arbitrary<List<Mutation>> mutations = Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(List.<Mutation>of())),
        Tuple.of(6, mutation.list().ofMinSize(1).ofMaxSize(4)));
    return Combinators.combine(payload, filename, partType, boundary, Arbitraries.of(true, false),
        Arbitraries.integers().between(1, 5000), mutations)
        .as(HostileDeposit::new);
  }

  /** The number of tries of the campaign's profile: {@value SHORT_TRIES} in CI, {@value LONG_TRIES} on demand. */
  static final class CampaignScale implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
      context.attributes().setTries(Campaign.scale(SHORT_TRIES, LONG_TRIES));
      return property.execute();
    }
  }

  private static void record(HostileDeposit deposit, int status) {
    tries++;
    byExpectation.merge(deposit.expectation(), 1, Integer::sum);
    byStatus.merge(status, 1, Integer::sum);
    for (Mutation m : deposit.mutations()) {
      byKind.merge(m.kind(), 1, Integer::sum);
    }
  }

  private static long rows() throws Exception {
    try (Statement s = metadata.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM eden_artifacts")) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Every regular file under the blob directory: committed blobs and any temp file left behind. */
  private static long blobFiles() throws IOException {
    if (!Files.exists(blobs)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(blobs)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  /** One answer read off the wire: status (-1 if none), headers (lower-case names), body. */
  record Answer(int status, Map<String, String> headers, String body, String sent) {
    String header(String name) {
      return headers.get(name);
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + body + "\n  for request: " + sent;
    }
  }

  /**
   * Sends {@code request} on a new connection and reads the answer to its end (every request says
   * {@code Connection: close}). With {@code halfClose} the client then shuts its side down, so a
   * body shorter than its framing ends instead of stalling until the idle time-out.
   */
  private static Answer send(byte[] request, boolean halfClose) throws IOException {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(server.baseUri.getHost(), server.baseUri.getPort()), 5_000);
      socket.setSoTimeout(20_000);
      try {
        socket.getOutputStream().write(request);
        if (halfClose) {
          socket.shutdownOutput();
        }
      } catch (SocketException refusedEarly) {
        // The server answered and closed before taking every byte (413): read what it said.
      }
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          seen.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException | SocketException endOfAnswer) {
        // a reset after the answer, or no end: judged by what arrived
      }
    }
    return parse(seen.toByteArray(), request);
  }

  private static Answer parse(byte[] bytes, byte[] request) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    String sent = describe(request);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      return new Answer(-1, Map.of(), text, sent);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    String body = new String(bytes, end + 4, bytes.length - end - 4, StandardCharsets.UTF_8);
    return new Answer(Integer.parseInt(lines[0].substring(9, 12)), headers, body, sent);
  }

  /** The request's head and the first bytes of its body, printable. */
  private static String describe(byte[] request) {
    String text = new String(request, 0, Math.min(request.length, 1500), StandardCharsets.ISO_8859_1);
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      out.append(c == '\r' ? "\\r" : c == '\n' ? "\\n" : c < 0x20 || c > 0x7e ? String.format("\\x%02x", (int) c) : c);
    }
    return out + (request.length > 1500 ? "… (" + request.length + " bytes)" : "");
  }

  private static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.forEach(paths::add);
    }
    for (int i = paths.size() - 1; i >= 0; i--) {
      Files.deleteIfExists(paths.get(i));
    }
  }
}
