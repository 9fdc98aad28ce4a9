package dev.eden.artifacts.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eden.artifacts.server.internal.Secrets;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Reading and replacing the registry's JSON file: reads tolerate a missing file (an empty
 * registry); writes are read-modify-write under a lock file, through an owner-only, fsync'd temp
 * file moved atomically over the old one, so readers never see half a file. Stateless.
 */
final class RegistryFile {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A change to the registry's JSON root, applied under the lock. */
  interface Mutation {
    void apply(ObjectNode root) throws IOException;
  }

  private RegistryFile() {}

  /** The file's JSON root, or an empty registry when the file does not exist. */
  static JsonNode read(Path file) throws IOException {
    try {
      JsonNode root = JSON.readTree(Files.readAllBytes(file));
      if (root == null || !root.isObject()) {
        throw new IOException("credential registry " + file + " is not a JSON object");
      }
      return root;
    } catch (NoSuchFileException e) {
      return emptyRoot();
    }
  }

  /** Applies {@code mutation} to the current content and replaces the file atomically. */
  static void update(Path file, Mutation mutation) throws IOException {
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path lockFile = dir.resolve("." + file.getFileName() + ".lock");
    try (FileChannel lockChannel = openLockFile(lockFile);
        FileLock lock = lockChannel.lock()) {
      ObjectNode root = (ObjectNode) read(file);
      if (!root.has("workers")) {
        root.putObject("workers");
      }
      if (!root.has("groups")) {
        root.putObject("groups");
      }
      root.put("version", 1);
      mutation.apply(root);
      Path temp = dir.resolve("." + file.getFileName() + "." + Secrets.randomToken(6) + ".tmp");
      try {
        Files.write(temp, JSON.writeValueAsBytes(root), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ownerOnly(temp);
        try (FileChannel c = FileChannel.open(temp, StandardOpenOption.WRITE)) {
          c.force(true);
        }
        try {
          Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }

  private static FileChannel openLockFile(Path lockFile) throws IOException {
    if (lockFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  private static void ownerOnly(Path path) throws IOException {
    if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    }
  }

  private static ObjectNode emptyRoot() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    root.putObject("workers");
    root.putObject("groups");
    return root;
  }
}
