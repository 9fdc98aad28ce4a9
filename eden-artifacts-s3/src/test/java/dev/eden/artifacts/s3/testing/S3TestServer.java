package dev.eden.artifacts.s3.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.eden.artifacts.s3.S3ArtifactBackend;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.opentest4j.TestAbortedException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for tests: s3proxy (filesystem storage, AWS signature checks on) in
 * its own process on a free loopback port, started once per test JVM by {@link #shared()} and
 * killed when that JVM exits — by a shutdown hook, and otherwise by the server process itself,
 * which halts when it sees the JVM gone ({@link S3ProxyLauncher}).
 *
 * <p>The server jar comes from the build: the parent POM's {@code copy-s3-test-server} execution of
 * the maven-dependency-plugin copies s3proxy into {@code target/s3-test-server/s3proxy.jar}, and
 * surefire passes that path as the system property {@value #JAR_PROPERTY} (and the directory for
 * its data and log as {@value #DIR_PROPERTY}). Another module's tests use it by depending on this
 * module's {@code test-jar} and turning that execution on:
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.eden</groupId>
 *   <artifactId>eden-artifacts-s3</artifactId>
 *   <type>test-jar</type>
 *   <scope>test</scope>
 * </dependency>
 * ...
 * <plugin>
 *   <groupId>org.apache.maven.plugins</groupId>
 *   <artifactId>maven-dependency-plugin</artifactId>
 *   <executions>
 *     <execution><id>copy-s3-test-server</id><phase>generate-test-resources</phase></execution>
 *   </executions>
 * </plugin>
 * }</pre>
 *
 * <pre>{@code
 * S3TestServer s3 = S3TestServer.shared();          // skips, or fails under CI, without a server
 * String bucket = s3.createBucket();               // a fresh, empty bucket
 * try (S3ArtifactBackend backend = s3.backendBuilder(bucket).keyPrefix("blobs").build()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>A test that needs the object store to go away and come back starts a server of its own with
 * {@link #startPrivate(Path)}, which it may {@linkplain #stop() stop} and {@linkplain #restart()
 * restart} (same port, same data) and closes; {@link TcpProxy} in front of either makes it slow or
 * silent instead.
 *
 * <p>If the server cannot be started, {@link #shared()} fails the test when the environment
 * variable {@code CI} is set (to anything but {@code false}), and otherwise skips it with the
 * reason; every later call answers the same without trying again. Thread-safe.
 */
public final class S3TestServer implements AutoCloseable {
  /** System property: the s3proxy {@code jar-with-dependencies} to run. */
  public static final String JAR_PROPERTY = "eden.test.s3.server.jar";
  /** System property: a directory for the server's data and log; default a temporary one. */
  public static final String DIR_PROPERTY = "eden.test.s3.server.dir";
  /** The access key id the server accepts. */
  public static final String ACCESS_KEY_ID = "eden-test-access-key";
  /** The secret access key the server accepts. */
  public static final String SECRET_ACCESS_KEY = "eden-test-secret-key";
  /** The region clients sign for; s3proxy accepts any. */
  public static final String REGION = "us-east-1";

  private static final long START_TIMEOUT_MILLIS = 60_000;
  private static S3TestServer shared;
  private static RuntimeException startFailure;

  private final URI endpoint;
  private final Path dataDir;
  private final String version;
  private final S3Client client;
  /** How to start the process again; null for the shared server, which is never stopped. */
  private final Launch launch;
  private volatile Process process; // null while a private server is stopped

  private S3TestServer(URI endpoint, Process process, Path dataDir, String version, Launch launch) {
    this.endpoint = endpoint;
    this.process = process;
    this.dataDir = dataDir;
    this.version = version;
    this.launch = launch;
    this.client = newClient();
  }

  /** The jar, properties and log of one server, and its port: all a restart needs. */
  private record Launch(Path jar, Path properties, Path log, int port) {
    Process start() throws IOException {
      return launch(jar, properties, log);
    }
  }

  /**
   * The server of this JVM, started on first use.
   *
   * @throws TestAbortedException if it cannot be started and {@code CI} is not set
   * @throws AssertionError if it cannot be started and {@code CI} is set
   */
  public static synchronized S3TestServer shared() {
    if (shared == null && startFailure == null) {
      try {
        shared = start();
      } catch (IOException e) {
        startFailure = new UncheckedIOException(e);
      } catch (RuntimeException e) {
        startFailure = e;
      }
    }
    if (shared != null) {
      return shared;
    }
    String why = "the S3 test server (s3proxy) could not be started: " + startFailure.getMessage();
    if (isCi()) {
      fail(why + " (a failure, not a skip, because CI is set)", startFailure);
    }
    throw new TestAbortedException("S3 tests skipped: " + why
        + "; run them through Maven (mvn -pl eden-artifacts-s3 -am verify), which provides the jar");
  }

  private static boolean isCi() {
    String ci = System.getenv("CI");
    return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
  }

  /** The server's URL, {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return endpoint;
  }

  /** The s3proxy version that runs, from its jar's manifest. */
  public String version() {
    return version;
  }

  /** Credentials the server accepts. */
  public AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
  }

  /**
   * A new client for the server — path-style, checksums only when required, the Apache 5 HTTP
   * client — with {@code interceptors} to observe or alter its requests. The caller closes it.
   */
  public S3Client newClient(ExecutionInterceptor... interceptors) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.of(REGION))
        .forcePathStyle(true)
        .credentialsProvider(credentials())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(Apache5HttpClient.builder())
        .overrideConfiguration(o -> {
          for (ExecutionInterceptor interceptor : interceptors) {
            o.addExecutionInterceptor(interceptor);
          }
        })
        .build();
  }

  /** A client shared by the tests of this JVM; do not close it. */
  public S3Client client() {
    return client;
  }

  /** Creates a new, empty bucket with a random name and returns its name. */
  public String createBucket() {
    byte[] random = new byte[6];
    ThreadLocalRandom.current().nextBytes(random);
    String bucket = "eden-test-" + HexFormat.of().formatHex(random);
    client.createBucket(r -> r.bucket(bucket));
    return bucket;
  }

  /**
   * A backend builder for {@code bucket} on this server, with the endpoint, region, path-style
   * access and credentials set: the backend builds and owns its own client.
   */
  public S3ArtifactBackend.Builder backendBuilder(String bucket) {
    return S3ArtifactBackend.builder()
        .endpoint(endpoint)
        .region(REGION)
        .pathStyleAccess(true)
        .credentials(credentials())
        .bucket(bucket);
  }

  // ---- the process -----------------------------------------------------------------------------

  private static S3TestServer start() throws IOException {
    Path jar = serverJar();
    String dirProperty = System.getProperty(DIR_PROPERTY);
    Path base = dirProperty == null || dirProperty.isBlank()
        ? Files.createTempDirectory("s3-test-server")
        : Files.createDirectories(Path.of(dirProperty));
    Path run = Files.createTempDirectory(base, "run-"); // one per JVM: forks never share
    Path data = Files.createDirectories(run.resolve("data"));
    List<String> tails = new ArrayList<>();
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = freePort();
      Path log = run.resolve("s3proxy-" + port + ".log");
      Process process = launch(jar, writeProperties(run, port, data), log);
      if (awaitPort(process, port)) {
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        S3TestServer server = new S3TestServer(endpoint, process, data, versionOf(jar), null);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stopAndDelete, "s3-test-server-stop"));
        return server;
      }
      kill(process);
      tails.add("attempt " + attempt + " on port " + port + ": " + tail(log));
    }
    throw new IllegalStateException("s3proxy did not answer within " + START_TIMEOUT_MILLIS / 1000
        + " s; " + String.join("; ", tails));
  }

  private static Process launch(Path jar, Path properties, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = jar + File.pathSeparator + launcherLocation();
    return new ProcessBuilder(java, "-Xmx512m", "-cp", classPath, S3ProxyLauncher.class.getName(),
            String.valueOf(ProcessHandle.current().pid()), "--properties", properties.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** Where {@link S3ProxyLauncher} is: this module's test classes, or its test-jar. */
  private static String launcherLocation() {
    try {
      return Path.of(S3ProxyLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path writeProperties(Path run, int port, Path data) throws IOException {
    Properties p = new Properties();
    p.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
    p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    p.setProperty("s3proxy.identity", ACCESS_KEY_ID);
    p.setProperty("s3proxy.credential", SECRET_ACCESS_KEY);
    p.setProperty("jclouds.provider", "filesystem");
    p.setProperty("jclouds.identity", ACCESS_KEY_ID);
    p.setProperty("jclouds.credential", SECRET_ACCESS_KEY);
    p.setProperty("jclouds.filesystem.basedir", data.toString());
    Path file = run.resolve("s3proxy-" + port + ".properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "S3TestServer");
    }
    return file;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Waits until the port accepts connections; false if the process died or time ran out. */
  private static boolean awaitPort(Process process, int port) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return true;
      } catch (IOException notYet) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return false;
  }

  private static String versionOf(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      String version = file.getManifest().getMainAttributes().getValue("Implementation-Version");
      return version == null ? "unknown" : version;
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static Path serverJar() {
    String jarProperty = System.getProperty(JAR_PROPERTY);
    if (jarProperty == null || jarProperty.isBlank()) {
      throw new IllegalStateException("system property " + JAR_PROPERTY + " is not set");
    }
    Path jar = Path.of(jarProperty);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no server jar at " + jar);
    }
    return jar;
  }

  // ---- private servers -------------------------------------------------------------------------

  /**
   * A server of the caller's own, which it may {@linkplain #stop() stop} and {@linkplain #restart()
   * start again} on the same port with the same data — to see what a client of the object store
   * does while it is gone. s3proxy as for {@link #shared()}, on a free loopback port, keeping its
   * data, properties and log in {@code directory} (created if missing); it dies with the test JVM
   * like the shared one. The caller {@linkplain #close() closes} it.
   *
   * @throws IllegalStateException if the server jar is not configured or the server does not
   *     answer within 60 s (never a skip: a test that asks for a private server needs it)
   */
  public static S3TestServer startPrivate(Path directory) throws IOException {
    Path jar = serverJar();
    Path run = Files.createDirectories(directory);
    Path data = Files.createDirectories(run.resolve("data"));
    int port = freePort();
    Launch launch = new Launch(jar, writeProperties(run, port, data), run.resolve("s3proxy-" + port + ".log"), port);
    Process process = launch.start();
    if (!awaitPort(process, port)) {
      kill(process);
      throw new IllegalStateException("s3proxy did not answer on port " + port + " within "
          + START_TIMEOUT_MILLIS / 1000 + " s: " + tail(launch.log()));
    }
    S3TestServer server = new S3TestServer(URI.create("http://127.0.0.1:" + port), process, data, versionOf(jar), launch);
    Runtime.getRuntime().addShutdownHook(new Thread(server::kill, "s3-test-server-stop"));
    return server;
  }

  /**
   * Kills a private server's process at once (SIGKILL, as a crash or a pulled plug would end it),
   * keeping its data; connections to it are reset and new ones refused until {@link #restart()}.
   * Does nothing if it is stopped already.
   *
   * @throws IllegalStateException on the {@linkplain #shared() shared} server
   */
  public synchronized void stop() {
    requirePrivate();
    kill();
  }

  /**
   * Starts a stopped private server again, on the same port with the same data, and waits until it
   * accepts connections (up to 60 s). Does nothing if it is running.
   *
   * @throws IllegalStateException on the shared server, or if the server does not come back
   */
  public synchronized void restart() throws IOException {
    requirePrivate();
    if (process != null && process.isAlive()) {
      return;
    }
    Process started = launch.start();
    if (!awaitPort(started, launch.port())) {
      kill(started);
      throw new IllegalStateException("s3proxy did not come back on port " + launch.port() + ": " + tail(launch.log()));
    }
    process = started;
  }

  /** Whether the server's process is alive. */
  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /**
   * Stops a private server and closes its client, leaving its data in the directory it was
   * started with. Idempotent.
   *
   * @throws IllegalStateException on the shared server, which lives as long as the test JVM
   */
  @Override
  public synchronized void close() {
    requirePrivate();
    kill();
    client.close();
  }

  private void requirePrivate() {
    if (launch == null) {
      throw new IllegalStateException("the shared S3 test server lives as long as the test JVM: use startPrivate(...)");
    }
  }

  private synchronized void kill() {
    if (process != null) {
      kill(process);
      process = null;
    }
  }

  private void stopAndDelete() {
    client.close();
    kill(process);
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // leave the data of a throw-away server behind
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "S3TestServer[s3proxy " + version + " at " + endpoint + "]";
  }
}
