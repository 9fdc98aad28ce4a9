package dev.eden.artifacts.checks.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The file backend's blob directory seen from outside: its temp files ({@code .tmp-*} in the root)
 * and its committed blobs ({@code <2 hex>/<32 hex>}).
 */
final class BlobDirectory {
  private final Path root;

  BlobDirectory(Path root) {
    this.root = root;
  }

  /** The names of the temp files now in the root; none if the directory does not exist yet. */
  List<String> tempFiles() throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(root)) {
      return entries.map(p -> p.getFileName().toString()).filter(name -> name.startsWith(".tmp-")).toList();
    }
  }

  /** The committed blobs as the URIs a deposit issued for them. */
  List<String> artifactUris() throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(root)) {
      List<Path> shards = entries.filter(p -> p.getFileName().toString().matches("[0-9a-f]{2}")).toList();
      List<String> uris = new ArrayList<>();
      for (Path shard : shards) {
        try (Stream<Path> blobs = Files.list(shard)) {
          blobs.map(p -> p.getFileName().toString())
              .filter(name -> name.matches("[0-9a-f]{32}"))
              .forEach(name -> uris.add("eden://artifacts/" + name));
        }
      }
      return uris;
    }
  }
}
