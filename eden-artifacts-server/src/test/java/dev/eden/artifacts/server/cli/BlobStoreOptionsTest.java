package dev.eden.artifacts.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import dev.eden.artifacts.s3.S3ArtifactBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code serve}'s blob-store options are checked before anything is done: a bad combination or
 * location is a usage error (exit 2) naming the option, and the data directory is not even created.
 * What a real bucket does is {@code ScaleOutTest}'s and {@code RunnableJarIT}'s.
 */
class BlobStoreOptionsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--s3-path-style                                        | need --blob-store s3://",
      "--s3-endpoint http://127.0.0.1:9000                    | need --blob-store s3://",
      "--s3-region eu-west-1                                  | need --blob-store s3://",
      "--blob-store s3://                                     | --blob-store: bucket must be",
      "--blob-store s3://b/../x                               | --blob-store: keyPrefix must not have empty, '.' or '..' segments",
      "--blob-store s3://b/a//c                               | --blob-store: keyPrefix must not have empty",
      "--blob-store s3://b --s3-endpoint ftp://x              | --s3-endpoint: endpoint must be an http or https URI",
      "--blob-store s3://b --s3-endpoint http://h/?q=1        | --s3-endpoint: endpoint must be an http or https URI",
      "--blob-store s3://b --s3-max-connections 0             | --s3-max-connections: maxConnections must be at least 1",
      "--blob-store s3://b --s3-buffer-budget 100             | --s3-buffer-budget: bufferBudget must be at least 5242880 bytes",
      "--blob-store s3://b --s3-request-timeout PT0S          | --s3-request-timeout: requestTimeout must be positive: PT0S",
      "--blob-store s3://b --s3-read-timeout -PT1S            | --s3-read-timeout: readTimeout must be positive: PT-1S",
      "--blob-store s3://b --s3-read-timeout 30               | Invalid value for option '--s3-read-timeout'",
      "--blob-store s3://b --s3-buffer-budget 6000000 --s3-endpoint http://127.0.0.1:1 | must hold at least one part",
  })
  void aBadBlobStoreIsAUsageErrorBeforeAnythingIsCreated(String options, String message) {
    Path data = dir.resolve("data");
    StringWriter err = new StringWriter();
    CommandLine cli = ServerMain.commandLine(Map.<String, String>of()::get);
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    String[] args = ("serve --port 0 --data-dir " + data + " " + options).split(" ");
    assertThat(cli.execute(args)).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains(message);
    assertThat(Files.exists(data)).as("data directory created").isFalse();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "EDEN_S3_PATH_STYLE | true         | need --blob-store s3://",
      "EDEN_BLOB_STORE    | s3://b/./x   | --blob-store: keyPrefix must not have",
      "EDEN_S3_REQUEST_TIMEOUT | soon    | --s3-request-timeout",
  })
  void theSameChecksApplyToValuesFromTheEnvironment(String variable, String value, String message) {
    Path data = dir.resolve("data");
    StringWriter err = new StringWriter();
    CommandLine cli = ServerMain.commandLine(Map.of(variable, value)::get);
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("serve", "--port", "0", "--data-dir", data.toString())).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains(message).contains(variable);
    assertThat(Files.exists(data)).isFalse();
  }

  @Test
  void theTimeoutDefaultsAreTheBackendsOwn() {
    assertThat(Duration.parse(BlobStoreOptions.DEFAULT_S3_REQUEST_TIMEOUT)).isEqualTo(S3ArtifactBackend.DEFAULT_REQUEST_TIMEOUT);
    assertThat(Duration.parse(BlobStoreOptions.DEFAULT_S3_READ_TIMEOUT)).isEqualTo(S3ArtifactBackend.DEFAULT_READ_TIMEOUT);
  }
}
