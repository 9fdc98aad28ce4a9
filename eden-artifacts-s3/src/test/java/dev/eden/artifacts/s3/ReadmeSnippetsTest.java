package dev.eden.artifacts.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.testkit.Blobs;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Java blocks of this module's README, compiled and run here (against the test server where
 * they talk to one); {@link #everyReadmeBlockIsARegionOfThisFile} keeps the two in step.
 */
class ReadmeSnippetsTest {
  private static final Pattern BLOCK = Pattern.compile(
      "<!-- snippet: ([\\w-]+) -->\\n```java\\n(.*?)^```", Pattern.MULTILINE | Pattern.DOTALL);
  private static final Pattern REGION = Pattern.compile(
      "^[ \\t]*// snippet: ([\\w-]+)\\n(.*?)^[ \\t]*// end snippet$", Pattern.MULTILINE | Pattern.DOTALL);

  @Test
  void amazonS3() {
    // snippet: aws
    S3ArtifactBackend backend = S3ArtifactBackend.builder()
        .region("eu-west-1") // credentials: the AWS SDK's default chain (environment, profile, role)
        .bucket("my-artifacts")
        .keyPrefix("eden/blobs")
        .build();
    // end snippet
    assertThat(backend.keyPrefix()).isEqualTo("eden/blobs/");
    backend.close();
  }

  @Test
  void timeouts() {
    // snippet: timeouts
    S3ArtifactBackend backend = S3ArtifactBackend.builder()
        .region("eu-west-1")
        .bucket("my-artifacts")
        .requestTimeout(Duration.ofSeconds(30)) // a part upload then needs at least 8 MiB in 30 s
        .readTimeout(Duration.ofSeconds(10))
        .build();
    // end snippet
    assertThat(backend.bucket()).isEqualTo("my-artifacts");
    backend.close();
  }

  @Test
  void anS3CompatibleServer() throws Exception {
    URI endpoint = TestStorage.server().endpoint();
    String accessKey = TestStorage.server().credentials().resolveCredentials().accessKeyId();
    String secretKey = TestStorage.server().credentials().resolveCredentials().secretAccessKey();
    String bucket = TestStorage.server().createBucket();

    // snippet: compatible
    try (S3ArtifactBackend backend = S3ArtifactBackend.builder()
        .endpoint(endpoint) // e.g. http://127.0.0.1:9000
        .pathStyleAccess(true)
        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .bucket(bucket)
        .keyPrefix("eden/blobs")
        .build()) {
      backend.checkBucket(); // at start-up: one line saying what is wrong, if anything
      // ... serve; now and then:
      backend.sweepStalePending(Duration.ofDays(1));
    }
    // end snippet
  }

  @Test
  void yourOwnClient() throws Exception {
    URI endpoint = TestStorage.server().endpoint();
    AwsCredentialsProvider credentials = TestStorage.server().credentials();
    String bucket = TestStorage.server().createBucket();

    // snippet: own-client
    S3Client client = S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(credentials)
        // The SDK's defaults send CRC32 checksums that many S3-compatible servers refuse:
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
    S3ArtifactBackend backend = S3ArtifactBackend.builder()
        .client(client) // yours: the backend never closes it
        .bucket(bucket)
        .partSize(16 * 1024 * 1024) // blobs up to 16 MiB are one PUT
        .bufferBudget(256 * 1024 * 1024) // part buffers of all pending blobs together
        .build();
    // end snippet
    ArtifactId id = ArtifactId.mint();
    Blobs.commit(backend, id, new byte[] {1, 2});
    assertThat(Blobs.read(backend, id)).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2));
    client.close();
  }

  @Test
  void everyReadmeBlockIsARegionOfThisFile() throws IOException {
    Map<String, String> blocks = matches(BLOCK, read(Path.of("README.md")));
    Map<String, String> regions = matches(REGION,
        read(Path.of("src/test/java/dev/eden/artifacts/s3/ReadmeSnippetsTest.java")));
    assertThat(blocks.keySet()).containsExactlyInAnyOrder("aws", "compatible", "own-client", "timeouts");
    blocks.forEach((name, text) ->
        assertThat(text).as("README block '%s' against its region", name).isEqualTo(regions.get(name)));
  }

  private static Map<String, String> matches(Pattern pattern, String text) {
    Map<String, String> found = new LinkedHashMap<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.put(m.group(1), dedent(m.group(2)));
    }
    return found;
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
  }

  private static String dedent(String text) {
    List<String> lines = text.lines().map(String::stripTrailing).toList();
    int indent = lines.stream().filter(l -> !l.isEmpty())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(line.isEmpty() ? "" : line.substring(indent)).append('\n');
    }
    return out.toString();
  }
}
