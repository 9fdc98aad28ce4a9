package dev.eden.artifacts.s3.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Every S3 request the backend makes, on one bucket: each method is one request (or says why it
 * makes two), and turns SDK failures into {@link IOException}s through {@link S3Failures}.
 * Thread-safe (the SDK client is).
 */
public final class BucketOps {
  /**
   * User metadata naming the writer of an object. A conditional write that the SDK retried after
   * the first attempt landed is answered 412 although the object is ours; the token tells the two
   * apart.
   */
  static final String WRITER_TOKEN = "eden-writer";
  private static final String CONTENT_TYPE = "application/octet-stream";
  /** 4 EiB: larger than any object a store holds (S3's limit is 5 TiB). */
  static final long LARGEST_OBJECT = 1L << 62;

  private final S3Client client;
  private final String bucket;

  public BucketOps(S3Client client, String bucket) {
    this.client = client;
    this.bucket = bucket;
  }

  public String bucket() {
    return bucket;
  }

  /** {@code s3://bucket/key}, for messages. */
  public String location(String key) {
    return "s3://" + bucket + "/" + key;
  }

  /** How a create-only write ended. */
  public enum Outcome {
    /** The object is now there. */
    CREATED,
    /** Another object was already there, or another write to the key was in progress. */
    EXISTS,
    /** The multipart upload was gone (completed by an earlier attempt, or aborted by a sweep). */
    NO_SUCH_UPLOAD,
  }

  // ---- writes ----------------------------------------------------------------------------------

  /** One {@code PutObject} with {@code If-None-Match: *} of the buffer's bytes. */
  public Outcome putIfAbsent(String key, String writerToken, PartBuffer body) throws IOException {
    try {
      client.putObject(r -> r.bucket(bucket).key(key).ifNoneMatch("*")
              .contentType(CONTENT_TYPE).metadata(Map.of(WRITER_TOKEN, writerToken)),
          RequestBody.fromContentProvider(body::newInputStream, body.size(), CONTENT_TYPE));
      return Outcome.CREATED;
    } catch (SdkException e) {
      if (S3Failures.isPreconditionFailed(e)) {
        return Outcome.EXISTS;
      }
      throw S3Failures.io("PUT " + location(key), e);
    }
  }

  /** {@code CreateMultipartUpload}; returns the upload id. */
  public String createUpload(String key, String writerToken) throws IOException {
    try {
      return client.createMultipartUpload(r -> r.bucket(bucket).key(key)
          .contentType(CONTENT_TYPE).metadata(Map.of(WRITER_TOKEN, writerToken))).uploadId();
    } catch (SdkException e) {
      throw S3Failures.io("starting a multipart upload to " + location(key), e);
    }
  }

  /** {@code UploadPart} of the buffer's bytes as part {@code number}. */
  public CompletedPart uploadPart(String key, String uploadId, int number, PartBuffer body)
      throws IOException {
    try {
      String etag = client.uploadPart(
          r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(number).contentLength(body.size()),
          RequestBody.fromContentProvider(body::newInputStream, body.size(), CONTENT_TYPE)).eTag();
      return CompletedPart.builder().partNumber(number).eTag(etag).build();
    } catch (SdkException e) {
      throw S3Failures.io("uploading part " + number + " to " + location(key), e);
    }
  }

