package dev.eden.artifacts.cli;

import dev.eden.artifacts.client.ArtifactInputStream;
import dev.eden.artifacts.client.StoreClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fetch URI [-o FILE|-]}: the artifact's bytes into a file or onto standard output. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
    versionProvider = EdenArtifactsCli.Version.class,
    description = {
        "Fetch the artifact behind URI into FILE, or onto standard output (the default, or -o -).",
        "Into a file: the bytes go to a temporary file beside it, are checked against the length "
            + "and the SHA-256 the server announces, and only then replace FILE; a broken download "
            + "is retried (resumed where the server allows it) and a failed one leaves FILE "
            + "untouched.",
        "Onto standard output: the bytes stream through as they arrive and are checked at the "
            + "end; a mismatch is reported (exit status 8) after they have been written. If the "
            + "reader stops early (| head), the fetch stops too, with one line on standard error "
            + "and exit status 9: the rest was neither fetched nor checked."})
final class FetchCommand implements Callable<Integer> {
  private static final int BUFFER = 64 * 1024;

  @Spec
  CommandSpec spec;

  @ParentCommand
  EdenArtifactsCli cli;

  @Parameters(index = "0", paramLabel = "URI",
      description = "The artifact URI exactly as a deposit printed it.")
  String uri;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE|-", defaultValue = "-",
      description = "Where to write the bytes; - for standard output (default: ${DEFAULT-VALUE}).")
  String output;

  @Override
  public Integer call() throws Exception {
    boolean toStdout = output.equals("-");
    Path target = toStdout ? null : target();
    try (StoreClient client = cli.client(spec);
        Progress progress = cli.progress(toStdout ? "fetch" : "fetch " + target.getFileName())) {
      StoreClient withProgress = client.withProgressListener(progress);
      if (toStdout) {
        stream(withProgress, cli.stdout());
      } else {
        try {
          withProgress.fetchArtifact(uri, target);
        } catch (IllegalArgumentException e) {
          // A target that is a directory, refused before any request and before any temp file.
          throw new ParameterException(spec.commandLine(), "-o " + output + ": " + e.getMessage());
        }
      }
    }
    return ExitStatus.OK;
  }

  /** {@code -o FILE} as a path that names a file. */
  private Path target() {
    Path target;
    try {
      target = Path.of(output);
    } catch (InvalidPathException e) {
      throw new ParameterException(spec.commandLine(), "-o " + output + ": " + e.getMessage());
    }
    if (target.toAbsolutePath().getFileName() == null) {
      throw new ParameterException(spec.commandLine(), "-o " + output + ": names no file");
    }
    return target;
  }

  /**
   * Copies the artifact to {@code out} as it arrives; the stream checks the length and the
   * announced digest when it reaches the end, so a mismatch is thrown from the last read. A write
   * that {@code out} refuses (its reader went away) ends the copy with
   * {@link StdoutClosedException}.
   */
  private void stream(StoreClient client, OutputStream out) throws IOException {
    try (ArtifactInputStream in = client.openArtifact(uri)) {
      byte[] buffer = new byte[BUFFER];
      long written = 0;
      for (int n; (n = in.read(buffer)) != -1; ) {
        try {
          out.write(buffer, 0, n);
        } catch (IOException e) {
          throw new StdoutClosedException(e, written);
        }
        written += n;
      }
      try {
        out.flush();
      } catch (IOException e) {
        throw new StdoutClosedException(e, written);
      }
    }
  }
}
