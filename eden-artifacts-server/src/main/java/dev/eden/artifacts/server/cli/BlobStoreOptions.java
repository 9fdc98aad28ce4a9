package dev.eden.artifacts.server.cli;

import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.s3.S3ArtifactBackend;
import dev.eden.artifacts.spi.ArtifactBackend;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where a command keeps artifact bytes: {@code --blob-store} with the S3 options, shared (as a
 * picocli mixin) by every command that opens the blob store, so each reads them alike.
 */
final class BlobStoreOptions {
  static final String S3_SCHEME = "s3://";

  @Spec(Spec.Target.MIXEE) CommandSpec command;

  /** Built by {@link #validate()} (no request made yet), handed over by {@link #open}. */
  private S3ArtifactBackend validated;

  @Option(names = "--blob-store", paramLabel = "<dir>|s3://BUCKET[/PREFIX]", description = {
      "Where artifact bytes go: a local directory, or a bucket (and key prefix) of Amazon S3 or an S3-compatible server,"
          + " credentials from the AWS SDK's default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, the profile, a role)."
          + " Default: <data-dir>/blobs."})
  String blobStore;

  @Option(names = "--s3-endpoint", paramLabel = "<url>", description = "The S3-compatible server, e.g. http://127.0.0.1:9000 (default: Amazon S3's endpoint for the region).")
  URI s3Endpoint;

  @Option(names = "--s3-region", paramLabel = "<region>", description = "The bucket's region (default: the AWS SDK's region chain, AWS_REGION or the profile; us-east-1 with --s3-endpoint).")
  String s3Region;

  @Option(names = "--s3-path-style", description = "Address the bucket in the URL path (http://host/BUCKET/key), as most S3-compatible servers need.")
  boolean s3PathStyle;

  @Option(names = "--s3-buffer-budget", paramLabel = "<bytes>", defaultValue = "" + S3ArtifactBackend.DEFAULT_BUFFER_BUDGET, description = {
      "Heap, in bytes, that the upload buffers of all deposits to S3 may take together; deposits wait when it is spent."
          + " At least one part (" + S3ArtifactBackend.DEFAULT_PART_SIZE + " bytes). Default: ${DEFAULT-VALUE}."})
  long s3BufferBudget;

  @Option(names = "--s3-max-connections", paramLabel = "<n>", defaultValue = "" + S3ArtifactBackend.DEFAULT_MAX_CONNECTIONS, description = {
      "Connections to S3 kept open at most; every fetch holds one while it streams (default: ${DEFAULT-VALUE})."})
  int s3MaxConnections;

  /** What {@code --s3-request-timeout} defaults to: {@link S3ArtifactBackend#DEFAULT_REQUEST_TIMEOUT}. */
  static final String DEFAULT_S3_REQUEST_TIMEOUT = "PT2M";
  /** What {@code --s3-read-timeout} defaults to: {@link S3ArtifactBackend#DEFAULT_READ_TIMEOUT}. */
  static final String DEFAULT_S3_READ_TIMEOUT = "PT30S";

  @Option(names = "--s3-request-timeout", paramLabel = "<ISO-8601 duration>", defaultValue = DEFAULT_S3_REQUEST_TIMEOUT, description = {
      "The longest a request to S3 may take, retries included (a fetch: until the object's first bytes; its reading is bounded by --s3-read-timeout);"
          + " each part upload (8 MiB) is one request, so this is also the slowest upload rate accepted. A deposit whose request"
          + " runs out fails with a 500 (default: ${DEFAULT-VALUE})."})
  Duration s3RequestTimeout;

  @Option(names = "--s3-read-timeout", paramLabel = "<ISO-8601 duration>", defaultValue = DEFAULT_S3_READ_TIMEOUT, description = {
      "The longest a read from S3 waits for the next bytes (an answer, or the next bytes of an object a fetch streams);"
          + " a fetch that stalls this long is cut off (default: ${DEFAULT-VALUE})."})
  Duration s3ReadTimeout;

  /** Whether the blob store is a bucket rather than a directory. */
  boolean isS3() {
    return blobStore != null && blobStore.startsWith(S3_SCHEME);
  }

  /**
   * Checks the options without touching any storage, so a command can refuse a bad command line
   * before it does anything.
   *
   * @throws ParameterException for options that do not fit together or a malformed location
   */
  void validate() {
    if (!isS3() && (s3Endpoint != null || s3Region != null || s3PathStyle)) {
      throw new ParameterException(command.commandLine(),
          "--s3-endpoint, --s3-region and --s3-path-style need --blob-store s3://BUCKET[/PREFIX]");
    }
    if (isS3() && validated == null) {
      validated = buildS3(); // checks every option and their fit (a budget of at least one part, a region); no request
    }
  }

