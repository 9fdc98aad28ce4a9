package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Micrometer and Logback are optional dependencies: only the metrics package (which an embedder
 * loads only by using it) and the runnable server's command line may name their types, so that a
 * class every embedder loads (the handlers, the servlet, the Jetty server) never needs them. Read
 * from the compiled classes' constant pools.
 */
class OptionalDependenciesFenceTest {
  private static final Path CLASSES = Path.of("target/classes/dev/eden/artifacts/server");
  private static final Map<String, List<String>> ALLOWED = Map.of(
      "io/micrometer/", List.of("metrics/", "cli/"),
      "io/prometheus/", List.of("cli/"),
      "ch/qos/logback/", List.of("cli/"));

  @Test
  void onlyTheMetricsPackageAndTheCommandLineNameMicrometerOrLogback() throws IOException {
    List<Path> classes;
    try (Stream<Path> files = Files.walk(CLASSES)) {
      classes = files.filter(f -> f.toString().endsWith(".class")).toList();
    }
    assertThat(classes).hasSizeGreaterThan(50);
    List<String> leaks = new java.util.ArrayList<>();
    int users = 0;
    for (Path file : classes) {
      String constants = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      String where = CLASSES.relativize(file).toString().replace('\\', '/');
      for (Map.Entry<String, List<String>> dependency : ALLOWED.entrySet()) {
        if (constants.contains(dependency.getKey())) {
          users++;
          if (dependency.getValue().stream().noneMatch(where::startsWith)) {
            leaks.add(where + " names " + dependency.getKey());
          }
        }
      }
    }
    assertThat(users).as("classes that use them (so the scan sees them)").isGreaterThan(3);
    assertThat(leaks).isEmpty();
  }
}
