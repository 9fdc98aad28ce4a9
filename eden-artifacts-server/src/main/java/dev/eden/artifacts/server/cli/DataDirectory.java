package dev.eden.artifacts.server.cli;

import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.internal.CrashSafeFile;
import dev.eden.artifacts.server.internal.Secrets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The runnable server's small files in its data directory: the generated admin token and the
 * minted experiment id, both created once, owner-only, and reused by later starts.
 */
final class DataDirectory {
  static final String ADMIN_TOKEN_FILE = "admin-token";
  static final String EXPERIMENT_FILE = "experiment-id";

  private DataDirectory() {}

  /**
   * The admin token: {@code fromEnv} when set, else the token file's content, generated on first
   * use. Says on {@code out} where it came from, never what it is.
   */
  static String adminToken(Path data, String fromEnv, PrintWriter out) throws IOException {
    if (fromEnv != null && !fromEnv.isEmpty()) {
      out.println("admin token: from " + ServeCommand.ADMIN_TOKEN_ENV);
      return fromEnv;
    }
    Path file = data.resolve(ADMIN_TOKEN_FILE);
    if (!Files.exists(file)) {
      createOnce(file, Secrets.randomToken(32) + "\n");
      out.println("admin token: generated into " + file + " (bearer: admin:<contents of that file>)");
    } else {
      out.println("admin token: read from " + file + " (bearer: admin:<contents of that file>)");
    }
    String token = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (token.isEmpty()) {
      throw new IOException("the admin token file " + file + " is empty");
    }
    return token;
  }

  /**
   * The experiments to serve: the {@code given} ids (already validated), or else the one kept in
   * the data directory, minted on first use. Prints each.
   */
  static List<ExperimentId> experiments(Path data, List<String> given, PrintWriter out) throws IOException {
    List<ExperimentId> served = new ArrayList<>();
    if (!given.isEmpty()) {
      given.forEach(e -> served.add(ExperimentId.parse(e)));
    } else {
      Path file = data.resolve(EXPERIMENT_FILE);
      if (!Files.exists(file)) {
        createOnce(file, ExperimentId.mint().value() + "\n");
      }
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (!ExperimentId.isValid(text)) {
        throw new IOException(file + " does not hold a valid experiment id");
      }
      served.add(ExperimentId.parse(text));
    }
    for (ExperimentId e : served) {
      out.println("experiment: " + e);
    }
    return served;
  }

  /** Creates {@code dir} (and parents) owner-only, unless it already exists. */
  static void createOwnerOnly(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(dir);
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /**
   * Creates {@code file} holding {@code content}, owner-only, all or nothing, through the project's
   * one crash-safe write ({@link CrashSafeFile}): a crash never leaves an empty file, and of two
   * starts racing the first link wins and both read its content.
   */
  private static void createOnce(Path file, String content) throws IOException {
    try (CrashSafeFile temp = CrashSafeFile.create(file.toAbsolutePath().getParent(),
        "." + file.getFileName(), ".tmp")) {
      ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        temp.channel().write(bytes);
      }
      temp.publishExclusively(file);
    } catch (FileAlreadyExistsException e) {
      // another start created it first; its content stands
    }
  }
}
