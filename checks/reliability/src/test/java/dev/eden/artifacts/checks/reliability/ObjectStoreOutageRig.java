package dev.eden.artifacts.checks.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.checks.reliability.ObjectStoreOutageIT.Pause;
import dev.eden.artifacts.checks.reliability.ObjectStoreOutageIT.Tally;
import dev.eden.artifacts.s3.testing.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The runnable server on SQLite metadata and a bucket prefix of a {@link S3TestServer}, reached at
 * {@code s3Endpoint} (the server itself, or a proxy in front of it), with raw HTTP helpers that
 * time each request and never retry: what a request returns is what the server did.
 */
final class ObjectStoreOutageRig implements AutoCloseable {
  static final String ADMIN_TOKEN = "object-store-outage-admin-token";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");
  private static final int CHUNK = 64 * 1024;

  final RunnableServer server;
  private final S3TestServer s3;
  private final String bucket;
  private final String prefix;
  private final String experiment;
  private final String bearer;
  private final OkHttpClient http;
  private final Map<Payload, String> uris = new IdentityHashMap<>(); // every deposit answered 201
  private final List<Payload> acknowledged = new ArrayList<>(); // those the scenarios meant to keep

  private ObjectStoreOutageRig(RunnableServer server, S3TestServer s3, String bucket, String prefix, String bearer) {
    this.server = server;
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.experiment = server.experimentId();
    this.bearer = bearer;
    // longer than every bound of the server, so that the server's bounds are what is measured
    this.http = new OkHttpClient.Builder()
        .readTimeout(Duration.ofSeconds(90))
        .writeTimeout(Duration.ofSeconds(90))
        .retryOnConnectionFailure(false)
        .build();
  }

  /** Starts the server with {@code --s3-request-timeout} and {@code --s3-read-timeout} of the scenario. */
  static ObjectStoreOutageRig start(Path data, S3TestServer s3, String bucket, String prefix, URI s3Endpoint)
      throws IOException, InterruptedException {
    Map<String, String> environment = new HashMap<>(ObjectStoreOutageIT.awsCredentials());
    environment.put("EDEN_ADMIN_TOKEN", ADMIN_TOKEN);
    RunnableServer server = RunnableServer.start(List.of("-Xmx256m"), environment,
        "--data-dir", data.toString(), "--port", "0", "--access-log", "json",
        "--blob-store", "s3://" + bucket + "/" + prefix, "--s3-endpoint", s3Endpoint.toString(), "--s3-path-style",
        "--s3-request-timeout", ObjectStoreOutageIT.REQUEST_TIMEOUT.toString(),
        "--s3-read-timeout", ObjectStoreOutageIT.READ_TIMEOUT.toString());
    try {
      String bearer = RunnableServer.addWorker(environment, "--data-dir", data.toString());
      return new ObjectStoreOutageRig(server, s3, bucket, prefix + "/", bearer);
    } catch (Exception | Error e) {
      server.kill();
      throw e;
    }
  }

  /** How one request ended; {@code status} -1 when no answer was read (the connection failed). */
  record Outcome(int status, String body, long bytesRead, boolean exact, boolean wrongBytes,
      Duration took, long endedAt, String failure) {}

  // ---- requests --------------------------------------------------------------------------------

