package dev.eden.artifacts.server.cli;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.jdbc.JdbiArtifactStore;
import dev.eden.artifacts.maintenance.Damage;
import dev.eden.artifacts.maintenance.ScrubFinding;
import dev.eden.artifacts.maintenance.ScrubListener;
import dev.eden.artifacts.maintenance.ScrubReport;
import dev.eden.artifacts.maintenance.Scrubber;
import dev.eden.artifacts.server.cli.BlobStoreOptions.OpenedBlobStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scrub}: re-reads every artifact's bytes through {@link Scrubber} and prints each damaged
 * one, then a summary; read-only, so it runs beside live servers.
 */
@Command(
    name = "scrub",
    mixinStandardHelpOptions = true,
    description = {
        "Re-reads the bytes of every artifact, re-hashes them with SHA-256 and compares their size and digest with what the deposit recorded.",
        "",
        "Prints one line per problem, naming the artifact's URI and the damage:",
        "  damaged <uri> digest mismatch: recorded sha256 <hex>, found <hex>",
        "  damaged <uri> size mismatch: recorded <n> bytes, found <m> bytes",
        "  missing <uri> blob missing: recorded <n> bytes",
        "  unreadable <uri> storage error: <message>",
        "then one summary line, 'scrub clean: ...' or 'scrub found problems: ...', with the artifacts checked, the bytes read, the damaged, missing and unreadable counts and the time taken.",
        "",
        "Read-only: it never writes, deletes or repairs anything (an S3 bucket is checked with one HEAD request, not the write probe of 'serve'), so it is safe beside running servers."
            + " It takes the storage options of 'serve' and scrubs the experiments given with --experiment-id, or else the one in <data-dir>/experiment-id."
            + " Artifacts deposited while it runs are left for the next scrub."},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:every artifact is intact",
        "1:an artifact is damaged, missing or unreadable, or the storage could not be opened or read",
        "2:usage error (a bad --rate or another bad option)"})
final class ScrubCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin StorageOptions storage;

  @Mixin ExperimentOptions experiments;

  @Option(names = "--rate", paramLabel = "<bytes/s>", defaultValue = "50MB", converter = ByteRate.Converter.class, description = {
      "Read at most this many bytes per second over the whole scrub, so it leaves the disk or the network to live traffic (default: ${DEFAULT-VALUE})."
          + " kB, MB, GB, TB are powers of 1000; KiB, MiB, GiB, TiB powers of 1024; a plain number is bytes; '/s' may follow."
          + " 'unlimited' reads as fast as the storage answers, for a store no server is using."})
  ByteRate rate;

  @Override
  public Integer call() throws Exception {
    storage.validate();
    experiments.validate();
    List<ExperimentId> scrubbed = experiments.existing(storage.data());
    try (JdbiArtifactStore store = openStore(); OpenedBlobStore blobs = storage.openBlobsForReading()) {
      Scrubber.Builder builder = Scrubber.builder().store(store).backend(blobs.backend());
      Scrubber scrubber = (rate.isUnlimited() ? builder.unthrottled() : builder.bytesPerSecond(rate.bytesPerSecond()))
          .build();
      PrintWriter err = spec.commandLine().getErr();
      err.println("scrub: " + scrubbed.stream().map(ExperimentId::value).collect(Collectors.joining(", "))
          + " in " + storage.describeStore() + ", blobs " + blobs.description() + ", at most " + rate);
      err.flush();
      Printer printer = new Printer(spec.commandLine().getOut());
      ScrubReport report;
      try {
        report = scrubber.scrub(scrubbed, printer);
      } catch (IOException e) {
        err.println("scrub: stopped after " + printer.checked + " artifacts: " + e.getMessage());
        err.flush();
        return 1;
      }
      printer.out.println(summary(report));
      printer.out.flush();
      return report.isClean() ? 0 : 1;
    }
  }

  private JdbiArtifactStore openStore() throws StartupFailure {
    return storage.openExistingStore();
  }

  /** Prints each finding as it comes, so a long scrub shows damage early. */
  private static final class Printer implements ScrubListener {
    final PrintWriter out;
    long checked;

    Printer(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void damageFound(ScrubFinding finding) {
      out.println(line(finding));
      out.flush();
    }

    @Override
    public void artifactChecked(ArtifactMetadata artifact) {
      checked++;
    }
  }

  /** {@code <status> <uri> <damage>: <detail>}, the status being damaged, missing or unreadable. */
  static String line(ScrubFinding finding) {
    String status = switch (finding.damage()) {
      case MISSING -> "missing";
      case UNREADABLE -> "unreadable";
      case SIZE_MISMATCH, DIGEST_MISMATCH -> "damaged";
    };
    return status + " " + finding.uri() + " " + finding.description();
  }

  static String summary(ScrubReport report) {
    long sizes = report.count(Damage.SIZE_MISMATCH);
    long digests = report.count(Damage.DIGEST_MISMATCH);
    String damaged = (sizes + digests) + " damaged"
        + (sizes + digests == 0 ? "" : " (" + sizes + " size mismatch, " + digests + " digest mismatch)");
    return (report.isClean() ? "scrub clean: " : "scrub found problems: ")
        + report.artifactsChecked() + " artifacts checked, "
        + report.bytesRead() + " bytes read, "
        + damaged + ", "
        + report.count(Damage.MISSING) + " missing, "
        + report.count(Damage.UNREADABLE) + " unreadable, "
        + String.format(Locale.ROOT, "%.3f s", report.duration().toNanos() / 1e9);
  }
}
