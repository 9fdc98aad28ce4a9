package dev.eden.artifacts.server.cli;

import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.maintenance.GarbageCollector;
import dev.eden.artifacts.maintenance.GcReport;
import dev.eden.artifacts.server.cli.BlobStoreOptions.OpenedBlobStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gc}: one garbage collection over the server's storage, then a summary line. */
@Command(
    name = "gc",
    mixinStandardHelpOptions = true,
    description = {
        "Removes, once older than --grace: blobs without a metadata row (deposits whose row never committed),"
            + " and what crashed deposits left in the blob store (temp files, incomplete S3 multipart uploads).",
        "Artifacts with a row are never removed here (only an embedding application can say that nothing refers to one).",
        "Takes the same storage options as 'serve' and is safe to run while servers serve, and with them stopped:"
            + " a blob without a row is removed only if it still has none a minute later, so a run that finds some takes a minute.",
        "Prints one line: what was removed (or, with --dry-run, would be), count and bytes per class.",
        "Exit status: 0 done, 1 the storage failed (one line on stderr), 2 usage error."})
final class GcCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin StorageOptions storage;

  @Option(names = "--grace", defaultValue = "PT24H", paramLabel = "<ISO-8601 duration>", description = {
      "Only what is older than this is removed, judged by the file's or object's modification time;"
          + " at least PT10M (default: ${DEFAULT-VALUE})."})
  Duration grace;

  @Option(names = "--dry-run", description = "Count what would be removed; remove nothing.")
  boolean dryRun;

  @Option(names = "--allow-many-orphans", description = {
      "Remove orphans even when most old blobs have no row. Without it such a run stops (exit 1) before removing them,"
          + " as that is what pointing gc at the wrong metadata database looks like."})
  boolean allowManyOrphans;

  @Override
  public Integer call() throws Exception {
    checkGrace(spec, "--grace", grace);
    storage.validate();
    PrintWriter out = spec.commandLine().getOut();
    try (JdbiArtifactStore store = storage.openExistingStore(); OpenedBlobStore blobs = storage.openBlobsForReading()) {
      GarbageCollector.Builder builder = GarbageCollector.builder()
          .backend(blobs.backend())
          .store(store)
          .grace(grace);
      if (allowManyOrphans) {
        builder.allowManyOrphans();
      }
      GarbageCollector collector = builder.build();
      GcReport report = dryRun ? collector.dryRun() : collector.collect();
      out.println("gc" + (dryRun ? " (dry run)" : "") + ": " + report.summary());
      out.flush();
      return 0;
    } catch (IOException | UncheckedIOException e) {
      throw new StartupFailure("garbage collection failed: " + e.getMessage());
    }
  }

  /** Refuses a grace below {@link GarbageCollector#MINIMUM_GRACE} as a usage error naming {@code option}. */
  static void checkGrace(CommandSpec spec, String option, Duration grace) {
    if (grace.compareTo(GarbageCollector.MINIMUM_GRACE) < 0) {
      throw new ParameterException(spec.commandLine(),
          option + " must be at least " + GarbageCollector.MINIMUM_GRACE + ": " + grace);
    }
  }
}