  /** A deposit of {@code payload}, streamed, paused at {@code pause} (null: none). */
  Outcome deposit(Payload payload, Pause pause) {
    RequestBody part = new RequestBody() {
      @Override
      public MediaType contentType() {
        return OCTETS;
      }

      @Override
      public long contentLength() {
        return payload.size();
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        boolean paused = pause == null;
        byte[] chunk = new byte[CHUNK];
        try (InputStream in = payload.open()) {
          long at = 0;
          for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
            if (!paused && at >= pause.at()) {
              sink.flush();
              pause.reached();
              paused = true;
            }
            sink.write(chunk, 0, n);
            at += n;
          }
        }
      }
    };
    Request request = v0("").post(new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("file", "payload.bin", part).build()).build();
    long start = System.nanoTime();
    try (Response response = http.newCall(request).execute()) {
      String body = response.body().string();
      long end = System.nanoTime();
      if (response.code() == 201) {
        synchronized (uris) {
          uris.put(payload, JSON.readTree(body).get("artifacts_uri").asText());
        }
      }
      return new Outcome(response.code(), body, 0, false, false, Duration.ofNanos(end - start), end, null);
    } catch (IOException e) {
      long end = System.nanoTime();
      return new Outcome(-1, "", 0, false, false, Duration.ofNanos(end - start), end, e.toString());
    }
  }

  /** A fetch of {@code uri}, compared byte by byte with {@code expected} as both stream, paused at {@code pause}. */
  Outcome fetch(String uri, Payload expected, Pause pause) {
    Request request = v0("?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8)).get().build();
    long start = System.nanoTime();
    int status = -1;
    long read = 0;
    boolean wrong = false;
    try (Response response = http.newCall(request).execute(); InputStream wanted = expected.open()) {
      status = response.code();
      if (status != 200) {
        String body = response.body().string();
        long end = System.nanoTime();
        return new Outcome(status, body, 0, false, false, Duration.ofNanos(end - start), end, null);
      }
      InputStream in = response.body().byteStream();
      byte[] buffer = new byte[CHUNK];
      boolean paused = pause == null;
      int n;
      while ((n = in.read(buffer)) != -1) {
        if (read + n > expected.size() || !Arrays.equals(buffer, 0, n, wanted.readNBytes(n), 0, n)) {
          wrong = true;
          break;
        }
        read += n;
        if (!paused && read >= pause.at()) {
          pause.reached();
          paused = true;
        }
      }
      long end = System.nanoTime();
      return new Outcome(status, "", read, !wrong && read == expected.size(), wrong,
          Duration.ofNanos(end - start), end, null);
    } catch (IOException e) {
      long end = System.nanoTime();
      return new Outcome(status, "", read, false, wrong, Duration.ofNanos(end - start), end, e.toString());
    }
  }

  /** Deposits {@code payload}, which must succeed; returns it. */
  Payload depositExpectingSuccess(Payload payload) {
    Outcome o = deposit(payload, null);
    assertThat(o.status()).as("%s", o).isEqualTo(201);
    acknowledged.add(payload);
    return payload;
  }

  /** How many deposits were answered 201. */
  int acknowledgedCount() {
    return acknowledged.size();
  }

  /**
   * Deposits {@code payload} until it gets its 201, within {@code limit} — each try a new deposit,
   * as a worker would, so a try that failed leaves at most an orphan.
   */
  void awaitFirstDeposit(Payload payload, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      Outcome o = deposit(payload, null);
      if (o.status() == 201) {
        acknowledged.add(payload);
        return;
      }
      assertThat(System.nanoTime()).as("no deposit succeeded within %s after the store was back: %s", limit, o)
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  String uriOf(Payload payload) {
    synchronized (uris) {
      return uris.get(payload);
    }
  }

  int healthz() {
    try (Response response = http.newCall(new Request.Builder()
        .url(server.baseUri.resolve("/healthz").toString()).build()).execute()) {
      return response.code();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The experiment's artifact count, from the admin summary: metadata only. */
  int summaryCount() {
    return admin("/summary").get("artifact_count").asInt();
  }

  // ---- checks ----------------------------------------------------------------------------------

  /**
   * The metadata holds exactly the deposits answered 201, each fetchable byte-exact; every deposit
   * that failed was answered 500 with an incident id (its access line), and none stored a row.
   */
  void checkEveryRowAndNothingElse(Tally tally, String what) throws IOException {
    assertThat(summaryCount()).isEqualTo(acknowledged.size());
    Set<String> listed = new HashSet<>();
    for (JsonNode a : admin("/artifacts?limit=1000").get("artifacts")) {
      listed.add(a.get("artifacts_uri").asText());
    }
    Set<String> ours = new HashSet<>();
    for (Payload payload : acknowledged) {
      ours.add(uriOf(payload));
      Outcome o = fetch(uriOf(payload), payload, null);
      assertThat(o.exact()).as("acknowledged artifact %s: %s", uriOf(payload), o).isTrue();
    }
    assertThat(listed).isEqualTo(ours);

    int created = 0;
    int failed = 0;
    for (String line : server.output().split("\n")) {
      if (!line.startsWith("{\"timestamp\"")) {
        continue;
      }
      JsonNode access = JSON.readTree(line);
      if (!access.get("method").asText().equals("POST")) {
        continue;
      }
      int status = access.get("status").asInt();
      if (status == 201) {
        created++;
      } else {
        assertThat(status).as("a failed deposit: %s", line).isEqualTo(500);
        assertThat(access.path("incident").asText("")).as("its incident: %s", line).isNotBlank();
        failed++;
      }
    }
    int failures = tally.depositFailures.size() + tally.midDepositFailures.size();
    assertThat(created).isEqualTo(acknowledged.size());
    assertThat(failed).as("deposits answered 500 (access log) vs. failed at the client").isGreaterThanOrEqualTo(failures);

    List<S3Object> objects = new ArrayList<>();
    s3.client().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().forEach(objects::add);
    int uploads = s3.client().listMultipartUploads(r -> r.bucket(bucket).prefix(prefix)).uploads().size();
    Campaign.figure(ObjectStoreOutageIT.SCENARIO, what + ": so far " + created + " deposits answered 201 and "
        + failed + " answered 500 with an incident id (access log); rows " + listed.size()
        + ", all byte-exact; objects in the bucket " + objects.size() + " (orphans without a row "
        + (objects.size() - listed.size()) + "), multipart uploads left for the sweep " + uploads);
    // Every row has its object (keys end in the artifact id), whatever else the bucket holds.
    Set<String> objectIds = new HashSet<>();
    for (S3Object object : objects) {
      objectIds.add(object.key().substring(object.key().lastIndexOf('/') + 1));
    }
    for (String uri : listed) {
      assertThat(objectIds).as("the object of %s", uri).contains(uri.substring(uri.lastIndexOf('/') + 1));
    }
  }

  void printSamples() throws IOException, InterruptedException {
    Campaign.figure(ObjectStoreOutageIT.SCENARIO, "server at the end: threads " + server.threads()
        + ", open fds " + server.openFileDescriptors() + ", heap after GC "
        + server.heapAfterGcBytes() / (1024 * 1024) + " MiB");
  }

  // ---- plumbing --------------------------------------------------------------------------------

  private Request.Builder v0(String query) {
    return new Request.Builder()
        .url(server.baseUri.resolve("/v0/experiments/" + experiment + "/artifacts" + query).toString())
        .header("Authorization", "Bearer " + bearer)
        .header("X-Eden-Experiment-Id", experiment);
  }

  private JsonNode admin(String path) {
    Request request = new Request.Builder()
        .url(server.baseUri.resolve("/admin/v1/experiments/" + experiment + path).toString())
        .header("Authorization", "Bearer admin:" + ADMIN_TOKEN)
        .build();
    try (Response response = http.newCall(request).execute()) {
      String body = response.body().string();
      assertThat(response.code()).as(body).isEqualTo(200);
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.kill();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    if (!http.dispatcher().executorService().awaitTermination(5, TimeUnit.SECONDS)) {
      throw new IllegalStateException("HTTP client threads still running");
    }
  }
}
