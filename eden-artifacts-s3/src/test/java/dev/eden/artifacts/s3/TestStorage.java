package dev.eden.artifacts.s3;

import dev.eden.artifacts.s3.testing.S3TestServer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Buckets, prefixes and raw looks into the test server, for this module's tests. */
final class TestStorage {
  private static final Map<Class<?>, String> BUCKETS = new ConcurrentHashMap<>();

  private TestStorage() {}

  static S3TestServer server() {
    return S3TestServer.shared();
  }

  /**
   * The bucket of one test class, made on first use — inside a test, so that without a server
   * each test is skipped (or fails under CI) on its own, visibly.
   */
  static String bucketFor(Class<?> testClass) {
    return BUCKETS.computeIfAbsent(testClass, c -> server().createBucket());
  }

  /** A new random key prefix, so no two backends see each other's objects. */
  static String freshPrefix() {
    byte[] random = new byte[5];
    ThreadLocalRandom.current().nextBytes(random);
    return "t-" + HexFormat.of().formatHex(random) + "/";
  }

  /** A backend builder on the shared client, with the smallest part size S3 allows. */
  static S3ArtifactBackend.Builder onSharedClient(String bucket) {
    return S3ArtifactBackend.builder()
        .client(server().client())
        .bucket(bucket)
        .keyPrefix(freshPrefix())
        .partSize(S3ArtifactBackend.MIN_PART_SIZE);
  }

  /** The multipart uploads in progress under the prefix, straight from the server. */
  static List<MultipartUpload> uploads(String bucket, String prefix) {
    return server().client().listMultipartUploads(r -> r.bucket(bucket).prefix(prefix)).uploads();
  }

  /** The keys of every object under the prefix, straight from the server. */
  static List<String> keys(String bucket, String prefix) {
    return server().client().listObjectsV2(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
        .map(S3Object::key).toList();
  }
}
