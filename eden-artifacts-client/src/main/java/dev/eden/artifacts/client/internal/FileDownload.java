package dev.eden.artifacts.client.internal;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.client.ArtifactInputStream;
import dev.eden.artifacts.client.FetchedFile;
import dev.eden.artifacts.client.internal.Retrier.LocalFailure;
import dev.eden.artifacts.internal.CrashSafeFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One download of an artifact into a file, across all the attempts of one fetch: the bytes go to a
 * {@link CrashSafeFile} beside the target, published over the target only once every byte arrived
 * and checked out. A failed download leaves no file behind and the target untouched.
 *
 * <p>Errors keep their kind: those of the connection (a body cut short, a digest mismatch) are
 * {@link IOException}s the {@link Retrier} may retry; those of the local file system (a missing
 * directory, a full disk, a target that cannot be replaced) are {@link LocalFailure}s, which end
 * the fetch at once with the file system's own exception.
 *
 * <p>The temp file lives as long as this object, not one attempt: today each attempt starts it
 * over, and a resumed fetch will continue it instead. Not thread-safe; close it when the fetch
 * ends.
 */
public final class FileDownload implements Closeable {
  private static final int BUFFER_BYTES = 64 * 1024;
  /** Of the target's name in the temp file's, in UTF-8 bytes: file names end at 255 bytes. */
  private static final int MAX_NAME_BYTES_IN_TEMP = 128;

  private final Path target;
  private final CrashSafeFile file;

  private FileDownload(Path target, CrashSafeFile file) {
    this.target = target;
    this.file = file;
  }

  /**
   * Prepares a download into {@code target}, creating the temp file beside it
   * ({@code .<name>.<random>.part}) so that a target that cannot be written fails before any
   * request.
   *
   * @throws IllegalArgumentException if {@code target} does not name a file
   * @throws IOException if the temp file cannot be created (the directory is missing, for example)
   */
  public static FileDownload into(Path target) throws IOException {
    Path absolute = requireNonNull(target, "target").toAbsolutePath();
    Path directory = absolute.getParent();
    Path name = absolute.getFileName();
    if (directory == null || name == null) {
      throw new IllegalArgumentException("target must name a file: " + target);
    }
    String shown = shortened(name.toString());
    return new FileDownload(absolute, CrashSafeFile.create(directory, "." + shown + ".", ".part"));
  }

  /**
   * One attempt: writes the whole body of {@code in} (from the start) to the temp file and
   * publishes it over the target. The stream reports a short body or a digest mismatch at its end,
   * before anything is published. Does not close {@code in}.
   *
   * @throws IOException from the connection: worth another attempt
   * @throws LocalFailure from the local file system: not worth one
   */
  public FetchedFile receive(ArtifactInputStream in) throws IOException, LocalFailure {
    FileChannel channel = file.channel();
    local(() -> channel.truncate(0).position(0));
    byte[] buffer = new byte[BUFFER_BYTES];
    long count = 0;
    for (int read; (read = in.read(buffer)) != -1; ) {
      ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, read);
      local(() -> {
        while (chunk.hasRemaining()) {
          channel.write(chunk);
        }
        return null;
      });
      count += read;
    }
    local(() -> {
      file.publishReplacing(target);
      return null;
    });
    return new FetchedFile(target, count, in.contentType(), in.sha256());
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
