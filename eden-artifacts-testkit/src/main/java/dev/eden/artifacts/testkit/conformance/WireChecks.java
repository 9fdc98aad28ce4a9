package dev.eden.artifacts.testkit.conformance;

import static dev.eden.artifacts.testkit.conformance.ConformanceContext.bearer;
import static dev.eden.artifacts.testkit.conformance.ConformanceContext.expect;
import static dev.eden.artifacts.testkit.conformance.ConformanceContext.expectBytes;
import static dev.eden.artifacts.testkit.conformance.ConformanceContext.expectDeposited;
import static dev.eden.artifacts.testkit.conformance.ConformanceContext.expectHeader;
import static dev.eden.artifacts.testkit.conformance.ConformanceContext.expectProblem;
import static dev.eden.artifacts.testkit.conformance.ConformanceContext.expectProblemType;
import static dev.eden.artifacts.testkit.conformance.ConformanceContext.expectStatus;
import static dev.eden.artifacts.testkit.conformance.ConformanceContext.mediaType;

import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.ProblemType;
import dev.eden.artifacts.testkit.conformance.ConformanceCheck.Level;
import dev.eden.artifacts.testkit.conformance.ConformanceContext.Deposited;
import dev.eden.artifacts.testkit.conformance.ConformanceContext.Digest;
import dev.eden.artifacts.testkit.conformance.ConformanceContext.StreamedBody;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The checks, in report order. Each makes its own deposits so that it can run alone. */
final class WireChecks {
  private static final Pattern RFC3986_URI = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:\\S+$");
  private static final Pattern TRAILING_HEX_ID = Pattern.compile("^(.*?)([0-9a-f]{32})$");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ConformanceContext ctx;
  private final List<ConformanceCheck> checks = new ArrayList<>();

  private WireChecks(ConformanceContext ctx) {
    this.ctx = ctx;
  }

  static List<ConformanceCheck> all(ConformanceContext ctx) {
    WireChecks w = new WireChecks(ctx);
    w.portable();
    w.strictDeposit();
    w.strictDelivery();
    w.strictBadBodies();
    w.strictFetchUris();
    w.strictAuthentication();
    w.strictScoping();
    w.optional();
    return List.copyOf(w.checks);
  }

  // ---- the six "Artifact transfer" scenarios --------------------------------------------------

  private void portable() {
    portable("deposit-answers-201-with-uri-size-and-type",
        "§16.1: a deposit answers 201 with an RFC 3986 URI, the size and the content type sent",
        c -> {
          byte[] content = sample("scenario 1");
          Deposited d = c.deposit(worker(), "bundle.tar.gz", "application/gzip", content);
          expect(RFC3986_URI.matcher(d.uri()).matches(), "artifacts_uri is not an RFC 3986 URI: " + d.uri());
          expect(d.sizeBytes() == content.length,
              "size_bytes " + d.sizeBytes() + " differs from the " + content.length + " bytes sent");
          expect(d.contentType().equals("application/gzip"),
              "content_type " + d.contentType() + " differs from application/gzip as sent");
        });
    portable("depositor-fetches-exact-bytes-with-safe-headers",
        "§16.2: the depositor gets the exact bytes, the recorded type, attachment and nosniff",
        c -> {
          byte[] content = sample("scenario 2");
          Deposited d = c.deposit(worker(), "plan.txt", "text/markdown", content);
          WireResponse r = c.fetch(worker(), d.uri());
          expectBytes(r, content);
          expectHeader(r, "Content-Type", d.contentType());
          String disposition = r.header("Content-Disposition").orElse("");
          expect(disposition.toLowerCase(Locale.ROOT).startsWith("attachment"),
              "expected Content-Disposition: attachment, got " + orNone(disposition));
          expectHeader(r, "X-Content-Type-Options", "nosniff");
        });
    portable("admin-fetches-exact-bytes",
        "§16.2: the admin may fetch any artifact of the experiment",
        c -> {
          byte[] content = sample("scenario 3");
          Deposited d = c.deposit(worker(), "log.txt", "text/plain", content);
          expectBytes(c.fetch(admin(), d.uri()), content);
        });
    portable("other-worker-is-forbidden",
        "§16.2: a worker that neither deposited the artifact nor is admin-class gets 403",
        c -> {
          Deposited d = c.deposit(worker(), "diff.patch", "text/x-diff", sample("scenario 4"));
          expectProblemType(c.fetch(otherWorker(), d.uri()), ProblemType.FORBIDDEN);
        });
    portable("unknown-uri-is-not-found",
        "§16.2: fetching eden://artifacts/ + 32 zeros answers 404",
        c -> expectProblemType(c.fetch(worker(), "eden://artifacts/" + "0".repeat(32)),
            ProblemType.NOT_FOUND));
    portable("identical-deposits-get-distinct-uris",
        "§16.1: every deposit mints a new URI, even for the same bytes",
        c -> {
          byte[] content = sample("scenario 6");
          Deposited first = c.deposit(worker(), "same.bin", "application/octet-stream", content);
          Deposited second = c.deposit(worker(), "same.bin", "application/octet-stream", content);
          expect(!first.uri().equals(second.uri()),
              "two deposits of the same bytes both got " + first.uri());
        });
  }

