package dev.eden.artifacts.checks.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Several clients depositing small artifacts (1 B to 32 KiB, bytes from a seed so that they can be
 * made again to compare) as fast as they can, on real sockets with no retry, each attempt recorded
 * with its start, end and answer. Fetches check the bytes of any attempt that got its 201.
 */
final class DepositLoad implements AutoCloseable {
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One deposit: when it began and ended ({@link System#nanoTime()}), the status (-1 for a
   * transport failure), the answer's content type, the artifact URI of a 201 or the problem type
   * of an error, the seed and size of its bytes, and whether it was the {@link #warmUp} deposit.
   */
  record Attempt(long began, long ended, int status, String contentType, String uriOrProblemType,
      long seed, int size, boolean warmUp) {
    Duration took() {
      return Duration.ofNanos(ended - began);
    }

    boolean created() {
      return status == 201;
    }

    /** The artifact id of a 201: the last segment of its URI. */
    String id() {
      return uriOrProblemType.substring(uriOrProblemType.lastIndexOf('/') + 1);
    }
  }

  private final URI base;
  private final String experimentId;
  private final String bearer;
  private final OkHttpClient http;
  private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
  private final List<Thread> clients = new ArrayList<>();
  private volatile boolean stopping;

  DepositLoad(URI base, String experimentId, String bearer) {
    this.base = base;
    this.experimentId = experimentId;
    this.bearer = bearer;
    this.http = new OkHttpClient.Builder()
        .retryOnConnectionFailure(false)
        .readTimeout(Duration.ofSeconds(120))
        .build();
  }

  /**
   * Deposits (unrecorded) until one gets its 201, at most for {@code limit}: the server then knows
   * the worker (a worker enrolled while it runs is looked up on its first request) and has paid the
   * slow hash of its secret once, so the clients' waits are the deposits' own. The 201 is
   * recorded as an attempt.
   */
  DepositLoad warmUp(Duration limit) throws InterruptedException {
    long giveUp = System.nanoTime() + limit.toNanos();
    Attempt last;
    do {
      last = deposit(1, 1);
      if (last.created()) {
        attempts.add(new Attempt(last.began(), last.ended(), last.status(), last.contentType(),
            last.uriOrProblemType(), last.seed(), last.size(), true));
        return this;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < giveUp);
    throw new IllegalStateException("no deposit succeeded within " + limit + "; the last: " + last);
  }

  /** Starts {@code count} clients, each depositing until {@link #stop()}. */
  DepositLoad start(int count) {
    for (int i = 0; i < count; i++) {
      Random random = new Random(0x5eed + i);
      Thread client = new Thread(() -> {
        while (!stopping) {
          attempts.add(deposit(random.nextLong(), random.nextInt(32 * 1024 + 1)));
        }
      }, "deposit-client-" + i);
      client.start();
      clients.add(client);
    }
    return this;
  }

  /** Lets every client finish its deposit in flight, then stops them. */
  void stop() throws InterruptedException {
    stopping = true;
    for (Thread client : clients) {
      client.join(TimeUnit.MINUTES.toMillis(2));
    }
  }

  /** Every attempt so far, in order of their start. */
  List<Attempt> attempts() {
    List<Attempt> all = new ArrayList<>(attempts);
    all.sort(Comparator.comparingLong(Attempt::began));
    return all;
  }

  /**
   * Waits (up to {@code limit}) for the first deposit that began at or after {@code since} and got
   * its 201, and returns when it ended; -1 if none came.
   */
  long firstCreatedAfter(long since, Duration limit) throws InterruptedException {
    long giveUp = System.nanoTime() + limit.toNanos();
    Predicate<Attempt> recovered = a -> a.created() && a.began() >= since;
    while (System.nanoTime() < giveUp) {
      long first = attempts.stream().filter(recovered).mapToLong(Attempt::ended).min().orElse(-1);
      if (first >= 0) {
        return first;
      }
      Thread.sleep(20);
    }
    return -1;
  }

  private Attempt deposit(long seed, int size) {
    long began = System.nanoTime();
    Request request = new Request.Builder()
        .url(base.resolve("/v0/experiments/" + experimentId + "/artifacts").toString())
        .header("X-Eden-Experiment-Id", experimentId)
        .header("Authorization", "Bearer " + bearer)
        .post(new MultipartBody.Builder().setType(MultipartBody.FORM)
            .addFormDataPart("file", "load.bin", RequestBody.create(bytes(seed, size), OCTETS))
            .build())
        .build();
    try (Response response = http.newCall(request).execute()) {
      String body = response.body().string();
      String contentType = response.header("Content-Type", "");
      JsonNode json = JSON.readTree(body);
      String uriOrType = response.code() == 201 ? json.path("artifacts_uri").asText() : json.path("type").asText();
      return new Attempt(began, System.nanoTime(), response.code(), contentType, uriOrType, seed, size, false);
    } catch (IOException e) {
      return new Attempt(began, System.nanoTime(), -1, "", e.toString(), seed, size, false);
    }
  }

  /** The bytes of the artifact with {@code uri}, fetched. */
  byte[] fetch(String uri) throws IOException {
    Request request = new Request.Builder()
        .url(okhttp3.HttpUrl.get(base.resolve("/v0/experiments/" + experimentId + "/artifacts").toString())
            .newBuilder().addQueryParameter("uri", uri).build())
        .header("X-Eden-Experiment-Id", experimentId)
        .header("Authorization", "Bearer " + bearer)
        .build();
    try (Response response = http.newCall(request).execute()) {
      if (response.code() != 200) {
        throw new IOException("fetch of " + uri + " answered " + response.code() + ": " + response.body().string());
      }
      return response.body().bytes();
    }
  }

  /** The bytes an attempt sent. */
  static byte[] bytes(long seed, int size) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
