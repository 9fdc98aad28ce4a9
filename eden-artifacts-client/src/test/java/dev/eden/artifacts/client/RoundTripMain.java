package dev.eden.artifacts.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Load driver for a large round trip through files, run in its own small-heap JVM by
 * {@link LargeRoundTripTest}: generates a file, deposits it, fetches it to another path, compares
 * SHA-256 digests and prints the times and the peak heap. Exit status 0 only if the digests match.
 *
 * <p>Arguments: {@code baseUrl experimentId bearer workDir sizeBytes}.
 */
public final class RoundTripMain {
  private static final double MIB = 1024.0 * 1024.0;

  private RoundTripMain() {
  }

  public static void main(String[] args) throws Exception {
    String baseUrl = args[0];
    String experimentId = args[1];
    String bearer = args[2];
    Path workDir = Path.of(args[3]);
    long size = Long.parseLong(args[4]);

    Path source = workDir.resolve("source.bin");
    Path fetched = workDir.resolve("fetched.bin");
    String sourceDigest = generate(source, size);

    resetPeaks();
    try (StoreClient client = StoreClient.builder().baseUrl(baseUrl).experimentId(experimentId)
        .bearer(bearer).build()) {
      long start = System.nanoTime();
      DepositReceipt receipt = client.depositArtifact(source, "roundtrip.bin",
          "application/octet-stream");
      double depositSeconds = (System.nanoTime() - start) / 1e9;
      print("deposit", receipt.sizeBytes(), depositSeconds);

      start = System.nanoTime();
      FetchedFile file = client.fetchArtifact(receipt.uri(), fetched);
      double fetchSeconds = (System.nanoTime() - start) / 1e9;
      print("fetch", file.sizeBytes(), fetchSeconds);
    }
    long peak = peakHeapUsed();
    long max = Runtime.getRuntime().maxMemory();
    System.out.printf("peak heap used: %.1f MiB (max heap %.1f MiB)%n", peak / MIB, max / MIB);

    String fetchedDigest = digest(fetched);
    boolean match = sourceDigest.equals(fetchedDigest) && Files.size(fetched) == size;
    System.out.println("sha256 source:  " + sourceDigest);
    System.out.println("sha256 fetched: " + fetchedDigest);
    System.out.println("sha256 match: " + match);
    System.exit(match ? 0 : 1);
  }

  private static void print(String what, long bytes, double seconds) {
    System.out.printf("%s: %d bytes in %.2f s (%.1f MiB/s)%n", what, bytes, seconds,
        bytes / MIB / seconds);
  }

  /** Writes {@code size} pseudo-random bytes and returns their SHA-256. */
  private static String generate(Path file, long size) throws IOException {
    MessageDigest sha = sha256();
    SplittableRandom random = new SplittableRandom(42);
    byte[] block = new byte[1 << 20];
    try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha)) {
      for (long remaining = size; remaining > 0; ) {
        for (int i = 0; i < block.length; i += 8) {
          long value = random.nextLong();
          for (int j = 0; j < 8; j++) {
            block[i + j] = (byte) (value >>> (8 * j));
          }
        }
        int count = (int) Math.min(block.length, remaining);
        out.write(block, 0, count);
        remaining -= count;
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static String digest(Path file) throws IOException {
    MessageDigest sha = sha256();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read; (read = in.read(buffer)) != -1; ) {
        sha.update(buffer, 0, read);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** Sum of each heap pool's peak: an upper bound of the heap in use at any one moment. */
  private static long peakHeapUsed() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
