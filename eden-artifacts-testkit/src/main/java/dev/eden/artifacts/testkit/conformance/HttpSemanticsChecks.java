package dev.eden.artifacts.testkit.conformance;

import static dev.eden.artifacts.testkit.conformance.ConformanceContext.bearer;
import static dev.eden.artifacts.testkit.conformance.ConformanceContext.expect;
import static dev.eden.artifacts.testkit.conformance.ConformanceContext.expectAboutBlank;
import static dev.eden.artifacts.testkit.conformance.ConformanceContext.expectBytes;
import static dev.eden.artifacts.testkit.conformance.ConformanceContext.expectHeader;
import static dev.eden.artifacts.testkit.conformance.ConformanceContext.expectNoHeaders;
import static dev.eden.artifacts.testkit.conformance.ConformanceContext.expectProblem;
import static dev.eden.artifacts.testkit.conformance.ConformanceContext.expectStatus;

import dev.eden.artifacts.ProblemType;
import dev.eden.artifacts.testkit.conformance.ConformanceCheck.Level;
import dev.eden.artifacts.testkit.conformance.ConformanceContext.Deposited;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The optional "HTTP semantics" group (spec §9.7): HEAD, validators and conditional requests
 * (RFC 9110 §13), byte ranges (RFC 9110 §14) and representation digests (RFC 9530) on the fetch
 * path. Every check deposits an artifact, fetches it once as a plain GET, and learns from that
 * answer what the server offers: no {@code ETag} means no validators, no
 * {@code Accept-Ranges: bytes} no ranges, no {@code Repr-Digest} (even when asked for with
 * {@code Want-Repr-Digest}) no digests, and a 405 or 501 to {@code HEAD} no HEAD. A check whose
 * feature is not offered is skipped with that reason; one that is offered must be right.
 */
