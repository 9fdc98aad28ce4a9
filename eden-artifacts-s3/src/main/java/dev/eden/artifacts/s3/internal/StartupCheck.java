package dev.eden.artifacts.s3.internal;

import dev.eden.artifacts.s3.internal.BucketOps.Outcome;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The start-up check of a bucket: reachable, writable, deletable, and create-only on both write
 * paths. Every failure is one {@link IOException} with a one-line message naming the location and
 * the cause.
 */
public final class StartupCheck {
  private StartupCheck() {}

  /** Runs the read-only check; see {@code S3ArtifactBackend.checkBucketReadable()}. */
  public static void runReadOnly(BucketOps bucket, S3Keys keys) throws IOException {
    try {
      bucket.headBucket();
    } catch (IOException e) {
      throw new IOException("S3 storage s3://" + bucket.bucket() + "/" + keys.prefix() + " is not readable: "
          + e.getMessage(), e);
    }
  }

  /** Runs the check; see {@code S3ArtifactBackend.checkBucket()}. */
  public static void run(BucketOps bucket, S3Keys keys) throws IOException {
    String where = "S3 storage s3://" + bucket.bucket() + "/" + keys.prefix() + " is not usable: ";
    try {
      bucket.headBucket();
    } catch (IOException e) {
      throw new IOException(where + e.getMessage(), e);
    }
    String token = UUID.randomUUID().toString();
    String probe = keys.probeKey(token);
    Outcome first;
    try {
      first = bucket.putIfAbsent(probe, token, oneByte());
    } catch (IOException e) {
      throw new IOException(where + e.getMessage(), e);
    }
    if (first != Outcome.CREATED) {
      throw new IOException(where + "a new probe object " + bucket.location(probe) + " already exists");
    }
    IOException failure = null;
    try {
      if (bucket.putIfAbsent(probe, token, oneByte()) == Outcome.CREATED) {
        failure = ignoresPrecondition(where, "PutObject");
      } else if (completeOver(bucket, probe, token) == Outcome.CREATED) {
        failure = ignoresPrecondition(where, "CompleteMultipartUpload");
      }
    } catch (IOException e) {
      failure = new IOException(where + e.getMessage(), e);
    }
    try {
      bucket.delete(probe);
    } catch (IOException e) {
      IOException deleteFailure = new IOException(where + e.getMessage(), e);
      if (failure == null) {
        failure = deleteFailure;
      } else {
        failure.addSuppressed(deleteFailure);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** A one-part multipart upload onto {@code key}, completed with If-None-Match and then aborted. */
  private static Outcome completeOver(BucketOps bucket, String key, String token) throws IOException {
    String uploadId = bucket.createUpload(key, token);
    Outcome outcome = null;
    try {
      List<CompletedPart> parts = List.of(bucket.uploadPart(key, uploadId, 1, oneByte()));
      outcome = bucket.completeIfAbsent(key, uploadId, parts);
      return outcome;
    } finally {
      if (outcome != Outcome.CREATED) {
        bucket.abortUpload(key, uploadId);
      }
    }
  }

  private static IOException ignoresPrecondition(String where, String request) {
    return new IOException(where + "the server ignores If-None-Match: * on " + request
        + ", so a commit could replace an existing artifact; use a server that honours conditional"
        + " writes on PutObject and CompleteMultipartUpload");
  }

  private static PartBuffer oneByte() throws IOException {
    PartBuffer buffer = new PartBuffer(new BufferBudget(1, 1).newHolder(), 1);
    buffer.write(new byte[] {'.'}, 0, 1);
    return buffer;
  }
}
