package dev.eden.artifacts.examples;

import dev.eden.artifacts.client.DepositReceipt;
import dev.eden.artifacts.client.FetchedFile;
import dev.eden.artifacts.client.StoreClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A worker that deposits what it produced and checks it can read it back: a plain-text log and a
 * gzip-compressed bundle of that log, each deposited with {@link StoreClient}, which returns an
 * opaque {@code eden://...} URI per artifact. A real worker would now stamp those URIs on the idea
 * or variant it reports; here it fetches them back and compares the bytes.
 *
 * <p>Run it against any conforming server:
 *
 * <pre>
 * java -cp ... dev.eden.artifacts.examples.WorkerExample http://127.0.0.1:8080 exp_... wkr_...:secret
 * </pre>
 *
 * or set {@code EDEN_BASE_URL}, {@code EDEN_EXPERIMENT_ID} and {@code EDEN_BEARER} and pass no
 * arguments (keeps the bearer out of the process list).
 */
public final class WorkerExample {

  /** What the worker deposited: the URIs to put on the record, in deposit order. */
  public record Deposited(DepositReceipt log, DepositReceipt bundle) {}

  private WorkerExample() {}

  public static void main(String[] args) throws IOException {
    String baseUrl = argOrEnv(args, 0, "EDEN_BASE_URL");
    String experimentId = argOrEnv(args, 1, "EDEN_EXPERIMENT_ID");
    String bearer = argOrEnv(args, 2, "EDEN_BEARER");

    // One client per worker process: it is thread-safe and pools its connections.
    try (StoreClient client = StoreClient.builder()
        .baseUrl(baseUrl)
        .experimentId(experimentId)
        .bearer(bearer)
        .build()) {
      Path workDir = Files.createTempDirectory("eden-worker-");
      run(client, workDir, System.out);
    }
  }

  /**
   * The worker's job: produce two files in {@code workDir}, deposit them, fetch them back and
   * verify them.
   *
   * @throws IllegalStateException if a fetched artifact differs from what was deposited
   */
  public static Deposited run(StoreClient client, Path workDir, PrintStream out) throws IOException {
    // 1. Produce the outputs. A real worker has them already: a run log, a diff, a plan...
    Path log = workDir.resolve("run.log");
    Files.write(log, List.of(
        Instant.now() + " evaluator started",
        Instant.now() + " score=0.87 on 120 cases",
        Instant.now() + " evaluator finished"), StandardCharsets.UTF_8);
    Path bundle = workDir.resolve("run.log.gz");
    try (InputStream in = Files.newInputStream(log);
        OutputStream gz = new GZIPOutputStream(Files.newOutputStream(bundle))) {
      in.transferTo(gz);
    }

    // 2. Deposit them. The client streams from disk and declares the content type it guesses from
    //    the name (run.log → text/plain, run.log.gz → application/gzip; the three-argument
    //    depositArtifact declares your own); the server records it and answers with an opaque URI.
    //    Never parse it: store it and present it verbatim.
    DepositReceipt logReceipt = client.depositArtifact(log);
    DepositReceipt bundleReceipt = client.depositArtifact(bundle);
    out.println("log:    " + logReceipt.uri() + " (" + logReceipt.sizeBytes() + " bytes)");
    out.println("bundle: " + bundleReceipt.uri() + " (" + bundleReceipt.sizeBytes() + " bytes)");

    // 3. Fetch them back and compare. fetchArtifact writes to a temporary file beside the target
    //    and renames it into place only once every byte arrived.
    verify(client, logReceipt, log, workDir.resolve("fetched-run.log"));
    Path fetchedBundle = workDir.resolve("fetched-run.log.gz");
    verify(client, bundleReceipt, bundle, fetchedBundle);
    try (InputStream unzipped = new GZIPInputStream(Files.newInputStream(fetchedBundle))) {
      if (!java.util.Arrays.equals(unzipped.readAllBytes(), Files.readAllBytes(log))) {
        throw new IllegalStateException("the fetched bundle does not unpack to the log");
      }
    }
    out.println("verified: both artifacts came back byte for byte");
    return new Deposited(logReceipt, bundleReceipt);
  }

  private static void verify(StoreClient client, DepositReceipt receipt, Path original, Path target)
      throws IOException {
    FetchedFile fetched = client.fetchArtifact(receipt.uri(), target);
    if (Files.mismatch(original, fetched.path()) != -1) {
      throw new IllegalStateException("artifact " + receipt.uri() + " differs from " + original);
    }
    if (!fetched.contentType().equals(receipt.contentType())) {
      throw new IllegalStateException("artifact " + receipt.uri() + " came back as "
          + fetched.contentType() + ", deposited as " + receipt.contentType());
    }
  }

  private static String argOrEnv(String[] args, int index, String variable) {
    String value = args.length > index ? args[index] : System.getenv(variable);
    if (value == null || value.isBlank()) {
      System.err.println("usage: WorkerExample BASE_URL EXPERIMENT_ID BEARER"
          + " (or set EDEN_BASE_URL, EDEN_EXPERIMENT_ID, EDEN_BEARER)");
      System.exit(2);
    }
    return value;
  }
}