final class HttpSemanticsChecks {
  /** Not a round number, so that a slice at the end is not aligned with anything. */
  private static final int SIZE = 10_007;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** RFC 9110 §8.8.3: a strong entity tag, an opaque quoted string. */
  private static final Pattern STRONG_ETAG = Pattern.compile("\"[\\x21\\x23-\\x7e\\x80-\\xff]*\"");
  /** RFC 9530 §2: a dictionary member whose value is a byte sequence, parameters allowed. */
  private static final Pattern DIGEST_MEMBER =
      Pattern.compile("([a-z*][a-z0-9_.*-]*)=:([A-Za-z0-9+/]*=*):(;.*)?");
  /** RFC 9110 §5.6.7, the preferred form. */
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);
  /** Headers that describe the message or the connection, not the representation. */
  private static final Set<String> PER_MESSAGE =
      Set.of("date", "connection", "keep-alive", "transfer-encoding", "content-length");
  /**
   * Headers that must never reach a caller who is refused (RFC 9110 §13.2.1): they describe the
   * artifact. ({@code Accept-Ranges} describes the server and may come with any answer.)
   */
  private static final String[] REPRESENTATION_HEADERS =
      {"ETag", "Last-Modified", "Content-Range", "Repr-Digest"};
  private static final String WANT_SHA_256 = "sha-256=10";

  private final ConformanceContext ctx;
  private final List<ConformanceCheck> checks = new ArrayList<>();

  private HttpSemanticsChecks(ConformanceContext ctx) {
    this.ctx = ctx;
  }

  static List<ConformanceCheck> all(ConformanceContext ctx) {
    HttpSemanticsChecks h = new HttpSemanticsChecks(ctx);
    h.head();
    h.validators();
    h.ranges();
    h.digests();
    return List.copyOf(h.checks);
  }

  // ---- HEAD -----------------------------------------------------------------------------------

  private void head() {
    check("head-mirrors-get-headers-without-body",
        "RFC 9110 §9.3.2: HEAD answers with the status and headers of GET and no body",
        c -> {
          Served s = serve(c, "head");
          WireResponse head = headOrSkip(c, bearer(worker()), s.uri());
          expectStatus(head, 200);
          expectNoBody(head);
          head.header("Content-Length").ifPresent(length -> expect(
              length.equals(Integer.toString(SIZE)),
              "HEAD announces Content-Length " + length + ", GET sends " + SIZE + " bytes"));
          Map<String, List<String>> get = representationHeaders(s.full());
          Map<String, List<String>> onHead = representationHeaders(head);
          for (String name : union(get.keySet(), onHead.keySet())) {
            expect(get.containsKey(name) && get.get(name).equals(onHead.get(name)),
                "header " + name + " differs between GET " + orNone(get.get(name)) + " and HEAD "
                    + orNone(onHead.get(name)));
          }
        });
    check("head-is-refused-like-get",
        "RFC 9110 §9.3.2: HEAD by a stranger is 403, without a bearer 401, of an unknown URI 404, never with a body",
        c -> {
          Served s = serve(c, "head refused");
          headOrSkip(c, bearer(worker()), s.uri());
          expectRefusedHead(c.rawFetch("HEAD", bearer(otherWorker()), s.uri()), 403);
          expectRefusedHead(c.rawFetch("HEAD", null, s.uri()), 401);
          expectRefusedHead(c.rawFetch("HEAD", bearer(worker()), unknownUri()), 404);
        });
  }

  private WireResponse headOrSkip(ConformanceContext c, String authorization, String uri)
      throws Exception {
    WireResponse head = c.rawFetch("HEAD", authorization, uri);
    if (head.status() == 405 || head.status() == 501) {
      throw new FeatureNotOffered(
          "the server does not offer HEAD on the artifacts path (it answered " + head.status() + ")");
    }
    return head;
  }

  private static void expectRefusedHead(WireResponse head, int status) {
    expectStatus(head, status);
    expectNoBody(head);
    expectNoHeaders(head, REPRESENTATION_HEADERS);
  }

  // ---- validators and preconditions -----------------------------------------------------------

  private void validators() {
    check("etag-is-strong-and-stable",
        "RFC 9110 §8.8.3: the ETag is strong, and the same on every fetch by anyone allowed",
        c -> {
          Served s = serve(c, "etag");
          String etag = etagOrSkip(s);
          expect(STRONG_ETAG.matcher(etag).matches(),
              "ETag " + etag + " is not a strong entity tag (a quoted string without W/)");
          expectHeader(c.fetch(worker(), s.uri()), "ETag", etag);
          expectHeader(c.fetch(admin(), s.uri()), "ETag", etag);
        });
    check("etag-comes-with-last-modified-and-private-cache-control",
        "RFC 9110 §8.8.2, RFC 9111 §5.2.2.7: a validated answer has an HTTP-date Last-Modified and Cache-Control private",
        c -> {
          Served s = serve(c, "cache headers");
          etagOrSkip(s);
          String lastModified = s.full().header("Last-Modified").orElse(null);
          expect(lastModified != null, "the 200 with an ETag carries no Last-Modified");
          httpDate(lastModified);
          String cacheControl = s.full().header("Cache-Control").orElse("");
          expect(directives(cacheControl).contains("private"),
              "expected Cache-Control with private (the answer depends on the bearer), got "
                  + orNone(cacheControl));
        });
    check("if-none-match-with-the-etag-is-304-without-body",
        "RFC 9110 §13.1.2: If-None-Match naming the ETag (or *, or W/ of it) is 304 with no body and the 200's validators",
        c -> {
          Served s = serve(c, "if-none-match");
          String etag = etagOrSkip(s);
          for (String condition : List.of(etag, "\"other\", " + etag, "W/" + etag, "*")) {
            WireResponse r = c.rawFetch("GET", bearer(worker()), s.uri(), "If-None-Match", condition);
            expect(r.status() == 304, "If-None-Match: " + condition + " answered " + r.status()
                + ", expected 304");
            expectNoBody(r);
            expectHeader(r, "ETag", etag);
            for (String name : List.of("Cache-Control", "Last-Modified")) {
              Optional<String> on200 = s.full().header(name);
              if (on200.isPresent()) {
                expectHeader(r, name, on200.get());
              }
            }
          }
          expectBytes(c.fetchWith(bearer(worker()), s.uri(), "If-None-Match", "\"other\""),
              s.content());
        });
    check("if-modified-since-last-modified-is-304",
        "RFC 9110 §13.1.3: If-Modified-Since not earlier than Last-Modified is 304; earlier, or beside If-None-Match, is 200",
        c -> {
          Served s = serve(c, "if-modified-since");
          String lastModified = s.full().header("Last-Modified").orElseThrow(() ->
              new FeatureNotOffered("the 200 fetch answer carries no Last-Modified"));
          ZonedDateTime modified = httpDate(lastModified);
          WireResponse same = c.rawFetch("GET", bearer(worker()), s.uri(),
              "If-Modified-Since", lastModified);
          expect(same.status() == 304,
              "If-Modified-Since: " + lastModified + " (the Last-Modified) answered " + same.status());
          expectNoBody(same);
          String dayBefore = IMF_FIXDATE.format(modified.minusDays(1));
          expectBytes(c.fetchWith(bearer(worker()), s.uri(), "If-Modified-Since", dayBefore),
              s.content());
          expectBytes(c.fetchWith(bearer(worker()), s.uri(),
              "If-None-Match", "\"other\"", "If-Modified-Since", lastModified), s.content());
        });
    check("if-match-mismatch-is-412-about-blank",
        "RFC 9110 §13.1.1: If-Match compares strongly; no match is 412 with an about:blank problem, and it is evaluated before If-None-Match",
        c -> {
          Served s = serve(c, "if-match");
          String etag = etagOrSkip(s);
          String other = "\"" + "0".repeat(64) + "\"";
          expect412(c.fetchWith(bearer(worker()), s.uri(), "If-Match", other), "If-Match: " + other);
          expect412(c.fetchWith(bearer(worker()), s.uri(), "If-Match", "W/" + etag),
              "If-Match: W/" + etag + " (a weak tag never matches strongly)");
          expect412(c.fetchWith(bearer(worker()), s.uri(), "If-Match", other, "If-None-Match", etag),
              "If-Match: " + other + " with If-None-Match: " + etag);
          expectBytes(c.fetchWith(bearer(worker()), s.uri(), "If-Match", etag), s.content());
          expectBytes(c.fetchWith(bearer(worker()), s.uri(), "If-Match", other + ", " + etag),
              s.content());
          expectBytes(c.fetchWith(bearer(worker()), s.uri(), "If-Match", "*"), s.content());
        });
    check("stranger-with-matching-if-none-match-is-still-forbidden",
        "RFC 9110 §13.2.1: preconditions are evaluated only for a caller who would get the 200: a stranger gets 403, no bearer 401, never 304 or validators",
        c -> {
          Served s = serve(c, "stranger");
          String etag = etagOrSkip(s);
          for (String condition : List.of(etag, "*")) {
            WireResponse stranger = c.fetchWith(bearer(otherWorker()), s.uri(),
                "If-None-Match", condition);
            expectProblem(stranger, ProblemType.FORBIDDEN);
            expectNoHeaders(stranger, REPRESENTATION_HEADERS);
          }
          WireResponse anonymous = c.fetchWith(null, s.uri(), "If-None-Match", etag);
          expectProblem(anonymous, ProblemType.UNAUTHORIZED);
          expectNoHeaders(anonymous, REPRESENTATION_HEADERS);
        });
    check("unknown-uri-with-preconditions-is-still-not-found",
        "RFC 9110 §13.2.1: If-Match or If-None-Match never turn the 404 of an unknown URI into 412 or 304",
        c -> {
          etagOrSkip(serve(c, "unknown"));
          String unknown = unknownUri();
          for (String[] condition : List.of(
              new String[] {"If-Match", "\"" + "0".repeat(64) + "\""},
              new String[] {"If-Match", "*"},
              new String[] {"If-None-Match", "*"})) {
            WireResponse r = c.fetchWith(bearer(worker()), unknown, condition[0], condition[1]);
            expect(r.status() == 404,
                condition[0] + ": " + condition[1] + " on an unknown URI answered " + r.status()
                    + ", expected 404");
            expectProblem(r, ProblemType.NOT_FOUND);
          }
        });
  }

  private static void expect412(WireResponse r, String what) {
    expect(r.status() == 412, what + " answered " + r.status() + ", expected 412");
    expectAboutBlank(r, 412);
    expectNoHeaders(r, "Content-Range");
  }

  // ---- ranges ---------------------------------------------------------------------------------

  private void ranges() {
    check("range-slices-are-byte-exact",
        "RFC 9110 §14.2: a single byte range at the start, middle or end is 206 with exactly those bytes, Content-Range and Content-Length",
        c -> {
          Served s = serve(c, "slices");
          rangesOrSkip(s);
          int middle = SIZE / 2;
          expectSlice(c, s, "bytes=0-99", 0, 99);
          expectSlice(c, s, "bytes=" + middle + "-" + (middle + 999), middle, middle + 999);
          expectSlice(c, s, "bytes=" + (SIZE - 100) + "-" + (SIZE - 1), SIZE - 100, SIZE - 1);
          expectSlice(c, s, "bytes=" + (SIZE - 10) + "-" + (SIZE + 1000), SIZE - 10, SIZE - 1);
          expectSlice(c, s, "bytes=7-7", 7, 7);
        });
    check("suffix-and-open-ended-ranges-are-byte-exact",
        "RFC 9110 §14.1.2: bytes=-N is the last N bytes (all of them if N exceeds the size), bytes=N- runs to the end",
        c -> {
          Served s = serve(c, "suffix");
          rangesOrSkip(s);
          expectSlice(c, s, "bytes=-100", SIZE - 100, SIZE - 1);
          expectSlice(c, s, "bytes=-1", SIZE - 1, SIZE - 1);
          expectSlice(c, s, "bytes=-" + (SIZE + 50), 0, SIZE - 1);
          expectSlice(c, s, "bytes=" + (SIZE - 10) + "-", SIZE - 10, SIZE - 1);
          expectSlice(c, s, "bytes=0-", 0, SIZE - 1);
        });
    check("range-from-the-size-is-416",
        "RFC 9110 §15.5.17: a range starting at or after the end is 416 with Content-Range: bytes */size and an about:blank problem",
        c -> {
          Served s = serve(c, "unsatisfiable");
          rangesOrSkip(s);
          for (String range : List.of("bytes=" + SIZE + "-", "bytes=" + (SIZE + 100) + "-" + (SIZE + 200))) {
            WireResponse r = c.fetchWith(bearer(worker()), s.uri(), "Range", range);
            expect(r.status() == 416, "Range: " + range + " of " + SIZE + " bytes answered "
                + r.status() + ", expected 416");
            expectHeader(r, "Content-Range", "bytes */" + SIZE);
            expectAboutBlank(r, 416);
          }
          Deposited empty = c.deposit(worker(), "empty.bin", "application/octet-stream", new byte[0]);
          WireResponse r = c.fetchWith(bearer(worker()), empty.uri(), "Range", "bytes=0-");
          if (r.status() == 416) {
            expectHeader(r, "Content-Range", "bytes */0");
            expectAboutBlank(r, 416);
          } else {
            expect(r.status() == 200, "Range: bytes=0- of a zero-byte artifact answered "
                + r.status() + ", expected 416 or the full 200");
            expectBytes(r, new byte[0]);
          }
        });
    check("malformed-range-is-ignored-or-416",
        "RFC 9110 §14.2: a Range that is not a valid bytes range is ignored (the full 200) or 416, never a slice or an error",
        c -> {
          Served s = serve(c, "malformed range");
          rangesOrSkip(s);
          for (String range : List.of("bytes=abc", "bytes=5-1", "bytes=--1", "bytes 0-9",
              "items=0-9", "bytes=0-9;x", "bytes=1-2-3")) {
            WireResponse r = c.fetchWith(bearer(worker()), s.uri(), "Range", range);
            if (r.status() == 416) {
              expectAboutBlank(r, 416);
            } else {
              expect(r.status() == 200,
                  "Range: " + range + " answered " + r.status() + ", expected the full 200 or 416");
              expectBytes(r, s.content());
            }
          }
        });
    check("if-range-with-the-etag-is-206",
        "RFC 9110 §13.1.5: If-Range with the current strong ETag lets the range through (206)",
        c -> {
          Served s = serve(c, "if-range match");
          rangesOrSkip(s);
          String etag = strongEtagOrSkip(s);
          WireResponse r = c.fetchWith(bearer(worker()), s.uri(),
              "Range", "bytes=100-199", "If-Range", etag);
          expectSlice(r, s, "bytes=100-199 with If-Range: " + etag, 100, 199);
        });
    check("if-range-with-another-etag-is-the-full-200",
        "RFC 9110 §13.1.5: If-Range with another ETag, or the weak form of ours, gets the whole artifact (200)",
        c -> {
          Served s = serve(c, "if-range mismatch");
          rangesOrSkip(s);
          String etag = strongEtagOrSkip(s);
          for (String condition : List.of("\"" + "0".repeat(64) + "\"", "W/" + etag)) {
            WireResponse r = c.fetchWith(bearer(worker()), s.uri(),
                "Range", "bytes=100-199", "If-Range", condition);
            expect(r.status() == 200, "Range with If-Range: " + condition + " answered "
                + r.status() + ", expected the full 200");
            expectBytes(r, s.content());
            expectNoHeaders(r, "Content-Range");
          }
        });
    check("unauthenticated-range-request-is-unauthorized",
        "RFC 9110 §13.2.1: a Range without a bearer is 401 and from a stranger 403, never a 206",
        c -> {
          Served s = serve(c, "range refused");
          rangesOrSkip(s);
          WireResponse anonymous = c.fetchWith(null, s.uri(), "Range", "bytes=0-9");
          expectProblem(anonymous, ProblemType.UNAUTHORIZED);
          expectNoHeaders(anonymous, REPRESENTATION_HEADERS);
          WireResponse stranger = c.fetchWith(bearer(otherWorker()), s.uri(), "Range", "bytes=0-9");
          expectProblem(stranger, ProblemType.FORBIDDEN);
          expectNoHeaders(stranger, REPRESENTATION_HEADERS);
        });
  }

  private void expectSlice(ConformanceContext c, Served s, String range, int first, int last)
      throws Exception {
    WireResponse r = c.fetchWith(bearer(worker()), s.uri(), "Range", range);
    expectSlice(r, s, range, first, last);
  }

  private static void expectSlice(WireResponse r, Served s, String what, int first, int last) {
    expect(r.status() == 206, "Range: " + what + " of " + SIZE + " bytes answered " + r.status()
        + ", expected 206");
    expectHeader(r, "Content-Range", "bytes " + first + "-" + last + "/" + SIZE);
    r.header("Content-Length").ifPresent(length -> expect(
        length.equals(Integer.toString(last - first + 1)),
        "Range: " + what + " answered Content-Length " + length + " for " + (last - first + 1)
            + " bytes"));
    byte[] expected = Arrays.copyOfRange(s.content(), first, last + 1);
    byte[] actual = r.body();
    expect(Arrays.equals(actual, expected),
        "Range: " + what + " answered " + actual.length + " bytes that are not bytes " + first
            + "-" + last + " of the artifact");
    for (String name : List.of("ETag", "Cache-Control")) {
      Optional<String> on200 = s.full().header(name);
      if (on200.isPresent()) {
        expectHeader(r, name, on200.get());
      }
    }
  }

  // ---- digests --------------------------------------------------------------------------------

  private void digests() {
    check("repr-digest-is-the-sha-256-of-the-fetched-bytes",
        "RFC 9530 §3: asked with Want-Repr-Digest, a 200's Repr-Digest is the digest of the bytes it carries",
        c -> {
          Served s = serve(c, "digest");
          WireResponse r = c.fetchWith(bearer(worker()), s.uri(), "Want-Repr-Digest", WANT_SHA_256);
          expectBytes(r, s.content());
          expectDigestOfWhole(r, s);
        });
    check("repr-digest-of-a-range-is-the-whole-artifacts",
        "RFC 9530 §3: a 206's Repr-Digest is the digest of the whole artifact, not of the slice",
        c -> {
          Served s = serve(c, "range digest");
          rangesOrSkip(s);
          digestOrSkip(c.fetchWith(bearer(worker()), s.uri(), "Want-Repr-Digest", WANT_SHA_256));
          WireResponse r = c.fetchWith(bearer(worker()), s.uri(),
              "Range", "bytes=10-109", "Want-Repr-Digest", WANT_SHA_256);
          expectSlice(r, s, "bytes=10-109", 10, 109);
          expect(r.header("Repr-Digest").isPresent(),
              "the 206 carries no Repr-Digest although the 200 does");
          expectDigestOfWhole(r, s);
        });
  }

  private static Map<String, byte[]> digestOrSkip(WireResponse r) {
    String field = r.header("Repr-Digest").orElseThrow(() -> new FeatureNotOffered(
        "the 200 fetch answer carries no Repr-Digest, even with Want-Repr-Digest: " + WANT_SHA_256));
    return digestMembers(field);
  }

  private static void expectDigestOfWhole(WireResponse r, Served s) {
    Map<String, byte[]> members = digestOrSkip(r);
    boolean checked = false;
    for (Map.Entry<String, String> algorithm :
        Map.of("sha-256", "SHA-256", "sha-512", "SHA-512").entrySet()) {
      byte[] sent = members.get(algorithm.getKey());
      if (sent == null) {
        continue;
      }
      byte[] actual = digest(algorithm.getValue(), s.content());
      expect(Arrays.equals(sent, actual),
          "Repr-Digest " + algorithm.getKey() + " on " + r.describe() + " is "
              + HexFormat.of().formatHex(sent) + ", the artifact's is "
              + HexFormat.of().formatHex(actual));
      checked = true;
    }
    if (!checked) {
      throw new FeatureNotOffered("Repr-Digest names no algorithm the kit checks (sha-256, "
          + "sha-512): " + members.keySet());
    }
  }

  /** The members of a Repr-Digest dictionary, algorithm to digest bytes. */
  static Map<String, byte[]> digestMembers(String field) {
    Map<String, byte[]> members = new LinkedHashMap<>();
    for (String member : field.split(",")) {
      Matcher m = DIGEST_MEMBER.matcher(member.strip());
      expect(m.matches(), "Repr-Digest member " + member.strip()
          + " is not algorithm=:base64: (RFC 9530 §2): " + field);
      try {
        members.put(m.group(1), Base64.getDecoder().decode(m.group(2)));
      } catch (IllegalArgumentException e) {
        throw new ConformanceFailure("Repr-Digest member " + member.strip() + " is not base64");
      }
    }
    return members;
  }

  // ---- features ---------------------------------------------------------------------------------

  /** A fresh artifact of {@link #SIZE} random bytes and its plain 200 by the depositor. */
  private record Served(String uri, byte[] content, WireResponse full) {}

  private Served serve(ConformanceContext c, String label) throws Exception {
    byte[] content = new byte[SIZE];
    RANDOM.nextBytes(content);
    Deposited d = c.deposit(worker(), label.replace(' ', '-') + ".bin",
        "application/octet-stream", content);
    WireResponse full = c.fetch(worker(), d.uri());
    expectBytes(full, content);
    return new Served(d.uri(), content, full);
  }

  private static String etagOrSkip(Served s) {
    return s.full().header("ETag").orElseThrow(() -> new FeatureNotOffered(
        "the 200 fetch answer carries no ETag: the server offers no validators"));
  }

  private static String strongEtagOrSkip(Served s) {
    String etag = etagOrSkip(s);
    if (etag.startsWith("W/")) {
      throw new FeatureNotOffered("the ETag " + etag + " is weak, and If-Range needs a strong one");
    }
    return etag;
  }

  private static void rangesOrSkip(Served s) {
    String accept = s.full().header("Accept-Ranges").orElse("");
    if (!directives(accept).contains("bytes")) {
      throw new FeatureNotOffered("the 200 fetch answer does not say Accept-Ranges: bytes (it says "
          + orNone(accept) + "): the server offers no byte ranges");
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  private void check(String id, String description, ConformanceCheck.Body body) {
    checks.add(new ConformanceCheck(
        id, Level.HTTP_SEMANTICS, description, config -> Optional.empty(), body, ctx));
  }

  private String worker() {
    return ctx.config().workerBearer();
  }

  private String otherWorker() {
    return ctx.config().otherWorkerBearer();
  }

  private String admin() {
    return ctx.config().adminBearer();
  }

  private static String unknownUri() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return "eden://artifacts/" + HexFormat.of().formatHex(id);
  }

  private static void expectNoBody(WireResponse r) {
    int extra = r.body().length;
    expect(extra == 0, r.describe() + " must have no body, but " + extra
        + " bytes followed its header block: " + r.excerpt());
  }

  /** The headers that must be equal on GET and HEAD, lowercased names. */
  private static Map<String, List<String>> representationHeaders(WireResponse r) {
    Map<String, List<String>> headers = new TreeMap<>();
    r.headers().forEach((name, values) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!lower.startsWith(":") && !PER_MESSAGE.contains(lower)) {
        headers.computeIfAbsent(lower, k -> new ArrayList<>()).addAll(values);
      }
    });
    return headers;
  }

  private static List<String> union(Set<String> a, Set<String> b) {
    TreeMap<String, Boolean> all = new TreeMap<>();
    a.forEach(k -> all.put(k, true));
    b.forEach(k -> all.put(k, true));
    return List.copyOf(all.keySet());
  }

  /** The comma-separated tokens of a header, lowercased, without parameters or arguments. */
  private static Set<String> directives(String header) {
    Set<String> tokens = new java.util.HashSet<>();
    for (String part : header.split(",")) {
      String token = part.strip();
      int end = 0;
      while (end < token.length() && token.charAt(end) != '=' && token.charAt(end) != ';') {
        end++;
      }
      tokens.add(token.substring(0, end).strip().toLowerCase(Locale.ROOT));
    }
    return tokens;
  }

  private static ZonedDateTime httpDate(String value) {
    try {
      return ZonedDateTime.parse(value, IMF_FIXDATE);
    } catch (DateTimeParseException e) {
      throw new ConformanceFailure(
          "Last-Modified " + value + " is not an IMF-fixdate (RFC 9110 §5.6.7)", e);
    }
  }

  private static byte[] digest(String algorithm, byte[] content) {
    try {
      return MessageDigest.getInstance(algorithm).digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has " + algorithm, e);
    }
  }

  private static String orNone(Object value) {
    return value == null || value.toString().isEmpty() ? "(none)" : value.toString();
  }
}
