package dev.eden.artifacts.client.internal;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.client.ArtifactDigestMismatchException;
import dev.eden.artifacts.client.FetchedFile;
import dev.eden.artifacts.client.ProgressListener;
import dev.eden.artifacts.client.ProgressListener.Direction;
import dev.eden.artifacts.client.internal.FetchHeaders.ContentRange;
import dev.eden.artifacts.client.internal.Retrier.LocalFailure;
import dev.eden.artifacts.internal.CrashSafeFile;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One download of an artifact into a file, across all the attempts of one fetch: the bytes go to a
 * {@link CrashSafeFile} beside the target, published over the target only once every byte arrived
 * and checked out. A failed download leaves no file behind and the target untouched.
 *
 * <p><b>Resuming.</b> The temp file and what is known about its bytes outlive an attempt. When the
 * first full answer ({@code 200}) carried a strong {@code ETag} and a {@code Content-Length}, and did
 * not say {@code Accept-Ranges: none}, a later attempt asks only for the missing bytes
 * ({@code Range: bytes=<written>-}, {@code If-Range: <etag>}); a {@code 206} that continues exactly
 * where the file ends (same tag, same complete length, same announced digest) is appended, anything
 * else starts over: a {@code 200} is written from byte zero, a {@code 206} that does not fit is
 * refused by {@link #fits} so the caller asks for everything.
 *
 * <p><b>Integrity.</b> The SHA-256 of the whole artifact announced by the first full answer
 * ({@link FetchHeaders#announcedSha256}) is checked against a running digest of the file's bytes,
 * carried across resumes (constant memory, no second read of the file), before the file is
 * published. A mismatch empties the file (the next attempt, if any, starts over) and throws
 * {@link ArtifactDigestMismatchException}.
 *
 * <p>Errors keep their kind: those of the connection (a body cut short, a digest mismatch) are
 * {@link IOException}s the {@link Retrier} may retry; those of the local file system (a missing
 * directory, a full disk, a target that cannot be replaced) are {@link LocalFailure}s, which end
 * the fetch at once with the file system's own exception.
 *
 * <p>Not thread-safe; close it when the fetch ends (that removes an unpublished temp file).
 */
public final class FileDownload implements Closeable {
  private static final int BUFFER_BYTES = 64 * 1024;
  /** Of the target's name in the temp file's, in UTF-8 bytes: file names end at 255 bytes. */
  private static final int MAX_NAME_BYTES_IN_TEMP = 128;

  private final Path target;
  private final CrashSafeFile file;
  private final boolean verify;
  private final ProgressListener progress;

  /** Bytes of the artifact in the temp file, from its start. */
  private long written;
  /** The strong tag of the bytes in the temp file, or {@code null}: they cannot be resumed. */
  private String validator;
  /** The artifact's length as the full answer announced it, or {@code -1}. */
  private long size = -1;
  private String contentType;
  /** The digest to check at the end, or {@code null}. */
  private String expectedSha256;
  /** Over the {@link #written} bytes, when there is a digest to check. */
  private MessageDigest digest;

  private FileDownload(Path target, CrashSafeFile file, boolean verify, ProgressListener progress) {
    this.target = target;
    this.file = file;
    this.verify = verify;
    this.progress = progress;
  }

  /**
   * Prepares a download into {@code target}, creating the temp file beside it
   * ({@code .<name>.<random>.part}) so that a target that cannot be written fails before any
   * request.
   *
   * @param verify whether to check the announced digest
   * @throws IllegalArgumentException if {@code target} does not name a file or is an existing
   *     directory (checked before the temp file is created)
   * @throws IOException if the temp file cannot be created (the directory is missing, for example)
   */
  public static FileDownload into(Path target, boolean verify, ProgressListener progress)
      throws IOException {
    Path absolute = requireNonNull(target, "target").toAbsolutePath();
    Path directory = absolute.getParent();
    Path name = absolute.getFileName();
    if (directory == null || name == null) {
      throw new IllegalArgumentException("target must name a file: " + target);
    }
    if (Files.isDirectory(absolute)) {
      // The rename over it would fail only after the whole download.
      throw new IllegalArgumentException("target is a directory: " + target);
    }
    String shown = shortened(name.toString());
    return new FileDownload(absolute, CrashSafeFile.create(directory, "." + shown + ".", ".part"),
        verify, requireNonNull(progress, "progress"));
  }

  /** The temp file, for tests. */
  Path temp() {
    return file.temp();
  }

  /** Bytes kept for the next attempt. */
  public long written() {
    return written;
  }

  /**
   * The bytes the next attempt will not fetch again: those written, when they can be continued
   * (the first answer had a strong validator); else none. The fetch's retry budget starts afresh
   * whenever this grows (see {@code Retrier}).
   */
  public long kept() {
    return written > 0 && validator != null && written < size ? written : 0;
  }

  /**
   * The request for the next attempt: {@code full} with {@code Range} and {@code If-Range} when the
   * bytes already written can be continued, else {@code full} itself.
   */
  public Request nextRequest(Request full) {
    if (kept() > 0) {
      return FetchHeaders.ranged(full, written, -1, validator);
    }
    return full;
  }

  /**
   * Whether a {@code 206} answer to {@link #nextRequest} continues the file: its
   * {@code Content-Range} starts at the bytes written and runs to the end of the same complete
   * length, under the same strong tag, announcing the same digest (if any). A caller given
   * {@code false} must {@link #restart()} and ask for everything.
   */
  public boolean fits(Response partial) {
    Optional<ContentRange> range = FetchHeaders.contentRange(partial);
    if (range.isEmpty() || range.get().first() != written || range.get().complete() != size
        || range.get().last() != size - 1) {
      return false;
    }
    if (!validator.equals(FetchHeaders.strongEtag(partial))) {
      return false;
    }
    String announced = FetchHeaders.announcedSha256(partial);
    return announced == null || expectedSha256 == null || announced.equals(expectedSha256);
  }

  /** Forgets the bytes written: the next attempt asks for, and writes, everything. */
  public void restart() throws LocalFailure {
    local(() -> file.channel().truncate(0).position(0));
    written = 0;
    validator = null;
    size = -1;
    expectedSha256 = null;
    digest = null;
  }

  /**
   * One attempt: writes the body of a {@code 200} from the start, or of a {@code 206} that
   * {@link #fits} after the bytes kept; then, once the file holds the whole artifact and it
   * verifies, publishes it over the target. Does not close {@code response}.
   *
   * @throws IOException from the connection (a body cut short, a digest mismatch): worth another
   *     attempt, which resumes if it can
   * @throws LocalFailure from the local file system: not worth one
   */
  public FetchedFile receive(Response response) throws IOException, LocalFailure {
    if (response.code() == 206) {
      if (written == 0 || validator == null) {
        throw new IllegalStateException("a 206 answers only a request for the rest");
      }
    } else {
      restart();
      size = response.body().contentLength();
      String type = response.header("Content-Type");
      contentType = type == null ? ContentTypes.OCTET_STREAM : type;
      expectedSha256 = verify ? FetchHeaders.announcedSha256(response) : null;
      digest = expectedSha256 == null ? null : Sha256.newDigest();
      validator = size >= 0 && !FetchHeaders.refusesRanges(response)
          ? FetchHeaders.strongEtag(response) : null;
    }
    progress.onProgress(Direction.RECEIVED, written, size);
    copy(response.body().byteStream());
    if (size >= 0 && written != size) {
      throw new TruncatedBodyException(size, written);
    }
    if (expectedSha256 != null) {
      String actual = HexFormat.of().formatHex(digest.digest());
      if (!actual.equals(expectedSha256)) {
        String expected = expectedSha256;
        restart();
        throw new ArtifactDigestMismatchException(expected, actual);
      }
    }
    local(() -> {
      file.publishReplacing(target);
      return null;
    });
    return new FetchedFile(target, written, contentType, Optional.ofNullable(expectedSha256));
  }

  private void copy(InputStream body) throws IOException, LocalFailure {
    FileChannel channel = file.channel();
    local(() -> channel.position(written));
    byte[] buffer = new byte[BUFFER_BYTES];
    for (int read; (read = body.read(buffer)) != -1; ) {
      if (size >= 0 && written + read > size) {
        restart();
        throw new java.net.ProtocolException(
            "server sent more than the announced " + size + " bytes");
      }
      ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, read);
      local(() -> {
        while (chunk.hasRemaining()) {
          channel.write(chunk);
        }
        return null;
      });
      // Hashed only once written: the digest always covers exactly the bytes in the file.
      if (digest != null) {
        digest.update(buffer, 0, read);
      }
      written += read;
      progress.onProgress(Direction.RECEIVED, written, size);
    }
  }

  /** Removes the temp file unless it was published. */
  @Override
  public void close() throws IOException {
    file.close();
  }

  private interface LocalAction {
    Object run() throws IOException;
  }

  private static void local(LocalAction action) throws LocalFailure {
    try {
      action.run();
    } catch (IOException e) {
      throw new LocalFailure(e);
    }
  }

  /** {@code name} cut to at most {@link #MAX_NAME_BYTES_IN_TEMP} UTF-8 bytes, between code points. */
  private static String shortened(String name) {
    int bytes = 0;
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes > MAX_NAME_BYTES_IN_TEMP) {
        return name.substring(0, i);
      }
      i += Character.charCount(cp);
    }
    return name;
  }
}
