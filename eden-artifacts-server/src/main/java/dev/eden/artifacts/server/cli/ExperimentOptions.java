package dev.eden.artifacts.server.cli;

import dev.eden.artifacts.ExperimentId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Which experiments a command works on ({@code --experiment-id}, repeatable), for {@code serve} and
 * {@code scrub}: without it, the one kept in the data directory.
 */
final class ExperimentOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec command;

  @Option(names = "--experiment-id", paramLabel = "exp_...", description = "An experiment to serve; repeat for several. Without it, the one kept in <data-dir>/experiment-id (minted at the first start of 'serve').")
  List<String> experimentIds = new ArrayList<>();

  /** @throws ParameterException naming a malformed id */
  void validate() {
    for (String e : experimentIds) {
      if (!ExperimentId.isValid(e)) {
        throw new ParameterException(command.commandLine(),
            "--experiment-id must be 'exp_' followed by 26 lowercase Crockford base32 characters: " + e);
      }
    }
  }

  /**
   * The experiments given with {@code --experiment-id}, or else the one kept in {@code data},
   * without minting one.
   *
   * @throws StartupFailure if neither exists
   */
  List<ExperimentId> existing(Path data) throws IOException, StartupFailure {
    if (!experimentIds.isEmpty()) {
      return experimentIds.stream().map(ExperimentId::parse).toList();
    }
    Path file = data.resolve(DataDirectory.EXPERIMENT_FILE);
    if (!Files.isRegularFile(file)) {
      throw new StartupFailure("no --experiment-id given and no " + file + " (is --data-dir the server's?)");
    }
    String text = Files.readString(file).strip();
    if (!ExperimentId.isValid(text)) {
      throw new StartupFailure(file + " does not hold a valid experiment id");
    }
    return List.of(ExperimentId.parse(text));
  }
}
