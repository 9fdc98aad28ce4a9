package dev.eden.artifacts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the packaged {@code target/eden-artifacts.jar} as a child process, as a shell worker does:
 * settings in the environment (the test JVM's own {@code EDEN_*} variables are removed first),
 * bytes on stdin, stdout and stderr captured whole.
 */
final class Cli {
  static final Path JAR = Path.of("target/eden-artifacts.jar").toAbsolutePath();
  static final Path LAUNCHER = Path.of("target/eden-artifacts").toAbsolutePath();
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  /** One thread per stream: the common pool may have a single thread on a small machine. */
  private static final ExecutorService STREAMS = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "cli-stream");
    thread.setDaemon(true);
    return thread;
  });

  private final Map<String, String> env = new LinkedHashMap<>();

  /** What a finished run left: its exit status, stdout bytes and stderr text. */
  record Result(int status, byte[] stdout, String stderr, List<String> command) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    /** The last line of stdout. */
    String lastLine() {
      List<String> lines = out().lines().toList();
      assertThat(lines).as("stdout of %s (stderr: %s)", command, stderr).isNotEmpty();
      return lines.get(lines.size() - 1);
    }

    Result succeeded() {
      assertThat(status).as("exit status of %s; stderr: %s", command, stderr).isZero();
      return this;
    }
  }

  Cli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  Cli withoutEnv(String name) {
    env.remove(name);
    return this;
  }

  Cli copy() {
    Cli copy = new Cli();
    copy.env.putAll(env);
    return copy;
  }

  /** {@code java -jar eden-artifacts.jar ARGS}, with an empty stdin. */
  Result run(String... args) {
    return run(new byte[0], args);
  }

  /** {@code java -jar eden-artifacts.jar ARGS}, with {@code stdin} on its standard input. */
  Result run(byte[] stdin, String... args) {
    return run(stdin, process -> { }, args);
  }

  /** Like {@link #run(byte[], String...)}, handing the running process to {@code whileRunning}. */
  Result run(byte[] stdin, Consumer<Process> whileRunning, String... args) {
    List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
    command.addAll(List.of(args));
    return start(command, stdin, whileRunning);
  }

  /** Runs {@code command} with this environment. */
  Result start(List<String> command, byte[] stdin, Consumer<Process> whileRunning) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("EDEN_"));
    builder.environment().putAll(env);
    try {
      Process process = builder.start();
      CompletableFuture<byte[]> out = drain(process.getInputStream());
      CompletableFuture<byte[]> err = drain(process.getErrorStream());
      CompletableFuture<Void> in = CompletableFuture.runAsync(() -> {
        try (OutputStream o = process.getOutputStream()) {
          o.write(stdin);
        } catch (IOException e) {
          // the command may exit without reading its input
        }
      }, STREAMS);
      whileRunning.accept(process);
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      in.get(10, TimeUnit.SECONDS);
      return new Result(process.exitValue(), out.get(10, TimeUnit.SECONDS),
          new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8), command);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static CompletableFuture<byte[]> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (stream) {
        stream.transferTo(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }, STREAMS);
  }
}
