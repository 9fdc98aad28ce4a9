package dev.eden.artifacts.benchmarks;

import dev.eden.artifacts.client.ArtifactInputStream;
import dev.eden.artifacts.client.DepositReceipt;
import dev.eden.artifacts.client.StoreClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Deposits a file through {@link StoreClient} and fetches it back into a null sink, timing each
 * transfer inside the JVM (start-up excluded). A warm-up file goes through both paths first so the
 * timed transfers run on compiled code. Prints {@code RESULT} lines (see
 * {@link Throughput#resultLine}). The bearer comes from the environment variable
 * {@code EDEN_BEARER} so that it never shows in a process listing.
 */
@Command(name = "client-throughput", mixinStandardHelpOptions = true,
    description = "Times deposits and fetches of one file through the eden-artifacts client.")
public final class ClientThroughput implements Callable<Integer> {
  static final String BEARER_ENV = "EDEN_BEARER";

  @Option(names = "--base-url", required = true, description = "For example http://127.0.0.1:18080")
  String baseUrl;

  @Option(names = "--experiment-id", required = true)
  String experimentId;

  @Option(names = "--file", required = true, description = "The file to deposit (its size is what is timed).")
  Path file;

  @Option(names = "--warmup-file", description = "Deposited and fetched, untimed, before the timed runs.")
  Path warmupFile;

  @Option(names = "--warmups", defaultValue = "3", description = "How often the warm-up file goes round (default: ${DEFAULT-VALUE}).")
  int warmups;

  @Option(names = "--repeat", defaultValue = "2", description = "Timed rounds, 1..10 (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Override
  public Integer call() throws IOException {
    if (repeat < 1 || repeat > 10 || warmups < 0 || warmups > 20) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--repeat must be 1..10 and --warmups 0..20");
    }
    String bearer = System.getenv(BEARER_ENV);
    if (bearer == null || bearer.isEmpty()) {
      System.err.println("set " + BEARER_ENV + " to the worker's bearer");
      return 2;
    }
    try (StoreClient client = StoreClient.builder()
        .baseUrl(baseUrl)
        .experimentId(experimentId)
        .bearer(bearer)
        .readTimeout(Duration.ofMinutes(2))
        .writeTimeout(Duration.ofMinutes(2))
        .build()) {
      if (warmupFile != null) {
        for (int i = 0; i < warmups; i++) {
          roundTrip(client, warmupFile);
        }
      }
      long size = Files.size(file);
      for (int i = 0; i < repeat; i++) {
        Throughput[] timings = roundTrip(client, file);
        System.out.println(timings[0].resultLine("client_deposit"));
        System.out.println(timings[1].resultLine("client_fetch"));
        if (timings[0].bytes() != size || timings[1].bytes() != size) {
          System.err.println("size mismatch: file " + size + ", deposited " + timings[0].bytes()
              + ", fetched " + timings[1].bytes());
          return 1;
        }
      }
    }
    return 0;
  }

  /** Deposits {@code source}, then fetches it back: the two timings, in that order. */
  private static Throughput[] roundTrip(StoreClient client, Path source) throws IOException {
    long start = System.nanoTime();
    DepositReceipt receipt = client.depositArtifact(source, source.getFileName().toString(),
        "application/octet-stream");
    Throughput deposit = new Throughput(receipt.sizeBytes(), System.nanoTime() - start);
    start = System.nanoTime();
    long fetched;
    try (ArtifactInputStream in = client.openArtifact(receipt.uri())) {
      fetched = in.transferTo(OutputStream.nullOutputStream());
    }
    return new Throughput[] {deposit, new Throughput(fetched, System.nanoTime() - start)};
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ClientThroughput()).execute(args));
  }
}
