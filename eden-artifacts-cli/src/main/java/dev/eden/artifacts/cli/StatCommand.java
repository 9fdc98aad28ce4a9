package dev.eden.artifacts.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eden.artifacts.client.ArtifactInfo;
import dev.eden.artifacts.client.StoreClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code stat URI}: what the server says about an artifact, without its bytes. */
@Command(name = "stat", mixinStandardHelpOptions = true,
    versionProvider = EdenArtifactsCli.Version.class,
    description = {
        "Print what the server records about the artifact behind URI: size_bytes, content_type, "
            + "created_by, created_at and sha256, one 'name value' line each (a fact the server "
            + "does not announce is left out), or one JSON object with --json (null for those).",
        "Asks with HEAD; a server without HEAD is asked with a GET whose body is not read."})
final class StatCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  EdenArtifactsCli cli;

  @Parameters(index = "0", paramLabel = "URI",
      description = "The artifact URI exactly as a deposit printed it.")
  String uri;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ArtifactInfo info;
    try (StoreClient client = cli.client(spec)) {
      info = client.statArtifact(uri);
    }
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("artifacts_uri", info.uri());
    facts.put("size_bytes", info.sizeBytes() >= 0 ? info.sizeBytes() : null);
    facts.put("content_type", info.contentType());
    facts.put("created_by", info.createdBy().orElse(null));
    facts.put("created_at", info.createdAt().map(Object::toString).orElse(null));
    facts.put("sha256", info.sha256().orElse(null));
    if (json) {
      cli.println(new ObjectMapper().writeValueAsString(facts));
    } else {
      StringBuilder text = new StringBuilder();
      facts.forEach((name, value) -> {
        if (value != null) {
          text.append(String.format("%-13s %s%n", name, value));
        }
      });
      cli.println(text.toString().stripTrailing());
    }
    return ExitStatus.OK;
  }
}
