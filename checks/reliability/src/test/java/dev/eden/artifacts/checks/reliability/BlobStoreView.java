package dev.eden.artifacts.checks.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What a server's blob store holds, read directly from the storage (never through the server):
 * the committed blobs, everything else that is there, and the leftovers of unfinished writes.
 */
interface BlobStoreView {
  /** The committed blobs: id to size in bytes. */
  Map<String, Long> committed() throws IOException;

  /** The bytes of the committed blob {@code id}; the caller closes the stream. */
  InputStream open(String id) throws IOException;

  /** The leftovers of unfinished writes: temp files, incomplete multipart uploads. */
  List<String> leftovers() throws IOException;

  /** Whatever else is there, that is neither a committed blob nor a leftover. */
  List<String> foreign() throws IOException;

  /** What a leftover is called in a figure line: "temps" or "uploads". */
  String leftoverName();

  /**
   * The file backend's blob directory: {@code <root>/<xx>/<id>} blobs, {@code .tmp-*} temp files in
   * the root.
   */
  static BlobStoreView files(Path root) {
    return new BlobStoreView() {
      @Override
      public Map<String, Long> committed() throws IOException {
        Map<String, Long> blobs = new HashMap<>();
        for (Path file : walk()) {
          if (isBlob(file)) {
            blobs.put(file.getFileName().toString(), Files.size(file));
          }
        }
        return blobs;
      }

      @Override
      public InputStream open(String id) throws IOException {
        return Files.newInputStream(root.resolve(id.substring(0, 2)).resolve(id));
      }

      @Override
      public List<String> leftovers() throws IOException {
        return walk().stream().filter(BlobStoreView::isTemp).map(f -> root.relativize(f).toString()).toList();
      }

      @Override
      public List<String> foreign() throws IOException {
        return walk().stream().filter(f -> !isBlob(f) && !isTemp(f) && !isShard(f))
            .map(f -> root.relativize(f).toString()).toList();
      }

      @Override
      public String leftoverName() {
        return "temps";
      }

      private List<Path> walk() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
          return all.filter(f -> !f.equals(root)).toList();
        }
      }

      private boolean isShard(Path f) {
        return f.getParent().equals(root) && Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)
            && f.getFileName().toString().matches("[0-9a-f]{2}");
      }

      private boolean isBlob(Path f) {
        String name = f.getFileName().toString();
        return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && name.matches("[0-9a-f]{32}")
            && f.getParent().getParent().equals(root) && name.startsWith(f.getParent().getFileName().toString());
      }
    };
  }

  private static boolean isTemp(Path f) {
    return f.getFileName().toString().startsWith(".tmp-");
  }

  /** A bucket under a key prefix ({@code <prefix>/<xx>/<id>}), with its incomplete multipart uploads. */
  static BlobStoreView s3(S3Client client, String bucket, String prefix) {
    String under = prefix + "/";
    return new BlobStoreView() {
      @Override
      public Map<String, Long> committed() {
        Map<String, Long> blobs = new HashMap<>();
        for (S3Object object : objects()) {
          if (isBlob(object.key())) {
            blobs.put(object.key().substring(object.key().lastIndexOf('/') + 1), object.size());
          }
        }
        return blobs;
      }

      @Override
      public InputStream open(String id) {
        return client.getObject(r -> r.bucket(bucket).key(under + id.substring(0, 2) + "/" + id));
      }

      @Override
      public List<String> leftovers() {
        List<String> uploads = new ArrayList<>();
        for (MultipartUpload upload : client.listMultipartUploadsPaginator(r -> r.bucket(bucket).prefix(under)).uploads()) {
          uploads.add(upload.key() + " (upload " + upload.uploadId() + ")");
        }
        return uploads;
      }

      @Override
      public List<String> foreign() {
        return objects().stream().map(S3Object::key).filter(key -> !isBlob(key)).toList();
      }

      @Override
      public String leftoverName() {
        return "uploads";
      }

      private List<S3Object> objects() {
        return client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(under)).contents().stream().toList();
      }

      private boolean isBlob(String key) {
        String rest = key.substring(under.length());
        return rest.matches("[0-9a-f]{2}/[0-9a-f]{32}") && rest.substring(3).startsWith(rest.substring(0, 2));
      }
    };
  }
}
