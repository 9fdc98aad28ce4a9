package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.s3.testing.S3TestServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The shaded {@code target/eden-artifacts-server.jar}, after {@code package}, exactly as an
 * operator runs it: it holds every dependency the embedders do not get (jdbc, the drivers, Jetty,
 * picocli, Logback as the SLF4J provider, Micrometer with its Prometheus registry), enrols a worker,
 * serves it, and a 500's incident id reaches its log.
 */
class RunnableJarIT {
  private static final Path JAR = Path.of("target/eden-artifacts-server.jar");
  private static final Pattern INCIDENT = Pattern.compile("incident ([0-9a-f-]{36})");

  @TempDir Path dir;

  @Test
  void jarHoldsWhatOnlyTheRunnableServerNeeds() throws IOException {
    try (ZipFile jar = new ZipFile(JAR.toFile())) {
      assertThat(List.of(
          "dev/eden/artifacts/jdbc/JdbiArtifactStore.class",
          "org/jdbi/v3/core/Jdbi.class",
          "org/sqlite/JDBC.class",
          "org/postgresql/Driver.class",
          "com/zaxxer/hikari/HikariDataSource.class",
          "org/eclipse/jetty/server/Server.class",
          "picocli/CommandLine.class",
          "ch/qos/logback/classic/spi/LogbackServiceProvider.class",
          "io/micrometer/core/instrument/MeterRegistry.class",
          "io/micrometer/prometheusmetrics/PrometheusMeterRegistry.class",
          "dev/eden/artifacts/s3/S3ArtifactBackend.class",
          "software/amazon/awssdk/services/s3/S3Client.class",
          "META-INF/services/org.slf4j.spi.SLF4JServiceProvider"))
          .allSatisfy(entry -> assertThat(jar.getEntry(entry)).as(entry).isNotNull());
      // Configured in code by the server's main: a logback.xml here would configure whoever loads the jar.
      assertThat(List.of("logback.xml", "logback-test.xml", "org/slf4j/simple/SimpleServiceProvider.class"))
          .allSatisfy(entry -> assertThat(jar.getEntry(entry)).as(entry).isNull());
    }
  }

  @Test
  void jarEnrolsAWorkerServesItAndLogsTheIncidentOfA500() throws Exception {
    Path data = dir.resolve("data");
    String bearer = addWorker(data);
    ExperimentId experiment = ExperimentId.mint();
    OkHttpClient http = new OkHttpClient();
    try (ForkedServer server = ForkedServer.startJar(JAR, "jar-admin-token",
        "--data-dir", data.toString(), "--port", "0", "--experiment-id", experiment.value())) {
      String artifacts = server.baseUri + "/v0/experiments/" + experiment + "/artifacts";
      String uri;
      try (Response r = http.newCall(deposit(artifacts, experiment, bearer)).execute()) {
        String body = r.body().string();
        assertThat(r.code()).as(body).isEqualTo(201);
        uri = ServerFixture.JSON.readTree(body).get("artifacts_uri").asText();
      }
      try (Response r = http.newCall(new Request.Builder()
          .url(artifacts + "?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8))
          .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
          .header("Authorization", "Bearer " + bearer).build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string()).isEqualTo("# plan\n");
      }

      // A blob directory that is no longer a directory: the next deposit fails inside the server.
      Path blobs = ForkedServer.blobRoot(data);
      Files.move(blobs, data.resolve("blobs.moved"));
      Files.writeString(blobs, "not a directory");
      String incident;
      try (Response r = http.newCall(deposit(artifacts, experiment, bearer)).execute()) {
        String body = r.body().string();
        assertThat(r.code()).as(body).isEqualTo(500);
        Matcher m = INCIDENT.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        incident = m.group(1);
      }
      String line = "ERROR dev.eden.artifacts.server.ArtifactHandler - POST /v0/experiments/"
          + experiment + "/artifacts: internal error (incident " + incident + ")";
      // The log line is written before the answer goes out; the copy of the output may lag a little,
      // its stack trace a little more.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!(server.output().contains(line) && server.output().contains("java.nio.file."))
          && System.nanoTime() - deadline < 0) {
        Thread.sleep(50);
      }
      assertThat(server.output()).contains(line).contains("java.nio.file.");
      assertThat(server.terminate(30)).as("exit status after SIGTERM").isIn(0, 143);
    }
  }