  /** {@code CompleteMultipartUpload} with {@code If-None-Match: *}. */
  public Outcome completeIfAbsent(String key, String uploadId, List<CompletedPart> parts)
      throws IOException {
    try {
      client.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
          .ifNoneMatch("*").multipartUpload(m -> m.parts(parts)));
      return Outcome.CREATED;
    } catch (SdkException e) {
      if (S3Failures.isPreconditionFailed(e)) {
        return Outcome.EXISTS;
      }
      if (S3Failures.isNoSuchUpload(e)) {
        return Outcome.NO_SUCH_UPLOAD;
      }
      throw S3Failures.io("completing the multipart upload to " + location(key), e);
    }
  }

  /**
   * {@code AbortMultipartUpload}.
   *
   * @return whether this call aborted it ({@code false} if it was already gone)
   */
  public boolean abortUpload(String key, String uploadId) throws IOException {
    try {
      client.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
      return true;
    } catch (SdkException e) {
      if (S3Failures.isNoSuchUpload(e)) {
        return false;
      }
      throw S3Failures.io("aborting the multipart upload to " + location(key), e);
    }
  }

  /** A {@code HEAD}: whether the object at {@code key} exists and was written with this token. */
  public boolean isWrittenBy(String key, String writerToken) throws IOException {
    try {
      HeadObjectResponse head = client.headObject(r -> r.bucket(bucket).key(key));
      for (Map.Entry<String, String> entry : head.metadata().entrySet()) {
        if (entry.getKey().toLowerCase(Locale.ROOT).equals(WRITER_TOKEN)) {
          return writerToken.equals(entry.getValue());
        }
      }
      return false;
    } catch (SdkException e) {
      if (S3Failures.isNotFound(e)) {
        return false;
      }
      throw S3Failures.io("HEAD " + location(key), e);
    }
  }

  // ---- reads and deletes -----------------------------------------------------------------------

  /**
   * One {@code GetObject} for the bytes {@code [offset, offset + length)}, with a {@code Range}
   * header only when that is not the whole object: a whole read from offset 0 sends none (some
   * servers answer {@code bytes=0-} on an empty object with 416). A 416 means the object exists and
   * the range starts at or past its end: an empty stream. A {@code length} of 0 asks for one byte
   * only to learn whether the object exists, and answers an empty stream.
   *
   * @return empty only for {@code NoSuchKey}
   */
  public Optional<InputStream> get(String key, long offset, long length) throws IOException {
    String range = rangeHeader(offset, length);
    ResponseInputStream<GetObjectResponse> in;
    try {
      in = client.getObject(r -> r.bucket(bucket).key(key).range(range));
    } catch (SdkException e) {
      if (S3Failures.isNoSuchKey(e)) {
        return Optional.empty();
      }
      if (S3Failures.isRangeNotSatisfiable(e)) {
        return Optional.of(InputStream.nullInputStream());
      }
      throw S3Failures.io("GET " + location(key), e);
    }
    GetObjectResponse response = in.response();
    long bodyLength = response.contentLength() == null ? -1 : response.contentLength();
    ObjectStream stream = new ObjectStream(in, bodyLength, length, location(key));
    try {
      if (range != null && response.contentRange() == null) {
        stream.discard(offset); // the server ignored the Range and sent the whole object
      }
      if (length == 0) {
        stream.close();
        return Optional.of(InputStream.nullInputStream());
      }
      return Optional.of(stream);
    } catch (IOException | RuntimeException e) {
      try {
        stream.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * The {@code Range} header for {@code [offset, offset + length)}, or null for the whole object. A
   * range that ends past {@link #LARGEST_OBJECT} is open-ended ({@code bytes=offset-}): no object
   * is that large, and a last byte near {@code Long.MAX_VALUE} spelt out makes some servers
   * (s3proxy 4.1.0) announce a {@code Content-Length} of the range instead of the bytes they send.
   */
  static String rangeHeader(long offset, long length) {
    if (length == 0) {
      return "bytes=" + offset + "-" + offset;
    }
    boolean toTheEnd = offset >= LARGEST_OBJECT || length > LARGEST_OBJECT - offset;
    if (toTheEnd) {
      return offset == 0 ? null : "bytes=" + offset + "-";
    }
    return "bytes=" + offset + "-" + (offset + length - 1);
  }

  /**
   * Whether the object exists: a {@code HEAD}, and only when that answers 404 a {@code HeadBucket}
   * as well, because a HEAD's 404 has no body to tell a missing key from a missing bucket.
   */
  public boolean exists(String key) throws IOException {
    try {
      client.headObject(r -> r.bucket(bucket).key(key));
      return true;
    } catch (SdkException e) {
      if (!S3Failures.isNotFound(e)) {
        throw S3Failures.io("HEAD " + location(key), e);
      }
    }
    headBucket();
    return false;
  }

  /** {@code DeleteObject}; succeeds whether or not the key existed. */
  public void delete(String key) throws IOException {
    try {
      client.deleteObject(r -> r.bucket(bucket).key(key));
    } catch (SdkException e) {
      throw S3Failures.io("DELETE " + location(key), e);
    }
  }

  /** {@code HeadBucket}: the bucket exists and these credentials may list it. */
  public void headBucket() throws IOException {
    try {
      client.headBucket(r -> r.bucket(bucket));
    } catch (SdkException e) {
      throw S3Failures.io("HEAD bucket " + bucket, e);
    }
  }

  // ---- listings --------------------------------------------------------------------------------

  /**
   * Every object under {@code prefix}, one {@code ListObjectsV2} page at a time: the first page is
   * read now (so a missing bucket is an {@code IOException} here), the others while the stream is
   * consumed (a failure then is an {@link UncheckedIOException}).
   */
  public Stream<S3Object> list(String prefix) throws IOException {
    ListObjectsV2Response first = listPage(prefix, null);
    Iterator<S3Object> objects = new Iterator<>() {
      private ListObjectsV2Response page = first;
      private Iterator<S3Object> current = first.contents().iterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext()) {
          String token = page.nextContinuationToken();
          if (!Boolean.TRUE.equals(page.isTruncated()) || token == null) {
            return false;
          }
          try {
            page = listPage(prefix, token);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          current = page.contents().iterator();
        }
        return true;
      }

      @Override
      public S3Object next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(objects, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  private ListObjectsV2Response listPage(String prefix, String continuationToken) throws IOException {
    try {
      return client.listObjectsV2(r -> r.bucket(bucket).prefix(prefix).continuationToken(continuationToken));
    } catch (SdkException e) {
      throw S3Failures.io("listing s3://" + bucket + "/" + prefix, e);
    }
  }

  /**
   * Hands every multipart upload in progress under {@code prefix} to {@code each}, one {@code
   * ListMultipartUploads} page at a time.
   */
  public void forEachUpload(String prefix, UploadConsumer each) throws IOException {
    String keyMarker = null;
    String uploadIdMarker = null;
    while (true) {
      ListMultipartUploadsResponse page;
      try {
        String key = keyMarker;
        String uploadId = uploadIdMarker;
        page = client.listMultipartUploads(
            r -> r.bucket(bucket).prefix(prefix).keyMarker(key).uploadIdMarker(uploadId));
      } catch (SdkException e) {
        throw S3Failures.io("listing multipart uploads under s3://" + bucket + "/" + prefix, e);
      }
      for (MultipartUpload upload : page.uploads()) {
        each.accept(upload);
      }
      if (!Boolean.TRUE.equals(page.isTruncated())) {
        return;
      }
      if (page.nextKeyMarker() == null
          || (page.nextKeyMarker().equals(keyMarker) && Objects.equals(page.nextUploadIdMarker(), uploadIdMarker))) {
        throw new IOException("listing multipart uploads under s3://" + bucket + "/" + prefix
            + " failed: the server's page markers do not advance");
      }
      keyMarker = page.nextKeyMarker();
      uploadIdMarker = page.nextUploadIdMarker();
    }
  }

  /** How many bytes an upload's parts hold and when the latest of them arrived. */
  public record UploadProgress(long sizeBytes, Optional<Instant> lastPartAt) {}

  /**
   * The parts uploaded so far to one multipart upload ({@code ListParts}, page by page), or empty
   * when the upload is gone (completed or aborted meanwhile).
   */
  public Optional<UploadProgress> progress(String key, String uploadId) throws IOException {
    long size = 0;
    Instant latest = null;
    Integer marker = null;
    while (true) {
      ListPartsResponse page;
      try {
        Integer after = marker;
        page = client.listParts(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumberMarker(after));
      } catch (SdkException e) {
        if (S3Failures.isNoSuchUpload(e)) {
          return Optional.empty();
        }
        throw S3Failures.io("listing the parts of upload " + uploadId + " of " + location(key), e);
      }
      for (Part part : page.parts()) {
        size += part.size() == null ? 0 : part.size();
        if (part.lastModified() != null && (latest == null || part.lastModified().isAfter(latest))) {
          latest = part.lastModified();
        }
      }
      if (!Boolean.TRUE.equals(page.isTruncated())) {
        return Optional.of(new UploadProgress(size, Optional.ofNullable(latest)));
      }
      if (page.nextPartNumberMarker() == null || page.nextPartNumberMarker().equals(marker)) {
        throw new IOException("listing the parts of upload " + uploadId + " of " + location(key)
            + " failed: the server's page markers do not advance");
      }
      marker = page.nextPartNumberMarker();
    }
  }

  /** What {@link #forEachUpload} hands each upload to. */
  @FunctionalInterface
  public interface UploadConsumer {
    void accept(MultipartUpload upload) throws IOException;
  }
}
