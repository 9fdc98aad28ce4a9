package dev.eden.artifacts.checks.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The runnable server jar in its own JVM ({@code java [jvmOptions] -jar eden-artifacts-server.jar
 * serve ...}), as an operator starts it. It inherits no {@code EDEN_*} variable from the test's
 * environment; {@code environment} is set. Its standard output and error are kept in
 * {@link #output()}. Samples its threads, open file descriptors and heap after a full GC through
 * {@code /proc} and the JDK's {@code jcmd}/{@code jstat}.
 */
final class RunnableServer implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
  private static final Pattern EXPERIMENT = Pattern.compile("\\b(exp_[0-9a-z]{26})\\b");

  final Process process;
  final URI baseUri;
  private final StringBuffer output;

  private RunnableServer(Process process, URI baseUri, StringBuffer output) {
    this.process = process;
    this.baseUri = baseUri;
    this.output = output;
  }

  /** Starts {@code serve} with {@code args} and waits (up to 60 s) for its "listening on" line. */
  static RunnableServer start(List<String> jvmOptions, Map<String, String> environment, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(Campaign.serverJar().toString());
    command.add("serve");
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("EDEN_"));
    builder.environment().putAll(environment);
    Process process = builder.start();
    // A safety net: a scenario that fails before closing its server leaves no JVM behind it.
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "kill-runnable-server"));
    StringBuffer output = new StringBuffer();
    BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<URI> listening = CompletableFuture.supplyAsync(() -> {
      try {
        String line;
        while ((line = reader.readLine()) != null) {
          output.append(line).append('\n');
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
      throw new IOException("the server did not start; its output:\n" + output);
    }
    Thread drain = new Thread(() -> {
      try {
        String line;
        while ((line = reader.readLine()) != null) {
          output.append(line).append('\n');
        }
      } catch (IOException ignored) {
        // the process is gone
      }
    }, "runnable-server-output");
    drain.setDaemon(true);
    drain.start();
    return new RunnableServer(process, uri, output);
  }

  /**
   * Runs another subcommand of the jar ({@code add-worker}, {@code gc}, …) to its end (at most
   * 120 s) and returns its standard output and error; fails unless it exits 0.
   */
  static String run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", Campaign.serverJar().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("EDEN_"));
    builder.environment().putAll(environment);
    return ChildCommand.run(builder, Duration.ofSeconds(120)).requireSuccess().output();
  }

  /** {@code add-worker} with {@code args} (e.g. {@code --data-dir D} or {@code --db URL}): the bearer it printed. */
  static String addWorker(Map<String, String> environment, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("add-worker"));
    command.addAll(List.of(args));
    String[] lines = run(environment, command.toArray(String[]::new)).strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  /** The experiment id the server printed at start. */
  String experimentId() {
    Matcher m = EXPERIMENT.matcher(output());
    if (!m.find()) {
      throw new IllegalStateException("the server printed no experiment id:\n" + output());
    }
    return m.group(1);
  }

  String output() {
    return output.toString();
  }

  long pid() {
    return process.pid();
  }

  /** The server's live threads, from {@code /proc/PID/status}. */
  int threads() {
    try (Stream<String> lines = Files.lines(Paths.get("/proc", Long.toString(pid()), "status"))) {
      return lines.filter(l -> l.startsWith("Threads:"))
          .mapToInt(l -> Integer.parseInt(l.substring("Threads:".length()).strip()))
          .findFirst()
          .orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The server's open file descriptors, from {@code /proc/PID/fd}. */
  int openFileDescriptors() {
    try (Stream<Path> fds = Files.list(Paths.get("/proc", Long.toString(pid()), "fd"))) {
      return (int) fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Bytes of heap in use right after a full collection: the total of {@code jcmd PID
   * GC.class_histogram}, which collects first and then counts only the objects that survived. (The
   * used spaces of {@code jstat -gc} after {@code GC.run} also count whatever a loaded server
   * allocated in between: up to a whole young generation more.)
   */
  long heapAfterGcBytes() throws IOException, InterruptedException {
    String histogram = tool("jcmd", Long.toString(pid()), "GC.class_histogram");
    for (String line : histogram.split("\n")) {
      String[] fields = line.strip().split("\\s+");
      if (fields.length == 3 && fields[0].equals("Total")) {
        return Long.parseLong(fields[2]);
      }
    }
    throw new IOException("no Total in the class histogram:\n" + histogram);
  }

  /** SIGKILL: no shutdown hook, no flush, nothing; waits for the process to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  private static String java() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String tool(String name, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", name).toString());
    command.addAll(List.of(args));
    return ChildCommand.run(new ProcessBuilder(command), Duration.ofSeconds(60)).requireSuccess().output();
  }
}