  /**
   * Opens the blob store; the caller closes it ({@link OpenedBlobStore#close()}). A bucket is
   * checked first ({@link S3ArtifactBackend#checkBucket()}): it must exist, be writable with these
   * credentials and refuse to overwrite.
   *
   * @throws ParameterException for options that do not fit together or a malformed location
   * @throws StartupFailure if the bucket is not usable, with the reason on one line
   */
  OpenedBlobStore open(Path dataDir) throws IOException, StartupFailure {
    validate();
    if (!isS3()) {
      Path root = directory(dataDir);
      FileArtifactBackend files = new FileArtifactBackend(root);
      return new OpenedBlobStore(files, root.toString(), () -> {});
    }
    return openS3(S3ArtifactBackend::checkBucket);
  }

  /**
   * Opens the blob store for a command that only reads it ({@code scrub}) and so must change
   * nothing, not even with credentials that may write: a directory must exist already (it is not
   * created), and a bucket gets the read-only check ({@link S3ArtifactBackend#checkBucketReadable()},
   * one {@code HeadBucket}) instead of the write probe. The caller closes it.
   *
   * @throws ParameterException for options that do not fit together or a malformed location
   * @throws StartupFailure if the directory does not exist or the bucket is not readable
   */
  OpenedBlobStore openForReading(Path dataDir) throws IOException, StartupFailure {
    validate();
    if (!isS3()) {
      Path root = directory(dataDir);
      if (!Files.isDirectory(root)) {
        throw new StartupFailure("no blob directory at " + root
            + " (is --data-dir the server's? --blob-store names another place)");
      }
      return new OpenedBlobStore(new FileArtifactBackend(root), root.toString(), () -> {});
    }
    return openS3(S3ArtifactBackend::checkBucketReadable);
  }

  private Path directory(Path dataDir) {
    return blobStore == null ? dataDir.resolve("blobs") : Path.of(blobStore).toAbsolutePath().normalize();
  }

  private interface BucketCheck {
    void run(S3ArtifactBackend backend) throws IOException;
  }

  private OpenedBlobStore openS3(BucketCheck check) throws StartupFailure {
    S3ArtifactBackend s3 = validated;
    validated = null;
    try {
      check.run(s3);
    } catch (IOException e) {
      s3.close();
      throw new StartupFailure(e.getMessage());
    }
    String where = blobStore + (s3Endpoint == null ? "" : " at " + withoutUserInfo(s3Endpoint));
    return new OpenedBlobStore(s3, where, s3::close);
  }

  private S3ArtifactBackend buildS3() {
    String location = blobStore.substring(S3_SCHEME.length());
    int slash = location.indexOf('/');
    S3ArtifactBackend.Builder builder = S3ArtifactBackend.builder().pathStyleAccess(s3PathStyle);
    option("--blob-store", () -> builder
        .bucket(slash < 0 ? location : location.substring(0, slash))
        .keyPrefix(slash < 0 ? "" : location.substring(slash + 1)));
    option("--s3-buffer-budget", () -> builder.bufferBudget(s3BufferBudget));
    option("--s3-max-connections", () -> builder.maxConnections(s3MaxConnections));
    option("--s3-request-timeout", () -> builder.requestTimeout(s3RequestTimeout));
    option("--s3-read-timeout", () -> builder.readTimeout(s3ReadTimeout));
    if (s3Endpoint != null) {
      option("--s3-endpoint", () -> builder.endpoint(s3Endpoint));
    }
    if (s3Region != null) {
      option("--s3-region", () -> builder.region(s3Region));
    }
    try {
      return builder.build();
    } catch (IllegalStateException e) { // a budget below a part, or no region anywhere
      throw new ParameterException(command.commandLine(),
          "S3 options (--s3-region, --s3-buffer-budget): " + e.getMessage());
    }
  }

  /** The endpoint to print: without any user name or password written into it. */
  private static String withoutUserInfo(URI endpoint) {
    return endpoint.getRawUserInfo() == null
        ? endpoint.toString()
        : endpoint.toString().replace(endpoint.getRawUserInfo() + "@", "");
  }

  /** Runs a builder step, turning the builder's refusal into a usage error about {@code name}. */
  private void option(String name, Runnable step) {
    try {
      step.run();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), name + ": " + e.getMessage());
    }
  }

  /** An open blob store, how to name it in a start-up line, and how to release it. */
  record OpenedBlobStore(ArtifactBackend backend, String description, Closeable closer) implements Closeable {
    @Override
    public void close() throws IOException {
      closer.close();
    }
  }
}