  @Test
  void jarAnswersEveryMalformedHeadWithAProblemWhateverTheMethod() throws Exception {
    // The embedded server's matrix is MalformedHeadForEveryMethodTest; this is the jar as operators run it.
    List<String> malformations = List.of("NoColonHere\r\n", "Content-Length: abc\r\n", "Transfer-Encoding: bogus\r\n",
        "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n", "X-Big: " + "a".repeat(20_000) + "\r\n");
    try (ForkedServer server = ForkedServer.startJar(JAR, "jar-admin-token",
        "--data-dir", dir.resolve("data").toString(), "--port", "0")) {
      for (String method : MalformedHeadForEveryMethodTest.METHODS) {
        for (String malformed : malformations) {
          String request = method + " /healthz HTTP/1.1\r\nHost: a\r\n" + malformed + "\r\n";
          MalformedRequestHeadTest.Answer answer;
          try (java.net.Socket socket = new java.net.Socket(server.baseUri.getHost(), server.baseUri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            answer = MalformedRequestHeadTest.Answer.read(socket.getInputStream());
          }
          String what = method + " with " + malformed.substring(0, Math.min(30, malformed.length())) + ": " + answer.text();
          assertThat(answer.status()).as(what).isIn(400, 431);
          assertThat(answer.header("content-type")).as(what).isEqualTo("application/problem+json; charset=utf-8");
          assertThat(answer.header("connection")).as(what).isEqualTo("close");
          assertThat(answer.closed()).as(what).isTrue();
          if (!method.equals("HEAD")) {
            WireBodies.check(answer.status(), answer.header("content-type"), answer.body());
          }
        }
      }
    }
  }

  @Test
  void jarKeepsItsBlobsInAnS3BucketConfiguredFromTheEnvironmentAlone() throws Exception {
    S3TestServer s3 = S3TestServer.shared();
    String bucket = s3.createBucket();
    Path data = dir.resolve("data");
    String bearer = addWorker(data);
    ExperimentId experiment = ExperimentId.mint();
    Map<String, String> environment = Map.of(
        "EDEN_BLOB_STORE", "s3://" + bucket + "/eden",
        "EDEN_S3_ENDPOINT", s3.endpoint().toString(),
        "EDEN_S3_PATH_STYLE", "true",
        "AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_ACCESS_KEY);
    OkHttpClient http = new OkHttpClient();
    try (ForkedServer server = ForkedServer.startJar(JAR, environment, "jar-admin-token",
        "--data-dir", data.toString(), "--port", "0", "--experiment-id", experiment.value())) {
      assertThat(server.output()).contains("blobs: s3://" + bucket + "/eden at " + s3.endpoint());
      String artifacts = server.baseUri + "/v0/experiments/" + experiment + "/artifacts";
      String uri;
      try (Response r = http.newCall(deposit(artifacts, experiment, bearer)).execute()) {
        String body = r.body().string();
        assertThat(r.code()).as(body).isEqualTo(201);
        uri = ServerFixture.JSON.readTree(body).get("artifacts_uri").asText();
      }
      String id = uri.substring(uri.lastIndexOf('/') + 1);
      assertThat(s3.client().listObjectsV2(r -> r.bucket(bucket)).contents())
          .extracting(S3Object::key).containsExactly("eden/" + id.substring(0, 2) + "/" + id);
      try (Response r = http.newCall(new Request.Builder()
          .url(artifacts + "?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8))
          .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
          .header("Authorization", "Bearer " + bearer).build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string()).isEqualTo("# plan\n");
      }
    }
  }

  @Test
  void jarRefusesToStartOnABucketThatIsNotThereWithOneLine() throws Exception {
    S3TestServer s3 = S3TestServer.shared();
    ProcessBuilder builder = new ProcessBuilder(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(),
        "serve", "--data-dir", dir.resolve("data").toString(), "--port", "0",
        "--blob-store", "s3://no-such-bucket-here/eden", "--s3-endpoint", s3.endpoint().toString(), "--s3-path-style");
    builder.environment().keySet().removeIf(name -> name.startsWith("EDEN_"));
    builder.environment().put("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY_ID);
    builder.environment().put("AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_ACCESS_KEY);
    builder.environment().put("EDEN_ADMIN_TOKEN", "jar-admin-token");
    Process process = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(err).isEqualTo(1);
    assertThat(err.lines().toList()).as(err).hasSize(1)
        .allSatisfy(line -> assertThat(line).startsWith("serve: ").contains("no-such-bucket-here").contains("NoSuchBucket"));
  }

  @Test
  void jarScrubsTheDataOfARunningServerAndNamesTheDamagedArtifact() throws Exception {
    Path data = dir.resolve("data");
    String bearer = addWorker(data);
    ExperimentId experiment = ExperimentId.mint();
    OkHttpClient http = new OkHttpClient();
    try (ForkedServer server = ForkedServer.startJar(JAR, "jar-admin-token",
        "--data-dir", data.toString(), "--port", "0", "--experiment-id", experiment.value())) {
      String artifacts = server.baseUri + "/v0/experiments/" + experiment + "/artifacts";
      List<String> uris = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        try (Response r = http.newCall(deposit(artifacts, experiment, bearer)).execute()) {
          String body = r.body().string();
          assertThat(r.code()).as(body).isEqualTo(201);
          uris.add(ServerFixture.JSON.readTree(body).get("artifacts_uri").asText());
        }
      }

      Jar clean = runJar("scrub", "--data-dir", data.toString(), "--experiment-id", experiment.value());
      assertThat(clean.exit()).as(clean.err()).isZero();
      assertThat(clean.out().lines().toList()).singleElement().asString()
          .matches("scrub clean: 2 artifacts checked, 14 bytes read, 0 damaged, 0 missing, 0 unreadable, [0-9.]+ s");

      String damagedUri = uris.get(0);
      String id = damagedUri.substring(damagedUri.lastIndexOf('/') + 1);
      Path blob = ForkedServer.blobRoot(data).resolve(id.substring(0, 2)).resolve(id);
      Files.writeString(blob, "# plan\r");
      Jar damaged = runJar("scrub", "--data-dir", data.toString(), "--experiment-id", experiment.value());
      assertThat(damaged.exit()).as(damaged.err()).isEqualTo(1);
      assertThat(damaged.out().lines().toList()).hasSize(2).first().asString()
          .startsWith("damaged " + damagedUri + " digest mismatch: recorded sha256 ");
      assertThat(damaged.out().lines().toList().get(1)).startsWith("scrub found problems: 2 artifacts checked, ");

      Jar usage = runJar("scrub", "--data-dir", data.toString(), "--rate", "nonsense");
      assertThat(usage.exit()).isEqualTo(2);
      assertThat(usage.err()).contains("--rate").contains("'nonsense' is not a byte rate");

      try (Response r = http.newCall(new Request.Builder()
          .url(artifacts + "?uri=" + URLEncoder.encode(uris.get(1), StandardCharsets.UTF_8))
          .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
          .header("Authorization", "Bearer " + bearer).build()).execute()) {
        assertThat(r.code()).as("the server still serves").isEqualTo(200);
        assertThat(r.body().string()).isEqualTo("# plan\n");
      }
    }
  }

  record Jar(int exit, String out, String err) {}

  /** {@code java -jar JAR args...} with no {@code EDEN_*} variable, to its end. */
  private Jar runJar(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Path err = Files.createTempFile(dir, "jar", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("EDEN_"));
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Jar(process.exitValue(), out, Files.readString(err));
  }

  private static Request deposit(String artifacts, ExperimentId experiment, String bearer) {
    RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("file", "plan.md",
            RequestBody.create("# plan\n".getBytes(StandardCharsets.UTF_8), MediaType.get("text/markdown")))
        .build();
    return new Request.Builder().url(artifacts).post(body)
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.value())
        .header("Authorization", "Bearer " + bearer).build();
  }

  /** {@code java -jar JAR add-worker --data-dir DATA}; the bearer is the last line of stdout. */
  private static String addWorker(Path data) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString(), "add-worker", "--data-dir", data.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().keySet().removeIf(name -> name.startsWith("EDEN_")); // options come from them
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    List<String> lines = out.lines().toList();
    return lines.get(lines.size() - 1);
  }
}
