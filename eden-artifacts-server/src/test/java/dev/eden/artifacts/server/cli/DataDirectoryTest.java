package dev.eden.artifacts.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
  @TempDir Path data;

  private final PrintWriter out = new PrintWriter(new StringWriter());

  @Test
  void generatedAdminTokenIsOwnerOnlyAndReusedByLaterStarts() throws Exception {
    String first = DataDirectory.adminToken(data, null, out);
    String second = DataDirectory.adminToken(data, null, out);

    assertThat(first).hasSizeGreaterThan(30).isEqualTo(second);
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(data.resolve(DataDirectory.ADMIN_TOKEN_FILE))))
        .isEqualTo("rw-------");
    try (Stream<Path> files = Files.list(data)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly(DataDirectory.ADMIN_TOKEN_FILE); // no temp left behind
    }
  }

  @Test
  void racingFirstStartsAgreeOnOneExperimentId() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> starts = IntStream.range(0, 8)
          .mapToObj(i -> pool.submit(
              () -> DataDirectory.experiments(data, List.of(), out).get(0).value()))
          .collect(Collectors.toList());
      List<String> ids = starts.stream().map(f -> {
        try {
          return f.get();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }).distinct().collect(Collectors.toList());

      assertThat(ids).hasSize(1);
      assertThat(Files.readString(data.resolve(DataDirectory.EXPERIMENT_FILE)).strip())
          .isEqualTo(ids.get(0));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tokenFromTheEnvironmentWritesNoFile() throws Exception {
    assertThat(DataDirectory.adminToken(data, "from-env", out)).isEqualTo("from-env");
    assertThat(data.resolve(DataDirectory.ADMIN_TOKEN_FILE)).doesNotExist();
  }
}
