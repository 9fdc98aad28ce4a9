package dev.eden.artifacts.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The direct baselines of the S3 mode of {@code run.sh}: the same bytes through the AWS SDK for
 * Java 2 straight to the S3-compatible server the eden-artifacts server writes to, with a client
 * configured like {@code S3ArtifactBackend}'s own (Apache HttpClient 5, path-style addressing,
 * checksums only when required, the SDK's default credentials chain, e.g.
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}).
 *
 * <p>Every transfer is timed inside the JVM after an untimed warm-up. The results are lines that
 * {@code run.sh} parses: {@code RESULT <label> <bytes> <seconds> <MiB/s>} (see
 * {@link Throughput#resultLine}), {@code RATE <label> <ops> <seconds> <ops/s>} (see
 * {@link Rate#resultLine}) and, with {@code --watch-pid}, {@code CPU <label> <seconds>}: the CPU
 * time that process (the S3 server) spent during the timed part, read from {@code /proc}. The
 * driver's own CPU time during the timed part is {@code CPU <label>_driver <seconds>}.
 */
@Command(name = "s3-baseline", mixinStandardHelpOptions = true,
    description = "Times PutObject and GetObject against an S3-compatible server with the AWS SDK for Java 2.",
    subcommands = {S3Baseline.CreateBucket.class, S3Baseline.Put.class, S3Baseline.Get.class,
        S3Baseline.SmallPut.class, S3Baseline.SmallGet.class})
public final class S3Baseline {
  /** The copy buffer of a timed {@code GetObject}: the server's own fetch buffer size. */
  static final int READ_BUFFER = 256 * 1024;
  private static final String CONTENT_TYPE = "application/octet-stream";

  @Option(names = "--endpoint", required = true, scope = CommandLine.ScopeType.INHERIT,
      description = "The S3-compatible server, e.g. http://127.0.0.1:19081")
  URI endpoint;

  @Option(names = "--region", defaultValue = "us-east-1", scope = CommandLine.ScopeType.INHERIT,
      description = "The region to sign for (default: ${DEFAULT-VALUE}).")
  String region;

  @Option(names = "--bucket", required = true, scope = CommandLine.ScopeType.INHERIT)
  String bucket;

  @Option(names = "--watch-pid", scope = CommandLine.ScopeType.INHERIT,
      description = "A process (the S3 server) whose CPU time during the timed part is reported.")
  Long watchPid;

  @Option(names = "--clock-ticks", defaultValue = "100", scope = CommandLine.ScopeType.INHERIT,
      description = "Clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK; default: ${DEFAULT-VALUE}).")
  long clockTicks;

  /** A client configured like the one {@code S3ArtifactBackend} builds for itself. */
  S3Client newClient() {
    return S3Client.builder()
        .httpClientBuilder(Apache5HttpClient.builder())
        .endpointOverride(endpoint)
        .region(Region.of(region))
        .forcePathStyle(true)
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  /** CPU time of the driver and of the watched process, taken before a timed part. */
  private final class CpuMark {
    private final long driverNanos = processCpuNanos();
    private final double watched = watchedCpu();

    /** Prints the CPU lines for the part since this mark. */
    void print(String label) throws IOException {
      System.out.printf(Locale.ROOT, "CPU %s_driver %.2f%n", label,
          (processCpuNanos() - driverNanos) / 1e9);
      if (watchPid != null) {
        System.out.printf(Locale.ROOT, "CPU %s_server %.2f%n", label, watchedCpu() - watched);
      }
    }
  }

  private double watchedCpu() {
    if (watchPid == null) {
      return 0;
    }
    try {
      return ProcCpu.parse(Files.readString(Path.of("/proc", watchPid.toString(), "stat"))).seconds(clockTicks);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the CPU time of process " + watchPid, e);
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  @Command(name = "create-bucket", description = "Creates the bucket.")
  static final class CreateBucket implements Callable<Integer> {
    @ParentCommand S3Baseline top;

    @Override
    public Integer call() {
      try (S3Client client = top.newClient()) {
        client.createBucket(r -> r.bucket(top.bucket));
      }
      return 0;
    }
  }

  @Command(name = "put", description = "Uploads a file as one PutObject (label s3_put) and, with "
      + "--part-size, as a multipart upload (label s3_multipart), after untimed warm-ups of both.")
  static final class Put implements Callable<Integer> {
    @ParentCommand S3Baseline top;

    @Option(names = "--file", required = true) Path file;

    @Option(names = "--key-prefix", required = true, description = "Keys: <prefix>put, <prefix>multipart, <prefix>warmup-…")
    String keyPrefix;

    @Option(names = "--part-size", description = "Also time a multipart upload with parts of this many bytes (at least 5 MiB).")
    Long partSize;

    @Option(names = "--warmup-file") Path warmupFile;

    @Option(names = "--warmups", defaultValue = "2") int warmups;

    @Override
    public Integer call() throws IOException {
      if (partSize != null && partSize < 5L * 1024 * 1024) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--part-size must be at least 5 MiB");
      }
      try (S3Client client = top.newClient()) {
        if (warmupFile != null) {
          for (int i = 0; i < warmups; i++) {
            putObject(client, keyPrefix + "warmup-put-" + i, warmupFile);
            if (partSize != null) {
              multipart(client, keyPrefix + "warmup-multipart-" + i, warmupFile, partSize);
            }
          }
        }
        long size = Files.size(file);
        CpuMark cpu = top.new CpuMark();
        long start = System.nanoTime();
        putObject(client, keyPrefix + "put", file);
        System.out.println(new Throughput(size, System.nanoTime() - start).resultLine("s3_put"));
        cpu.print("s3_put");
        if (partSize != null) {
          cpu = top.new CpuMark();
          start = System.nanoTime();
          multipart(client, keyPrefix + "multipart", file, partSize);
          System.out.println(new Throughput(size, System.nanoTime() - start).resultLine("s3_multipart"));
          cpu.print("s3_multipart");
        }
      }
      return 0;
    }

    /** One {@code PutObject} from the file, create-only like the backend's. */
    private void putObject(S3Client client, String key, Path source) {
      client.putObject(r -> r.bucket(top.bucket).key(key).ifNoneMatch("*").contentType(CONTENT_TYPE),
          RequestBody.fromFile(source));
    }

    /**
     * A multipart upload the way the backend makes one: each part read into one reused heap buffer,
     * then uploaded from it; parts one after the other; a create-only complete.
     */
    private void multipart(S3Client client, String key, Path source, long partBytes) throws IOException {
      String uploadId = client.createMultipartUpload(r -> r.bucket(top.bucket).key(key)
          .contentType(CONTENT_TYPE)).uploadId();
      List<CompletedPart> parts = new ArrayList<>();
      byte[] buffer = new byte[(int) partBytes];
      try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
        long size = in.size();
        for (Parts.Part part : Parts.of(size, partBytes)) {
          ByteBuffer target = ByteBuffer.wrap(buffer, 0, part.length());
          while (target.hasRemaining()) {
            if (in.read(target, part.offset() + target.position()) < 0) {
              throw new IOException(source + " shrank while it was uploaded");
            }
          }
          int length = part.length();
          String etag = client.uploadPart(r -> r.bucket(top.bucket).key(key).uploadId(uploadId)
                  .partNumber(part.number()).contentLength((long) length),
              RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length),
                  length, CONTENT_TYPE)).eTag();
          parts.add(CompletedPart.builder().partNumber(part.number()).eTag(etag).build());
        }
      } catch (IOException | RuntimeException e) {
        client.abortMultipartUpload(r -> r.bucket(top.bucket).key(key).uploadId(uploadId));
        throw e;
      }
      client.completeMultipartUpload(r -> r.bucket(top.bucket).key(key).uploadId(uploadId)
          .ifNoneMatch("*").multipartUpload(m -> m.parts(parts)));
    }
  }

  @Command(name = "get", description = "Reads an object with one GetObject into a null sink (label s3_get), after untimed warm-up reads.")
  static final class Get implements Callable<Integer> {
    @ParentCommand S3Baseline top;

    @Option(names = "--key", required = true) String key;

    @Option(names = "--expect-bytes", required = true) long expectBytes;

    @Option(names = "--warmup-key") String warmupKey;

    @Option(names = "--warmups", defaultValue = "3") int warmups;

    @Override
    public Integer call() throws IOException {
      try (S3Client client = top.newClient()) {
        if (warmupKey != null) {
          for (int i = 0; i < warmups; i++) {
            read(client, top.bucket, warmupKey);
          }
        }
        CpuMark cpu = top.new CpuMark();
        long start = System.nanoTime();
        long read = read(client, top.bucket, key);
        Throughput t = new Throughput(read, System.nanoTime() - start);
        if (read != expectBytes) {
          System.err.println("read " + read + " bytes of " + key + ", expected " + expectBytes);
          return 1;
        }
        System.out.println(t.resultLine("s3_get"));
        cpu.print("s3_get");
      }
      return 0;
    }
  }

  /** Streams an object into nothing; returns how many bytes it had. */
  static long read(S3Client client, String bucket, String key) throws IOException {
    byte[] buffer = new byte[READ_BUFFER];
    long total = 0;
    try (ResponseInputStream<GetObjectResponse> in = client.getObject(r -> r.bucket(bucket).key(key))) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        total += n;
      }
    }
    return total;
  }

  /** What the small-object commands share: threads, warm-up, duration, the timed loop. */
  abstract static class SmallOps implements Callable<Integer> {
    @ParentCommand S3Baseline top;

    @Option(names = "--threads", defaultValue = "8") int threads;

    @Option(names = "--duration", defaultValue = "PT10S", description = "ISO-8601, e.g. PT10S.")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "PT5S", description = "Untimed, before (ISO-8601).")
    Duration warmup;

    /** One operation by thread {@code thread}, its {@code n}-th. */
    abstract void op(S3Client client, int thread, long n) throws IOException;

    abstract String label();

    void prepare(S3Client client) throws IOException {}

    @Override
    public Integer call() throws Exception {
      if (threads < 1 || threads > 64 || duration.isNegative() || duration.isZero() || warmup.isNegative()) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--threads 1..64, a positive --duration");
      }
      try (S3Client client = top.newClient()) {
        prepare(client);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
          if (!warmup.isZero()) {
            run(pool, client, warmup, 0);
          }
          CpuMark cpu = top.new CpuMark();
          Rate rate = run(pool, client, duration, 1L << 40);
          System.out.println(rate.resultLine(label()));
          cpu.print(label());
        } finally {
          pool.shutdownNow();
        }
      }
      return 0;
    }

    /** Every thread runs operations until the time is up; the rate is over the whole span. */
    private Rate run(ExecutorService pool, S3Client client, Duration span, long firstN) throws Exception {
      AtomicBoolean stop = new AtomicBoolean();
      List<Future<Long>> counts = new ArrayList<>();
      long start = System.nanoTime();
      long deadline = start + span.toNanos();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        counts.add(pool.submit(() -> {
          long n = 0;
          while (!stop.get() && System.nanoTime() < deadline) {
            op(client, thread, firstN + n);
            n++;
          }
          return n;
        }));
      }
      long ops = 0;
      try {
        for (Future<Long> count : counts) {
          ops += count.get(); // an operation's failure ends the run with it
        }
      } finally {
        stop.set(true);
      }
      return new Rate(ops, System.nanoTime() - start);
    }
  }

  @Command(name = "small-put", description = "PutObject of one small file to new keys from several threads (label s3_small_put).")
  static final class SmallPut extends SmallOps {
    @Option(names = "--file", required = true) Path file;

    @Option(names = "--key-prefix", required = true) String keyPrefix;

    private byte[] content;

    @Override
    void prepare(S3Client client) throws IOException {
      content = Files.readAllBytes(file);
    }

    @Override
    void op(S3Client client, int thread, long n) {
      client.putObject(r -> r.bucket(top.bucket).key(keyPrefix + thread + "-" + n).ifNoneMatch("*")
          .contentType(CONTENT_TYPE), RequestBody.fromBytes(content));
    }

    @Override
    String label() {
      return "s3_small_put";
    }
  }

  @Command(name = "small-get", description = "GetObject of one small object from several threads (label s3_small_get).")
  static final class SmallGet extends SmallOps {
    @Option(names = "--key", required = true) String key;

    @Option(names = "--expect-bytes", required = true) long expectBytes;

    @Override
    void op(S3Client client, int thread, long n) throws IOException {
      long read = read(client, top.bucket, key);
      if (read != expectBytes) {
        throw new IOException("read " + read + " bytes of " + key + ", expected " + expectBytes);
      }
    }

    @Override
    String label() {
      return "s3_small_get";
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new S3Baseline()).execute(args));
  }

  private S3Baseline() {}
}
