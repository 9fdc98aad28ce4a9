package dev.eden.artifacts.cli;

import dev.eden.artifacts.client.ArtifactInputStream;
import dev.eden.artifacts.client.StoreClient;
import java.io.IOException;
import java.io.OutputStream;
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
            + "end; a mismatch is reported (exit status 8) after they have been written."})
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
    try (StoreClient client = cli.client(spec);
        Progress progress = cli.progress(toStdout ? "fetch"
            : "fetch " + Path.of(output).getFileName())) {
      StoreClient withProgress = client.withProgressListener(progress);
      if (toStdout) {
        stream(withProgress, cli.stdout());
      } else {
        try {
          withProgress.fetchArtifact(uri, Path.of(output));
        } catch (IllegalArgumentException e) {
          // A target that names no file (such as /), refused before any request.
          throw new ParameterException(spec.commandLine(), "-o " + output + ": " + e.getMessage());
        }
      }
    }
    return ExitStatus.OK;
  }

  /**
   * Copies the artifact to {@code out} as it arrives; the stream checks the length and the
   * announced digest when it reaches the end, so a mismatch is thrown from the last read.
   */
  private void stream(StoreClient client, OutputStream out) throws IOException {
    try (ArtifactInputStream in = client.openArtifact(uri)) {
      byte[] buffer = new byte[BUFFER];
      for (int n; (n = in.read(buffer)) != -1; ) {
        out.write(buffer, 0, n);
      }
      out.flush();
    }
  }
}
