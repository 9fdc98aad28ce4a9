package dev.eden.artifacts.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eden.artifacts.ArtifactNotFoundException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fetchArtifact(uri, target)}: all or nothing, no temp file left behind, and local file
 * errors thrown as the file system reported them, never retried (a new request cannot cure them).
 */
class StoreClientFileFetchTest extends MockServerSupport {
  @TempDir
  Path temp;

  @Test
  void fetchReplacesAnExistingTargetAndLeavesNothingElse() throws Exception {
    Path target = Files.writeString(temp.resolve("plan.txt"), "old content");
    server.enqueue(artifact("new content", "text/plain"));
    FetchedFile fetched;
    try (StoreClient client = clientBuilder().build()) {
      fetched = client.fetchArtifact(ARTIFACT_URI, target);
    }
    assertThat(fetched).isEqualTo(new FetchedFile(target.toAbsolutePath(), 11, "text/plain"));
    assertThat(Files.readString(target)).isEqualTo("new content");
    assertThat(names(temp)).containsExactly("plan.txt");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .as("written owner-only, like every crash-safe file of the project").isEqualTo("rw-------");
  }

  @Test
  void longUnicodeTargetNamesAreFetched() throws Exception {
    // A cut at a fixed count of UTF-16 units would split a surrogate pair; 60 emoji are 240 bytes,
    // a name the file system takes, but not with the temp file's prefix and suffix around it.
    for (String name : List.of("a".repeat(63) + "\ud83d\udce6.txt", "a".repeat(127) + "\ud83d\udce6.txt", "\ud83d\udce6".repeat(60) + ".txt")) {
      Path target = temp.resolve(name);
      server.enqueue(artifact("content", "text/plain"));
      try (StoreClient client = clientBuilder().build()) {
        client.fetchArtifact(ARTIFACT_URI, target);
      }
      assertThat(Files.readString(target)).isEqualTo("content");
    }
  }

  @Test
  void missingDirectoryIsNoSuchFileBeforeAnyRequest() throws Exception {
    Path target = temp.resolve("absent").resolve("plan.txt");
    server.enqueue(artifact("never fetched", "text/plain"));
    try (StoreClient client = clientBuilder().fetchRetryPolicy(fastRetries(4)).build()) {
      assertThat(catchThrowable(() -> client.fetchArtifact(ARTIFACT_URI, target)))
          .isInstanceOf(NoSuchFileException.class);
    }
    assertThat(server.getRequestCount()).isZero();
    assertThat(names(temp)).isEmpty();
  }

  @Test
  void existingDirectoryAsTargetIsRefusedBeforeAnyRequestOrTempFile() throws Exception {
    Path directory = Files.createDirectory(temp.resolve("downloads"));
    server.enqueue(artifact("never fetched", "text/plain"));
    try (StoreClient client = clientBuilder().build()) {
      assertThat(catchThrowable(() -> client.fetchArtifact(ARTIFACT_URI, directory)))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("target is a directory: " + directory);
    }
    assertThat(server.getRequestCount()).isZero();
    assertThat(names(temp)).containsExactly("downloads");
    assertThat(names(directory)).isEmpty();
  }

  @Test
  void targetThatCannotBeReplacedIsAFileSystemErrorNeverRetried() throws Exception {
    // A non-empty directory cannot be renamed over, even by root (permission bits would not do).
    // It appears while the bytes arrive, after the up-front check that refuses a directory.
    Path target = temp.resolve("plan.txt");
    ProgressListener directoryAppears = (direction, done, total) -> {
      try {
        if (!Files.exists(target)) {
          Files.createDirectory(target);
          Files.writeString(target.resolve("inside"), "kept");
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    for (int i = 0; i < 4; i++) {
      server.enqueue(artifact("the plan", "text/plain"));
    }
    try (StoreClient client = clientBuilder().fetchRetryPolicy(fastRetries(4))
        .progressListener(directoryAppears).build()) {
      Throwable thrown = catchThrowable(() -> client.fetchArtifact(ARTIFACT_URI, target));
      assertThat(thrown).isInstanceOf(FileSystemException.class);
      assertThat(((FileSystemException) thrown).getOtherFile()).isEqualTo(target.toString());
    }
    assertThat(server.getRequestCount()).as("not retried").isEqualTo(1);
    assertThat(names(temp)).as("no temp file left").containsExactly("plan.txt");
    assertThat(Files.readString(target.resolve("inside"))).isEqualTo("kept");
  }

  @Test
  void brokenDownloadLeavesTheTargetUntouchedAndNoTempFile() throws Exception {
    Path target = Files.writeString(temp.resolve("plan.txt"), "old content");
    for (int i = 0; i < 2; i++) {
      server.enqueue(cutShort("half", 8));
    }
    try (StoreClient client = clientBuilder().fetchRetryPolicy(fastRetries(2)).build()) {
      assertThat(catchThrowable(() -> client.fetchArtifact(ARTIFACT_URI, target)))
          .isInstanceOf(IOException.class).isNotInstanceOf(FileSystemException.class);
    }
    assertThat(server.getRequestCount()).as("a transport failure is retried").isEqualTo(2);
    assertThat(Files.readString(target)).isEqualTo("old content");
    assertThat(names(temp)).containsExactly("plan.txt");
  }

  @Test
  void retryAfterABrokenAttemptStartsTheFileOver() throws Exception {
    Path target = temp.resolve("plan.txt");
    server.enqueue(cutShort("XXXXXX", 12));
    server.enqueue(artifact("twelve bytes", "text/plain"));
    try (StoreClient client = clientBuilder().build()) {
      assertThat(client.fetchArtifact(ARTIFACT_URI, target).sizeBytes()).isEqualTo(12);
    }
    assertThat(Files.readString(target, UTF_8)).isEqualTo("twelve bytes");
    assertThat(names(temp)).containsExactly("plan.txt");
  }

  @Test
  void refusalLeavesTheTargetUntouchedAndNoTempFile() throws Exception {
    Path target = Files.writeString(temp.resolve("plan.txt"), "old content");
    server.enqueue(problem(404, "eden://error/not-found", "Not Found", "no such artifact"));
    try (StoreClient client = clientBuilder().build()) {
      assertThat(catchThrowable(() -> client.fetchArtifact(ARTIFACT_URI, target)))
          .isExactlyInstanceOf(ArtifactNotFoundException.class);
    }
    assertThat(Files.readString(target)).isEqualTo("old content");
    assertThat(names(temp)).containsExactly("plan.txt");
  }

  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> listing = Files.list(directory)) {
      return listing.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}
