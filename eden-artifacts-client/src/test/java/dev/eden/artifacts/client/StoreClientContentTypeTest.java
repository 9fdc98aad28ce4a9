package dev.eden.artifacts.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code depositArtifact(Path)} sends the content type guessed from the file's name. */
class StoreClientContentTypeTest extends MockServerSupport {
  @TempDir
  Path temp;

  @ParameterizedTest
  @CsvSource({
      "run.log, text/plain",
      "notes.txt, text/plain",
      "change.diff, text/x-diff",
      "fix.patch, text/x-diff",
      "bundle.tar, application/x-tar",
      "bundle.tar.gz, application/gzip",
      "bundle.tgz, application/gzip",
      "trace.gz, application/gzip",
      "trace.zst, application/zstd",
      "config.yaml, application/yaml",
      "config.yml, application/yaml",
      "events.jsonl, application/jsonl",
      "result.json, application/json",
      "README.md, text/markdown",
      "scores.csv, text/csv",
      "table.parquet, application/vnd.apache.parquet",
      "RUN.LOG, text/plain",
      "v1.2.log, text/plain",
      "page.html, text/html",
      "blob.unknownext, application/octet-stream",
      "Makefile, application/octet-stream",
      ".hidden, application/octet-stream"})
  void depositFromPathGuessesTheContentTypeFromTheName(String name, String expected)
      throws Exception {
    Path file = Files.writeString(temp.resolve(name), "x");
    server.enqueue(receipt("eden://artifacts/1", 1, expected));
    try (StoreClient client = clientBuilder().build()) {
      client.depositArtifact(file);
    }
    List<Part> parts = parts(server.takeRequest());
    assertThat(parts).hasSize(1);
    assertThat(parts.get(0).headers().get("Content-Type")).isEqualTo(expected);
  }
}
