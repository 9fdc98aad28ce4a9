package dev.eden.artifacts.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashSafeFileTest {
  @TempDir
  Path dir;

  @Test
  void tempIsOwnerOnlyAndNamedByPrefixAndSuffix() throws IOException {
    try (CrashSafeFile file = CrashSafeFile.create(dir, ".plan.", ".part")) {
      assertThat(file.temp().getFileName().toString()).matches("\\.plan\\.[0-9a-f]{16}\\.part");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.temp())))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void publishReplacingPutsTheBytesInPlaceOfTheTarget() throws IOException {
    Path target = Files.writeString(dir.resolve("plan"), "old");
    try (CrashSafeFile file = CrashSafeFile.create(dir, ".t", ".tmp")) {
      file.channel().write(ByteBuffer.wrap("new".getBytes(UTF_8)));
      file.publishReplacing(target);
    }
    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(names()).containsExactly("plan");
  }

  @Test
  void publishExclusivelyNeverOverwrites() throws IOException {
    Path target = Files.writeString(dir.resolve("blob"), "first");
    try (CrashSafeFile file = CrashSafeFile.create(dir, ".t", ".tmp")) {
      file.channel().write(ByteBuffer.wrap("second".getBytes(UTF_8)));
      assertThatThrownBy(() -> file.publishExclusively(target))
          .isInstanceOf(FileAlreadyExistsException.class);
    }
    assertThat(Files.readString(target)).isEqualTo("first");
    assertThat(names()).containsExactly("blob");
    try (CrashSafeFile file = CrashSafeFile.create(dir, ".t", ".tmp")) {
      file.channel().write(ByteBuffer.wrap("other".getBytes(UTF_8)));
      file.publishExclusively(dir.resolve("other"));
    }
    assertThat(Files.readString(dir.resolve("other"))).isEqualTo("other");
    assertThat(names()).containsExactly("blob", "other");
  }

  @Test
  void closeWithoutPublishingLeavesNothing() throws IOException {
    CrashSafeFile file = CrashSafeFile.create(dir, ".t", ".tmp");
    file.channel().write(ByteBuffer.wrap("abandoned".getBytes(UTF_8)));
    file.close();
    file.close();
    assertThat(names()).isEmpty();
  }

  @Test
  void missingDirectoryIsNoSuchFile() {
    assertThatThrownBy(() -> CrashSafeFile.create(dir.resolve("absent"), ".t", ".tmp"))
        .isInstanceOf(NoSuchFileException.class);
  }

  private List<String> names() throws IOException {
    try (Stream<Path> listing = Files.list(dir)) {
      return listing.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