  // ---- deposit answers ------------------------------------------------------------------------

  private void strictDeposit() {
    strict("deposit-answer-is-exactly-the-schema",
        "§16.1: 201 as application/json, body valid against deposit-response.schema.json",
        c -> {
          byte[] body = new Multipart().file("a.txt", "text/plain", sample("schema")).build();
          WireResponse r = c.depositRaw(worker(), Multipart.contentType(), body);
          expectStatus(r, 201);
          String type = r.header("Content-Type").orElse("(none)");
          expect(mediaType(type).equals("application/json"),
              "expected Content-Type application/json, got " + type);
          List<String> violations = WireSchema.DEPOSIT_RESPONSE.validate(r.text());
          expect(violations.isEmpty(), "deposit answer breaks the schema: " + violations);
        });
    strict("admin-deposit-is-the-admins-own",
        "§16.1/§16.2: an admin bearer may deposit; the artifact is attributed to admin, so a worker gets 403",
        c -> {
          byte[] content = sample("admin deposit");
          Deposited d = c.deposit(admin(), "admin.txt", "text/plain", content);
          expectBytes(c.fetch(admin(), d.uri()), content);
          expectProblem(c.fetch(worker(), d.uri()), ProblemType.FORBIDDEN);
        });
    strict("zero-byte-artifact-round-trips",
        "§16.1: an empty file part is a valid artifact of size 0",
        c -> {
          Deposited d = c.deposit(worker(), "empty.bin", "application/octet-stream", new byte[0]);
          expect(d.sizeBytes() == 0, "size_bytes of an empty deposit is " + d.sizeBytes());
          expectBytes(c.fetch(worker(), d.uri()), new byte[0]);
        });
    strict("every-byte-value-round-trips",
        "storage §5: a fetch returns exactly the deposited bytes, whatever their values (CR, LF, NUL, a near-delimiter)",
        c -> {
          byte[] content = new byte[1024];
          for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 7);
          }
          // A near-miss of the real delimiter (the boundary minus its last character): a parser
          // that matches prefixes would cut the part short here.
          String nearMiss = Multipart.BOUNDARY.substring(0, Multipart.BOUNDARY.length() - 1);
          byte[] tricky = ("\r\n--" + nearMiss + "\r\n").getBytes(StandardCharsets.US_ASCII);
          System.arraycopy(tricky, 0, content, 100, tricky.length);
          Deposited d = c.deposit(worker(), "bytes.bin", "application/octet-stream", content);
          expect(d.sizeBytes() == content.length, "size_bytes " + d.sizeBytes() + ", sent " + content.length);
          expectBytes(c.fetch(worker(), d.uri()), content);
        });
  }

  // ---- safe delivery --------------------------------------------------------------------------

  private void strictDelivery() {
    echo("text-plain-is-echoed-without-charset", "text/plain");
    echo("content-type-parameters-are-echoed-verbatim", "text/csv; charset=utf-8; header=present");
    strict("part-without-type-is-recorded-as-octet-stream",
        "§16.1: a file part that declares no type is recorded and served as application/octet-stream",
        c -> {
          byte[] content = sample("untyped");
          byte[] body = new Multipart()
              .part("form-data; name=\"file\"; filename=\"untyped\"", null, content).build();
          Deposited d = expectDeposited(c.depositRaw(worker(), Multipart.contentType(), body));
          expect(d.contentType().equals("application/octet-stream"),
              "content_type of an untyped part is " + d.contentType());
          WireResponse r = c.fetch(worker(), d.uri());
          expectBytes(r, content);
          expectHeader(r, "Content-Type", "application/octet-stream");
        });
    strict("html-is-delivered-as-a-safe-attachment",
        "§16.2: an HTML artifact keeps its type but comes with attachment, a quoted filename and nosniff",
        c -> {
          byte[] content = "<script>alert(1)</script>".getBytes(StandardCharsets.US_ASCII);
          Deposited d = c.deposit(worker(), "page one.html", "text/html", content);
          WireResponse r = c.fetch(worker(), d.uri());
          expectBytes(r, content);
          expectHeader(r, "Content-Type", "text/html");
          expectHeader(r, "X-Content-Type-Options", "nosniff");
          String disposition = r.header("Content-Disposition").orElse("");
          expect(disposition.toLowerCase(Locale.ROOT).startsWith("attachment"),
              "expected Content-Disposition: attachment, got " + orNone(disposition));
          expect(disposition.contains("filename=\""),
              "expected an RFC 6266 filename=\"…\" parameter, got " + orNone(disposition));
          expect(disposition.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f),
              "Content-Disposition carries characters outside printable ASCII: " + disposition);
        });
  }

  private void echo(String id, String type) {
    strict(id, "§16.2: the recorded content type " + type + " comes back verbatim",
        c -> {
          byte[] content = sample(type);
          Deposited d = c.deposit(worker(), "data.txt", type, content);
          expect(d.contentType().equals(type), "content_type recorded as " + d.contentType());
          WireResponse r = c.fetch(worker(), d.uri());
          expectBytes(r, content);
          expectHeader(r, "Content-Type", type);
        });
  }

  // ---- bodies that are not exactly one file part ----------------------------------------------

  private void strictBadBodies() {
    byte[] content = "payload".getBytes(StandardCharsets.US_ASCII);
    badBody("deposit-that-is-not-multipart-is-bad-request", "application/json",
        "{\"file\":\"payload\"}".getBytes(StandardCharsets.US_ASCII));
    badBody("deposit-without-boundary-is-bad-request", "multipart/form-data",
        new Multipart().file("a.txt", "text/plain", content).build());
    badBody("truncated-deposit-is-bad-request", Multipart.contentType(),
        new Multipart().file("a.txt", "text/plain", content).buildTruncated());
    badBody("deposit-with-zero-parts-is-bad-request", Multipart.contentType(),
        new Multipart().build());
    badBody("deposit-with-two-file-parts-is-bad-request", Multipart.contentType(),
        new Multipart().file("a.txt", "text/plain", content).file("b.txt", "text/plain", content).build());
    badBody("deposit-with-wrong-part-name-is-bad-request", Multipart.contentType(),
        new Multipart().part("form-data; name=\"upload\"; filename=\"a.txt\"", "text/plain", content).build());
    badBody("deposit-with-extra-plain-field-is-bad-request", Multipart.contentType(),
        new Multipart().file("a.txt", "text/plain", content)
            .part("form-data; name=\"note\"", null, content).build());
    badBody("deposit-with-field-before-file-is-bad-request", Multipart.contentType(),
        new Multipart().part("form-data; name=\"note\"", null, content)
            .file("a.txt", "text/plain", content).build());
    badBody("deposit-part-without-filename-is-bad-request", Multipart.contentType(),
        new Multipart().part("form-data; name=\"file\"", "text/plain", content).build());
    strict("deposit-without-body-is-bad-request",
        "§16.1: an empty multipart body is 400 bad-request",
        c -> expectProblem(c.post(c.experiment(), c.experiment(), bearer(worker()),
            Multipart.contentType(), BodyPublishers.noBody()), ProblemType.BAD_REQUEST));
  }

  private void badBody(String id, String contentType, byte[] body) {
    strict(id, "§16.1: anything but exactly one file part named file is 400 bad-request",
        c -> expectProblem(c.depositRaw(worker(), contentType, body), ProblemType.BAD_REQUEST));
  }

  // ---- fetch URIs -----------------------------------------------------------------------------

  private void strictFetchUris() {
    strict("fetch-without-uri-is-bad-request",
        "§16.2: a fetch without the uri parameter is 400 bad-request",
        c -> expectProblem(c.get(c.experiment(), c.experiment(), bearer(worker()), null),
            ProblemType.BAD_REQUEST));
    strict("fetch-with-empty-uri-is-not-understood",
        "§16.2: an empty uri parameter is 400 bad-request or 404 not-found, never a 5xx",
        c -> {
          WireResponse r = c.get(c.experiment(), c.experiment(), bearer(worker()), "");
          expectProblem(r, r.status() == 400 ? ProblemType.BAD_REQUEST : ProblemType.NOT_FOUND);
        });
    strict("fetch-of-random-unknown-id-is-not-found",
        "§16.2: a well-formed URI that was never issued is 404",
        c -> expectProblem(c.fetch(worker(), "eden://artifacts/" + randomHex()), ProblemType.NOT_FOUND));
    unrecognised("fetch-of-other-scheme-is-not-found", "another scheme",
        issued -> List.of(
            issued.scheme("https"), issued.scheme("file"), "file:///etc/passwd",
            "urn:eden:" + issued.id()));
    unrecognised("fetch-of-uppercase-id-is-not-found", "the id in uppercase",
        issued -> List.of(issued.prefix() + issued.id().toUpperCase(Locale.ROOT)));
    unrecognised("fetch-of-id-of-wrong-length-is-not-found", "an id one character too long or short",
        issued -> List.of(issued.uri() + "0", issued.uri().substring(0, issued.uri().length() - 1)));
    unrecognised("fetch-of-traversal-uri-is-not-found", "path traversal around a real id",
        issued -> List.of(
            issued.prefix() + "../" + issued.id(),
            issued.prefix() + "x/../" + issued.id(),
            issued.uri() + "/..",
            issued.uri() + "/../" + issued.id(),
            issued.prefix() + "%2e%2e%2f" + issued.id(),
            issued.prefix() + "..%2f..%2fetc%2fpasswd",
            "eden://artifacts/../../../../etc/passwd"));
    unrecognised("fetch-of-decorated-uri-is-not-found", "the issued URI with a query, fragment or space",
        issued -> List.of(issued.uri() + "?x=1", issued.uri() + "#x", " " + issued.uri(), issued.uri() + " "));
  }

  /** A URI this server issued, taken apart for variations. */
  private record Issued(String uri, String prefix, String id) {
    String scheme(String scheme) {
      int colon = uri.indexOf(':');
      return scheme + uri.substring(colon);
    }
  }

  private void unrecognised(String id, String what, Function<Issued, List<String>> variants) {
    strict(id, "§16.2: a URI the server did not issue (" + what + ") is 404 not-found",
        c -> {
          Deposited d = c.deposit(worker(), "target.txt", "text/plain", sample(id));
          Matcher m = TRAILING_HEX_ID.matcher(d.uri());
          // Servers with another URI scheme still get variations around a 32-hex id.
          Issued issued = m.matches()
              ? new Issued(d.uri(), m.group(1), m.group(2))
              : new Issued("eden://artifacts/" + randomHex(), "eden://artifacts/", randomHex());
          for (String variant : variants.apply(issued)) {
            WireResponse r = c.fetch(worker(), variant);
            expect(r.status() == 404,
                "fetch of " + quote(variant) + " answered " + r.status() + ", expected 404; body "
                    + r.excerpt());
            expectProblem(r, ProblemType.NOT_FOUND);
          }
        });
  }

  // ---- authentication -------------------------------------------------------------------------

  private void strictAuthentication() {
    strict("deposit-without-bearer-is-unauthorized",
        "§3: a deposit without Authorization is 401",
        c -> expectProblem(c.post(c.experiment(), c.experiment(), null, Multipart.contentType(),
            BodyPublishers.ofByteArray(goodBody())), ProblemType.UNAUTHORIZED));
    strict("fetch-without-bearer-is-unauthorized",
        "§3: a fetch without Authorization is 401, even for an existing artifact",
        c -> {
          Deposited d = c.deposit(worker(), "a.txt", "text/plain", sample("no bearer"));
          expectProblem(c.get(c.experiment(), c.experiment(), null, d.uri()), ProblemType.UNAUTHORIZED);
        });
    strict("wrong-worker-secret-is-unauthorized",
        "§3: a known worker id with a wrong secret is 401, for deposit and fetch",
        c -> {
          Deposited d = c.deposit(worker(), "a.txt", "text/plain", sample("wrong secret"));
          String wrong = principalOf(worker()) + ":" + "not-the-secret";
          expectProblem(c.post(c.experiment(), c.experiment(), bearer(wrong), Multipart.contentType(),
              BodyPublishers.ofByteArray(goodBody())), ProblemType.UNAUTHORIZED);
          expectProblem(c.get(c.experiment(), c.experiment(), bearer(wrong), d.uri()),
              ProblemType.UNAUTHORIZED);
          String appended = worker() + "x";
          expectProblem(c.get(c.experiment(), c.experiment(), bearer(appended), d.uri()),
              ProblemType.UNAUTHORIZED);
        });
    strict("wrong-admin-token-is-unauthorized",
        "§3: admin with a wrong token is 401",
        c -> expectProblem(c.get(c.experiment(), c.experiment(), bearer("admin:not-the-token"),
            "eden://artifacts/" + "0".repeat(32)), ProblemType.UNAUTHORIZED));
    strict("malformed-authorization-is-unauthorized",
        "§3: a non-Bearer scheme, a bearer without ':', an unknown principal or an empty bearer is 401",
        c -> {
          String secret = worker().substring(worker().indexOf(':') + 1);
          List<String> values = List.of(
              "Basic " + java.util.Base64.getEncoder().encodeToString(
                  worker().getBytes(StandardCharsets.UTF_8)),
              "Bearer " + principalOf(worker()),
              "Bearer " + secret,
              "Bearer",
              "Bearer :" + secret,
              "Bearer root:" + secret,
              "Bearer wkr_00000000000000000000000000:" + secret,
              worker());
          for (String value : values) {
            WireResponse r = c.get(c.experiment(), c.experiment(), value,
                "eden://artifacts/" + "0".repeat(32));
            expect(r.status() == 401,
                "Authorization " + redact(value) + " answered " + r.status() + ", expected 401");
            expectProblem(r, ProblemType.UNAUTHORIZED);
          }
        });
  }

  // ---- experiment scoping ---------------------------------------------------------------------

  private void strictScoping() {
    strict("deposit-without-experiment-header-is-mismatch",
        "§3: a deposit without X-Eden-Experiment-Id is 400 experiment-id-mismatch",
        c -> expectProblem(c.post(c.experiment(), null, bearer(worker()), Multipart.contentType(),
            BodyPublishers.ofByteArray(goodBody())), ProblemType.EXPERIMENT_ID_MISMATCH));
    strict("fetch-without-experiment-header-is-mismatch",
        "§3: a fetch without X-Eden-Experiment-Id is 400 experiment-id-mismatch",
        c -> {
          Deposited d = c.deposit(worker(), "a.txt", "text/plain", sample("no header"));
          expectProblem(c.get(c.experiment(), null, bearer(worker()), d.uri()),
              ProblemType.EXPERIMENT_ID_MISMATCH);
        });
    strict("experiment-header-differing-from-path-is-mismatch",
        "§3: a header naming another experiment than the path is 400 experiment-id-mismatch",
        c -> {
          Deposited d = c.deposit(worker(), "a.txt", "text/plain", sample("other header"));
          String other = unservedExperiment();
          expectProblem(c.post(c.experiment(), other, bearer(worker()), Multipart.contentType(),
              BodyPublishers.ofByteArray(goodBody())), ProblemType.EXPERIMENT_ID_MISMATCH);
          expectProblem(c.get(c.experiment(), other, bearer(worker()), d.uri()),
              ProblemType.EXPERIMENT_ID_MISMATCH);
          expectProblem(c.get(other, c.experiment(), bearer(worker()), d.uri()),
              ProblemType.EXPERIMENT_ID_MISMATCH);
          String upper = c.experiment().toUpperCase(Locale.ROOT);
          expectProblem(c.get(c.experiment(), upper, bearer(worker()), d.uri()),
              ProblemType.EXPERIMENT_ID_MISMATCH);
        });
    strict("unserved-experiment-is-mismatch",
        "§3: an experiment the server does not serve is 400 experiment-id-mismatch",
        c -> {
          String other = unservedExperiment();
          expectProblem(c.post(other, other, bearer(worker()), Multipart.contentType(),
              BodyPublishers.ofByteArray(goodBody())), ProblemType.EXPERIMENT_ID_MISMATCH);
          expectProblem(c.get(other, other, bearer(admin()), "eden://artifacts/" + "0".repeat(32)),
              ProblemType.EXPERIMENT_ID_MISMATCH);
        });
  }

  // ---- checks that need optional inputs --------------------------------------------------------

  private void optional() {
    optional("artifact-is-invisible-from-another-experiment",
        "§16.2: an artifact deposited in one experiment is 404 from another served experiment",
        config -> config.otherExperimentId().isPresent() ? Optional.empty()
            : Optional.of("needs a second served experiment (" + input(ConformanceConfig.Input.OTHER_EXPERIMENT_ID) + ")"),
        c -> {
          String other = c.config().otherExperimentId().orElseThrow();
          byte[] content = sample("scoped");
          Deposited d = c.deposit(worker(), "a.txt", "text/plain", content);
          expectProblem(c.get(other, other, bearer(worker()), d.uri()), ProblemType.NOT_FOUND);
          expectProblem(c.get(other, other, bearer(admin()), d.uri()), ProblemType.NOT_FOUND);
          WireResponse there = c.post(other, other, bearer(worker()), Multipart.contentType(),
              BodyPublishers.ofByteArray(new Multipart().file("b.txt", "text/plain", content).build()));
          Deposited e = expectDeposited(there);
          expectProblem(c.fetch(worker(), e.uri()), ProblemType.NOT_FOUND);
          expectBytes(c.get(other, other, bearer(worker()), e.uri()), content);
        });
    optional("admins-group-worker-fetches-any-artifact",
        "§16.2: a worker in the admins group is admin-class and may fetch another worker's artifact",
        config -> config.adminsGroupWorkerBearer().isPresent() ? Optional.empty()
            : Optional.of("needs a worker in the admins group (" + input(ConformanceConfig.Input.ADMINS_GROUP_WORKER_BEARER) + ")"),
        c -> {
          byte[] content = sample("admins group");
          Deposited d = c.deposit(worker(), "a.txt", "text/plain", content);
          expectBytes(c.fetch(c.config().adminsGroupWorkerBearer().orElseThrow(), d.uri()), content);
        });
    optional("deposit-of-exactly-the-cap-is-accepted",
        "§16.1: an artifact of exactly the configured maximum size is accepted and round-trips",
        WireChecks::needsCap,
        c -> {
          long cap = c.config().maxArtifactBytes().orElseThrow();
          Deposited d = expectDeposited(c.depositGenerated(worker(), cap));
          expect(d.sizeBytes() == cap, "size_bytes " + d.sizeBytes() + ", sent " + cap);
          Digest expected = ConformanceContext.digest(ConformanceContext.generated(cap));
          StreamedBody fetched = c.fetchDigest(worker(), d.uri());
          expect(fetched.status() == 200, "fetch of the cap-sized artifact answered " + fetched.status());
          expect(fetched.length() == cap && fetched.sha256().equals(expected.sha256()),
              "fetched " + fetched.length() + " bytes with SHA-256 " + fetched.sha256()
                  + ", deposited " + cap + " bytes with SHA-256 " + expected.sha256());
        });
    optional("deposit-over-the-cap-is-payload-too-large",
        "§16.1: one byte over the configured maximum size is 413 payload-too-large",
        WireChecks::needsCap,
        c -> {
          long cap = c.config().maxArtifactBytes().orElseThrow();
          expectProblem(c.depositGenerated(worker(), cap + 1), ProblemType.PAYLOAD_TOO_LARGE);
        });
  }

  private static Optional<String> needsCap(ConformanceConfig config) {
    return config.maxArtifactBytes().isPresent() ? Optional.empty()
        : Optional.of("needs the server's cap (" + input(ConformanceConfig.Input.MAX_ARTIFACT_BYTES) + ")");
  }

  // ---- helpers --------------------------------------------------------------------------------

  private void portable(String id, String description, ConformanceCheck.Body body) {
    add(id, Level.PORTABLE, description, config -> Optional.empty(), body);
  }

  private void strict(String id, String description, ConformanceCheck.Body body) {
    add(id, Level.STRICT, description, config -> Optional.empty(), body);
  }

  private void optional(String id, String description,
      Function<ConformanceConfig, Optional<String>> missingInput, ConformanceCheck.Body body) {
    add(id, Level.STRICT, description, missingInput, body);
  }

  private void add(String id, Level level, String description,
      Function<ConformanceConfig, Optional<String>> missingInput, ConformanceCheck.Body body) {
    checks.add(new ConformanceCheck(id, level, description, missingInput, body, ctx));
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

  private static String principalOf(String credential) {
    int colon = credential.indexOf(':');
    return colon < 0 ? credential : credential.substring(0, colon);
  }

  private String unservedExperiment() {
    String other;
    do {
      other = ExperimentId.mint().value();
    } while (other.equals(ctx.experiment())
        || ctx.config().otherExperimentId().map(other::equals).orElse(false));
    return other;
  }

  private static byte[] goodBody() {
    return new Multipart().file("a.txt", "text/plain", "x".getBytes(StandardCharsets.US_ASCII)).build();
  }

  /** A small payload unique to the check and the run. */
  private static byte[] sample(String label) {
    return ("eden conformance: " + label + " " + randomHex() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static String randomHex() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String input(ConformanceConfig.Input input) {
    return input.property() + " / " + input.variable();
  }

  private static String orNone(String header) {
    return header.isEmpty() ? "no such header" : header;
  }

  private static String quote(String uri) {
    return "'" + uri + "'";
  }

  /** Authorization values in messages keep the scheme and principal, never a secret. */
  private static String redact(String authorization) {
    int colon = authorization.indexOf(':');
    if (colon >= 0) {
      return "'" + authorization.substring(0, colon + 1) + "…'";
    }
    int space = authorization.indexOf(' ');
    String scheme = space < 0 ? "" : authorization.substring(0, space + 1);
    int rest = authorization.length() - scheme.length();
    return "'" + scheme + "<" + rest + " characters>'";
  }
}
