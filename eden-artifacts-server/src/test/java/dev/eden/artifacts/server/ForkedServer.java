package dev.eden.artifacts.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runnable server in its own JVM, started from the test classpath with {@code ServerMain serve}.
 * It inherits no {@code EDEN_*} variable from the test's environment (the server reads its options
 * from them); the admin token and any {@code environment} given are set. Its standard error is
 * merged into {@link #output()}, unless it was started {@linkplain #startSeparated separated}.
 */
final class ForkedServer implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

  final Process process;
  final URI baseUri;
  private final StringBuffer output = new StringBuffer();
  private final StringBuffer errors;

  private ForkedServer(Process process, URI baseUri, StringBuffer errors) {
    this.process = process;
    this.baseUri = baseUri;
    this.errors = errors;
  }

  static ForkedServer start(List<String> jvmOptions, String adminToken, String... serveArgs) throws IOException {
    return startWithEnvironment(jvmOptions, Map.of(), adminToken, serveArgs);
  }

  /** As {@link #start}, with {@code environment} set in the server's environment. */
  static ForkedServer startWithEnvironment(List<String> jvmOptions, Map<String, String> environment,
      String adminToken, String... serveArgs) throws IOException {
    List<String> launcher = new ArrayList<>(jvmOptions);
    launcher.add("-cp");
    launcher.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    launcher.add("dev.eden.artifacts.server.cli.ServerMain");
    return launch(launcher, environment, adminToken, true, serveArgs);
  }

  /**
   * As {@link #startWithEnvironment}, with standard output in {@link #output()} and standard error
   * apart in {@link #errors()}.
   */
  static ForkedServer startSeparated(Map<String, String> environment, String adminToken, String... serveArgs)
      throws IOException {
    List<String> launcher = new ArrayList<>();
    launcher.add("-cp");
    launcher.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    launcher.add("dev.eden.artifacts.server.cli.ServerMain");
    return launch(launcher, environment, adminToken, false, serveArgs);
  }

  /** The shaded runnable jar, {@code java -jar JAR serve ...}, as an operator starts it. */
  static ForkedServer startJar(Path jar, String adminToken, String... serveArgs) throws IOException {
    return startJar(jar, Map.of(), adminToken, serveArgs);
  }

  /** As {@link #startJar(Path, String, String...)}, with {@code environment} set in the server's environment. */
  static ForkedServer startJar(Path jar, Map<String, String> environment, String adminToken, String... serveArgs)
      throws IOException {
    return launch(List.of("-jar", jar.toString()), environment, adminToken, true, serveArgs);
  }

  private static ForkedServer launch(List<String> launcher, Map<String, String> environment, String adminToken,
      boolean mergeErrors, String... serveArgs) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(launcher);
    command.add("serve");
    command.addAll(List.of(serveArgs));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(mergeErrors);
    builder.environment().keySet().removeIf(name -> name.startsWith("EDEN_"));
    builder.environment().putAll(environment);
    if (adminToken != null) {
      builder.environment().put("EDEN_ADMIN_TOKEN", adminToken);
    }
    Process process = builder.start();
    StringBuffer errors = new StringBuffer();
    if (!mergeErrors) {
      drain(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), errors,
          "forked-server-errors");
    }
    BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    CompletableFuture<URI> listening = CompletableFuture.supplyAsync(() -> {
      try {
        String line;
        while ((line = reader.readLine()) != null) {
          seen.append(line).append('\n');
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            return URI.create(m.group(1));
          }
        }
        return null;
      } catch (IOException e) {
        return null;
      }
    });
    URI uri;
    try {
      uri = listening.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      uri = null;
    }
    if (uri == null) {
      process.destroyForcibly();
      throw new IOException("forked server did not start; output:\n" + seen + errors);
    }
    ForkedServer server = new ForkedServer(process, uri, errors);
    server.output.append(seen);
    drain(reader, server.output, "forked-server-output");
    return server;
  }

  private static void drain(BufferedReader reader, StringBuffer into, String name) {
    Thread drain = new Thread(() -> {
      try {
        String line;
        while ((line = reader.readLine()) != null) {
          into.append(line).append('\n');
        }
      } catch (IOException ignored) {
        // process gone
      }
    }, name);
    drain.setDaemon(true);
    drain.start();
  }

  static Path blobRoot(Path dataDir) {
    return dataDir.resolve("blobs");
  }

  String output() {
    return output.toString();
  }

  /** Standard error so far, when started {@linkplain #startSeparated separated}; else empty. */
  String errors() {
    return errors.toString();
  }

  /** SIGKILL: no shutdown hook, no flush, nothing. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then waits for the exit. */
  int terminate(long timeoutSeconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      throw new IllegalStateException("server did not exit within " + timeoutSeconds + " s of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
