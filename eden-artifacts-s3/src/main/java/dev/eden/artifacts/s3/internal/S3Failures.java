package dev.eden.artifacts.s3.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * What an SDK failure means here — the one place that reads S3 status codes and error codes — and
 * the {@link IOException} it becomes. Only a "no such key" is absence; everything else (a missing
 * bucket, 403, 5xx, a network failure) is an {@code IOException}, so no caller mistakes an outage
 * for a missing blob.
 */
public final class S3Failures {
  private S3Failures() {}

  /** The object does not exist (a GET's {@code 404 NoSuchKey}); not a missing bucket. */
  public static boolean isNoSuchKey(SdkException e) {
    return status(e) == 404 && "NoSuchKey".equals(code(e));
  }

  /**
   * A 404 without a body to tell why, as a HEAD answers: the key or the whole bucket is missing.
   * The SDK names it {@code NoSuchKey} either way.
   */
  public static boolean isNotFound(SdkException e) {
    return status(e) == 404;
  }

  /**
   * A conditional write lost: {@code 412 PreconditionFailed} (the key exists), or {@code 409
   * ConditionalRequestConflict} (a concurrent write to the key is in progress; S3 documents it for
   * conditional writes).
   */
  public static boolean isPreconditionFailed(SdkException e) {
    return status(e) == 412 || (status(e) == 409 && "ConditionalRequestConflict".equals(code(e)));
  }

  /** {@code 404 NoSuchUpload}: the multipart upload was completed or aborted. */
  public static boolean isNoSuchUpload(SdkException e) {
    return status(e) == 404 && "NoSuchUpload".equals(code(e));
  }

  /** {@code 416}: the range starts at or past the end of an object that exists. */
  public static boolean isRangeNotSatisfiable(SdkException e) {
    return status(e) == 416;
  }

  /**
   * {@code e} as an {@link IOException} whose one-line message says what failed and why: the S3
   * error code and status, or the client-side cause. An interrupted call is an {@link
   * InterruptedIOException}.
   *
   * @param what the operation and object, e.g. {@code "GET s3://bucket/key"}
   */
  public static IOException io(String what, SdkException e) {
    String message = oneLine(what + " failed: " + describe(e));
    IOException io = e instanceof AbortedException || Thread.currentThread().isInterrupted()
        ? new InterruptedIOException(message)
        : new IOException(message);
    io.initCause(e);
    return io;
  }

  /** The S3 error code and status, or the client-side failure. */
  public static String describe(SdkException e) {
    if (e instanceof AwsServiceException service) {
      AwsErrorDetails details = service.awsErrorDetails();
      String code = code(e);
      String text = details == null ? null : details.errorMessage();
      return (code == null ? "HTTP " + service.statusCode() : code + " (HTTP " + service.statusCode() + ")")
          + (text == null || text.isBlank() ? "" : ": " + text);
    }
    String text = e.getMessage();
    return text == null ? e.getClass().getSimpleName() : text;
  }

  private static int status(SdkException e) {
    return e instanceof AwsServiceException service ? service.statusCode() : -1;
  }

  private static String code(SdkException e) {
    if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      return service.awsErrorDetails().errorCode();
    }
    return null;
  }

  private static String oneLine(String text) {
    return text.replaceAll("[\\r\\n\\t]+", " ").strip();
  }
}
