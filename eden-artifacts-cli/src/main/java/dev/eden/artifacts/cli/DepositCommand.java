package dev.eden.artifacts.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.client.DepositReceipt;
import dev.eden.artifacts.client.StoreClient;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import okhttp3.MediaType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code deposit FILE|-}: streams a file or standard input to the server, prints the URI. */
@Command(name = "deposit", mixinStandardHelpOptions = true,
    versionProvider = EdenArtifactsCli.Version.class,
    description = {
        "Deposit FILE, or standard input for -, and print the artifact's URI as the last line of "
            + "standard output (or, with --json, the server's answer as one JSON object).",
        "The bytes are streamed, never held in memory. FILE may be a pipe, such as <(command): "
            + "it is read to its end. A file's content type is guessed from its "
            + "name (.log -> text/plain, .tar.gz -> application/gzip, ...); standard input is "
            + "application/octet-stream unless --filename or --content-type says otherwise."})
final class DepositCommand implements Callable<Integer> {
  private static final String STDIN_FILENAME = "stdin";

  @Spec
  CommandSpec spec;

  @ParentCommand
  EdenArtifactsCli cli;

  @Parameters(index = "0", paramLabel = "FILE|-",
      description = "The file to deposit, or - for standard input.")
  String source;

  @Option(names = "--content-type", paramLabel = "TYPE",
      description = "The content type to record, e.g. 'text/plain; charset=utf-8' "
          + "(default: guessed from the file name).")
  String contentType;

  @Option(names = "--filename", paramLabel = "NAME",
      description = "The file name to send (default: the file's own name; 'stdin' for -).")
  String filename;

  @Option(names = "--json",
      description = "Print {\"artifacts_uri\", \"size_bytes\", \"content_type\"} instead of the URI.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    boolean fromStdin = source.equals("-");
    Path file;
    try {
      file = fromStdin ? null : Path.of(source);
    } catch (InvalidPathException e) {
      throw new ParameterException(spec.commandLine(), source + ": " + e.getMessage());
    }
    if (file != null && Files.isDirectory(file)) {
      throw new ParameterException(spec.commandLine(), source + " is a directory, not a file");
    }
    if (filename != null && filename.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--filename must not be empty");
    }
    // Checked here, with the option's name, by the parser the client uses.
    if (contentType != null && MediaType.parse(contentType) == null) {
      throw new ParameterException(spec.commandLine(),
          "--content-type '" + contentType + "' is not a media type (type/subtype)");
    }
    String name = filename != null ? filename
        : fromStdin ? STDIN_FILENAME : String.valueOf(file.getFileName());
    String type = contentType != null ? contentType
        : fromStdin && filename == null ? "application/octet-stream"
        : StoreClient.guessContentType(name);
    DepositReceipt receipt;
    try (StoreClient client = cli.client(spec); Progress progress = cli.progress("deposit " + name)) {
      StoreClient withProgress = client.withProgressListener(progress);
      // A pipe such as <(command) is read to its end and sent with unknown length.
      receipt = fromStdin
          ? withProgress.depositArtifact(cli.stdin(), name, type)
          : withProgress.depositArtifact(file, name, type);
    }
    if (json) {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("artifacts_uri", receipt.uri());
      answer.put("size_bytes", receipt.sizeBytes());
      answer.put("content_type", receipt.contentType());
      cli.println(new ObjectMapper().writeValueAsString(answer));
    } else {
      cli.println(receipt.uri());
    }
    return ExitStatus.OK;
  }
}
