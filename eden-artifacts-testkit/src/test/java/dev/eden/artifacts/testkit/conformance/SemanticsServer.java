package dev.eden.artifacts.testkit.conformance;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny artifact server on a raw socket, one request per connection, that offers the HTTP
 * semantics of spec §9.7 as a choice of features and can break one rule at a time, so that the
 * kit's HTTP semantics checks are seen to pass, skip and fail for the right reasons. It knows the
 * three bearers of {@link #config()} and nothing else of the contract beyond what the checks use.
 */
final class SemanticsServer implements AutoCloseable {
  static final String EXPERIMENT = "exp_0123456789abcdefghjkmnpqrs";
  static final String ADMIN = "admin:token";
  static final String WORKER = "wkr_0123456789abcdefghjkmnpqrs:one";
  static final String OTHER_WORKER = "wkr_1123456789abcdefghjkmnpqrs:two";

  /** What the server offers. */
  enum Feature { HEAD, VALIDATORS, RANGES, DIGESTS }

  /** One broken rule each. */
  enum Flaw {
    HEAD_WITH_BODY,
    HEAD_WITHOUT_ETAG,
    HEAD_ANSWERS_200_TO_STRANGER,
    WEAK_ETAG,
    ETAG_CHANGES,
    PUBLIC_CACHE_CONTROL,
    NOT_MODIFIED_WITH_BODY,
    NOT_MODIFIED_WITHOUT_ETAG,
    IF_NONE_MATCH_STRONG_ONLY,
    IF_MODIFIED_SINCE_IGNORED,
    IF_MATCH_IGNORED,
    IF_MATCH_WEAK_COMPARISON,
    PRECONDITION_FAILED_AS_TEXT,
    PRECONDITIONS_BEFORE_ACL,
    PRECONDITIONS_BEFORE_LOOKUP,
    RANGE_OFF_BY_ONE,
    RANGE_END_NOT_CLAMPED,
    SUFFIX_FROM_THE_START,
    UNSATISFIABLE_AS_FULL,
    UNSATISFIABLE_WITHOUT_SIZE,
    MALFORMED_RANGE_IS_500,
    IF_RANGE_IGNORED,
    IF_RANGE_NEVER_MATCHES,
    RANGE_BEFORE_AUTHENTICATION,
    DIGEST_OF_THE_SLICE,
    DIGEST_WRONG
  }

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Set<Feature> features;
  private final Set<Flaw> flaws;
  private final ServerSocket socket;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Map<String, Artifact> artifacts = new ConcurrentHashMap<>();

  private record Artifact(byte[] bytes, String owner, Instant created) {}

  private record Request(String method, String target, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  SemanticsServer(Set<Feature> features, Set<Flaw> flaws) throws IOException {
    this.features = features.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(features);
    this.flaws = flaws.isEmpty() ? EnumSet.noneOf(Flaw.class) : EnumSet.copyOf(flaws);
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  /** Every feature, the rules kept. */
  static SemanticsServer complete() throws IOException {
    return new SemanticsServer(EnumSet.allOf(Feature.class), Set.of());
  }

  /** Every feature, one rule broken. */
  static SemanticsServer with(Flaw flaw) throws IOException {
    return new SemanticsServer(EnumSet.allOf(Feature.class), Set.of(flaw));
  }

  ConformanceConfig.Builder config() {
    return ConformanceConfig.builder()
        .baseUrl(java.net.URI.create("http://127.0.0.1:" + socket.getLocalPort()))
        .experimentId(EXPERIMENT).adminBearer(ADMIN).workerBearer(WORKER)
        .otherWorkerBearer(OTHER_WORKER)
        .timeout(java.time.Duration.ofSeconds(10));
  }

  @Override
  public void close() throws IOException {
    socket.close();
    threads.shutdownNow();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        threads.execute(() -> serve(connection));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      InputStream in = new BufferedInputStream(connection.getInputStream());
      Request request = read(in);
      if (request != null) {
        handle(request, connection.getOutputStream());
      }
    } catch (IOException e) {
      // The client went away; nothing to answer.
    }
  }

  private static Request read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b == -1) {
        return null;
      }
      head.write(b);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] requestLine = lines[0].split(" ");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).strip());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Request(requestLine[0], requestLine[1], headers, body);
  }

  // ---- the endpoints ---------------------------------------------------------------------------

  private void handle(Request request, OutputStream out) throws IOException {
    String path = request.target().split("\\?", 2)[0];
    if (!path.equals("/v0/experiments/" + EXPERIMENT + "/artifacts")) {
      problem(out, request, 404, "eden://error/not-found", Map.of());
      return;
    }
    boolean head = request.method().equals("HEAD");
    if (!(request.method().equals("GET") || request.method().equals("POST")
        || head && features.contains(Feature.HEAD))) {
      problem(out, request, 405, "about:blank", Map.of("Allow", "GET, POST"));
      return;
    }
    if (!EXPERIMENT.equals(request.header("X-Eden-Experiment-Id"))) {
      problem(out, request, 400, "eden://error/experiment-id-mismatch", Map.of());
      return;
    }
    String authorization = request.header("Authorization");
    String principal = authorization == null ? null : principal(authorization);
    if (principal == null && !(flaws.contains(Flaw.RANGE_BEFORE_AUTHENTICATION)
        && request.header("Range") != null)) {
      problem(out, request, 401, "eden://error/unauthorized", Map.of());
      return;
    }
    if (request.method().equals("POST")) {
      deposit(request, principal, out);
    } else {
      fetch(request, principal, out);
    }
  }

  private static String principal(String authorization) {
    for (String credential : List.of(ADMIN, WORKER, OTHER_WORKER)) {
      if (authorization.equals("Bearer " + credential)) {
        return credential.substring(0, credential.indexOf(':'));
      }
    }
    return null;
  }

  private void deposit(Request request, String principal, OutputStream out) throws IOException {
    String body = new String(request.body(), StandardCharsets.ISO_8859_1);
    int start = body.indexOf("\r\n\r\n") + 4;
    int end = body.lastIndexOf("\r\n--" + Multipart.BOUNDARY + "--");
    if (start < 4 || end < start) {
      problem(out, request, 400, "eden://error/bad-request", Map.of());
      return;
    }
    byte[] bytes = Arrays.copyOfRange(request.body(), start, end);
    byte[] idBytes = new byte[16];
    RANDOM.nextBytes(idBytes);
    String uri = "eden://artifacts/" + HexFormat.of().formatHex(idBytes);
    artifacts.put(uri, new Artifact(bytes, principal, Instant.now()));
    String json = "{\"artifacts_uri\":\"" + uri + "\",\"size_bytes\":" + bytes.length
        + ",\"content_type\":\"application/octet-stream\"}";
    answer(out, 201, headers("Content-Type", "application/json"),
        json.getBytes(StandardCharsets.UTF_8), true);
  }

  private void fetch(Request request, String principal, OutputStream out) throws IOException {
    boolean head = request.method().equals("HEAD");
    String query = request.target().contains("?") ? request.target().split("\\?", 2)[1] : "";
    String uri = query.startsWith("uri=")
        ? URLDecoder.decode(query.substring(4), StandardCharsets.UTF_8) : null;
    Artifact artifact = uri == null ? null : artifacts.get(uri);
    Map<String, String> headers = headers();
    if (artifact == null) {
      if (flaws.contains(Flaw.PRECONDITIONS_BEFORE_LOOKUP) && request.header("If-Match") != null) {
        problem(out, request, 412, "about:blank", Map.of());
        return;
      }
      problem(out, request, 404, "eden://error/not-found", Map.of());
      return;
    }
    int size = artifact.bytes().length;
    byte[] sha256 = sha256(artifact.bytes());
    String etag = (flaws.contains(Flaw.WEAK_ETAG) ? "W/" : "") + "\""
        + HexFormat.of().formatHex(sha256) + (flaws.contains(Flaw.ETAG_CHANGES) ? RANDOM.nextInt() : "")
        + "\"";
    Instant modified = artifact.created().truncatedTo(ChronoUnit.SECONDS);
    headers.put("Content-Type", "application/octet-stream");
    headers.put("Content-Disposition", "attachment");
    headers.put("X-Content-Type-Options", "nosniff");
    if (features.contains(Feature.VALIDATORS)) {
      headers.put("ETag", etag);
      headers.put("Last-Modified", IMF_FIXDATE.format(modified));
      headers.put("Cache-Control", flaws.contains(Flaw.PUBLIC_CACHE_CONTROL)
          ? "public, max-age=31536000" : "private, max-age=31536000, immutable");
    }
    if (features.contains(Feature.RANGES)) {
      headers.put("Accept-Ranges", "bytes");
    }
    if (features.contains(Feature.DIGESTS)) {
      byte[] digest = flaws.contains(Flaw.DIGEST_WRONG) ? sha256(new byte[] {1}) : sha256;
      headers.put("Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(digest) + ":");
    }
    // Without a principal only RANGE_BEFORE_AUTHENTICATION gets here, and lets it through.
    boolean refused = principal != null
        && !(artifact.owner().equals(principal) || "admin".equals(principal))
        && !(head && flaws.contains(Flaw.HEAD_ANSWERS_200_TO_STRANGER));
    if (refused && !flaws.contains(Flaw.PRECONDITIONS_BEFORE_ACL)) {
      problem(out, request, 403, "eden://error/forbidden", Map.of());
      return;
    }
    if (features.contains(Feature.VALIDATORS)) {
      Integer status = preconditions(request, etag, modified);
      if (status != null && status == 304) {
        Map<String, String> notModified = headers();
        for (String name : List.of("ETag", "Last-Modified", "Cache-Control", "Repr-Digest")) {
          if (headers.containsKey(name)) {
            notModified.put(name, headers.get(name));
          }
        }
        if (flaws.contains(Flaw.NOT_MODIFIED_WITHOUT_ETAG)) {
          notModified.remove("ETag");
        }
        answer(out, 304, notModified,
            flaws.contains(Flaw.NOT_MODIFIED_WITH_BODY) ? artifact.bytes() : new byte[0], false);
        return;
      }
      if (status != null) {
        if (flaws.contains(Flaw.PRECONDITION_FAILED_AS_TEXT)) {
          answer(out, 412, headers("Content-Type", "text/plain"),
              "precondition failed".getBytes(StandardCharsets.US_ASCII), true);
        } else {
          problem(out, request, 412, "about:blank", Map.of());
        }
        return;
      }
    }
    if (refused) {
      problem(out, request, 403, "eden://error/forbidden", Map.of());
      return;
    }
    String range = request.header("Range");
    if (features.contains(Feature.RANGES) && range != null && !head && ifRangeHolds(request, etag)) {
      if (flaws.contains(Flaw.MALFORMED_RANGE_IS_500) && !RANGE.matcher(range).matches()) {
        problem(out, request, 500, "eden://error/internal", Map.of());
        return;
      }
      long[] slice = slice(range, size);
      if (slice != null && slice.length == 0) {
        if (flaws.contains(Flaw.UNSATISFIABLE_AS_FULL)) {
          answer(out, 200, headers, artifact.bytes(), true);
          return;
        }
        problem(out, request, 416, "about:blank", Map.of("Content-Range",
            flaws.contains(Flaw.UNSATISFIABLE_WITHOUT_SIZE) ? "bytes */*" : "bytes */" + size));
        return;
      }
      if (slice != null) {
        int first = (int) slice[0];
        int last = (int) slice[1];
        headers.remove("Accept-Ranges");
        headers.put("Content-Range", "bytes " + first + "-" + last + "/" + size);
        if (flaws.contains(Flaw.RANGE_END_NOT_CLAMPED)) {
          Matcher m = RANGE.matcher(range);
          if (m.matches() && !m.group(2).isEmpty() && Long.parseLong(m.group(2)) >= size) {
            headers.put("Content-Range", "bytes " + first + "-" + m.group(2) + "/" + size);
          }
        }
        int from = flaws.contains(Flaw.RANGE_OFF_BY_ONE) && first > 0 ? first - 1 : first;
        byte[] bytes = Arrays.copyOfRange(artifact.bytes(), from, from + last - first + 1);
        if (flaws.contains(Flaw.DIGEST_OF_THE_SLICE) && headers.containsKey("Repr-Digest")) {
          headers.put("Repr-Digest",
              "sha-256=:" + Base64.getEncoder().encodeToString(sha256(bytes)) + ":");
        }
        answer(out, 206, headers, bytes, true);
        return;
      }
    }
    if (head) {
      if (flaws.contains(Flaw.HEAD_WITHOUT_ETAG)) {
        headers.remove("ETag");
      }
      headers.put("Content-Length", Integer.toString(size));
      answer(out, 200, headers,
          flaws.contains(Flaw.HEAD_WITH_BODY) ? artifact.bytes() : new byte[0], false);
      return;
    }
    answer(out, 200, headers, artifact.bytes(), true);
  }

  /** 412, 304 or {@code null} to go on, in the order of RFC 9110 §13.2.2. */
  private Integer preconditions(Request request, String etag, Instant modified) {
    String ifMatch = request.header("If-Match");
    if (ifMatch != null && !flaws.contains(Flaw.IF_MATCH_IGNORED)) {
      boolean weak = flaws.contains(Flaw.IF_MATCH_WEAK_COMPARISON);
      if (!ifMatch.equals("*") && !listed(ifMatch, etag, weak)) {
        return 412;
      }
    } else if (request.header("If-Unmodified-Since") != null) {
      Instant since = Instant.from(IMF_FIXDATE.parse(request.header("If-Unmodified-Since")));
      if (modified.isAfter(since)) {
        return 412;
      }
    }
    String ifNoneMatch = request.header("If-None-Match");
    if (ifNoneMatch != null) {
      boolean weak = !flaws.contains(Flaw.IF_NONE_MATCH_STRONG_ONLY);
      if (ifNoneMatch.equals("*") || listed(ifNoneMatch, etag, weak)) {
        return 304;
      }
    } else if (request.header("If-Modified-Since") != null
        && !flaws.contains(Flaw.IF_MODIFIED_SINCE_IGNORED)) {
      Instant since = Instant.from(IMF_FIXDATE.parse(request.header("If-Modified-Since")));
      if (!modified.isAfter(since)) {
        return 304;
      }
    }
    return null;
  }

  private static boolean listed(String list, String etag, boolean weakComparison) {
    for (String candidate : list.split(",")) {
      String tag = candidate.strip();
      if (weakComparison ? opaque(tag).equals(opaque(etag))
          : tag.equals(etag) && !tag.startsWith("W/")) {
        return true;
      }
    }
    return false;
  }

  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }

  private boolean ifRangeHolds(Request request, String etag) {
    String ifRange = request.header("If-Range");
    if (ifRange == null || flaws.contains(Flaw.IF_RANGE_IGNORED)) {
      return true;
    }
    return !flaws.contains(Flaw.IF_RANGE_NEVER_MATCHES)
        && ifRange.equals(etag) && !etag.startsWith("W/");
  }

  /** {first, last}, an empty array when unsatisfiable, or {@code null} to ignore the header. */
  private long[] slice(String range, long size) {
    Matcher m = RANGE.matcher(range);
    if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
      return null;
    }
    if (m.group(1).isEmpty()) {
      long suffix = Long.parseLong(m.group(2));
      if (suffix == 0 || size == 0) {
        return new long[0];
      }
      long length = Math.min(suffix, size);
      return flaws.contains(Flaw.SUFFIX_FROM_THE_START)
          ? new long[] {0, length - 1} : new long[] {size - length, size - 1};
    }
    long first = Long.parseLong(m.group(1));
    long last = m.group(2).isEmpty() ? size - 1 : Long.parseLong(m.group(2));
    if (!m.group(2).isEmpty() && last < first) {
      return null;
    }
    if (first >= size) {
      return new long[0];
    }
    return new long[] {first, Math.min(last, size - 1)};
  }

  // ---- answers --------------------------------------------------------------------------------

  private static Map<String, String> headers(String... pairs) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      headers.put(pairs[i], pairs[i + 1]);
    }
    return headers;
  }

  private void problem(OutputStream out, Request request, int status, String type,
      Map<String, String> extra) throws IOException {
    String json = "{\"type\":\"" + type + "\",\"title\":\"t\",\"status\":" + status + "}";
    Map<String, String> headers = headers("Content-Type", "application/problem+json; charset=utf-8");
    headers.putAll(extra);
    boolean head = request.method().equals("HEAD");
    answer(out, status, headers, head ? new byte[0] : json.getBytes(StandardCharsets.UTF_8), !head);
  }

  private static void answer(OutputStream out, int status, Map<String, String> headers,
      byte[] body, boolean announceLength) throws IOException {
    StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\n");
    List<String> lines = new ArrayList<>();
    headers.forEach((name, value) -> lines.add(name + ": " + value));
    if (announceLength) {
      lines.add("Content-Length: " + body.length);
    }
    lines.add("Connection: close");
    lines.forEach(line -> head.append(line).append("\r\n"));
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
