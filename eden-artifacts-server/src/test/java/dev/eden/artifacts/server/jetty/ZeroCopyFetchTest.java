package dev.eden.artifacts.server.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactService;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.backend.FileArtifactBackend;
import dev.eden.artifacts.backend.InMemoryArtifactBackend;
import dev.eden.artifacts.server.ArtifactHandler;
import dev.eden.artifacts.server.ExchangeEvent;
import dev.eden.artifacts.server.ExchangeListener;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.store.InMemoryArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Jetty adapter's body sending, on a real socket with real blob files: small bodies in one
 * buffer, larger files as mapped slices (here 1 MiB, so a few MiB span several), other backends
 * through pooled buffers. Every byte and range arrives exactly; a client that hangs up and a blob
 * file cut behind the server's back end the response, never the server.
 */
class ZeroCopyFetchTest {
  static final String WORKER = Principal.mintWorkerId();
  static final String SECRET = "secret";
  static final int SLICE = 1024 * 1024;
  static final int SMALL = 64 * 1024;

  final ExperimentId experiment = ExperimentId.mint();
  final List<ExchangeEvent> events = new CopyOnWriteArrayList<>();
  final HttpClient client = HttpClient.newHttpClient();
  @TempDir Path dir;
  ArtifactService service;
  Server jetty;
  int port;

  @AfterEach
  void stop() throws Exception {
    if (jetty != null) {
      jetty.stop();
    }
  }

  private void start(ArtifactBackend backend, int mappedSlice) throws Exception {
    start(backend, mappedSlice, 1L << 30);
  }

  private ArtifactJettyHandler jettyHandler;
  /** A handler put around the adapter, or null. */
  private UnaryOperator<Handler> around;

  private void start(ArtifactBackend backend, int mappedSlice, long mappedBudget) throws Exception {
    start(backend, new ArtifactJettyHandler.BodySending(SMALL, 4 * SMALL, mappedSlice, mappedBudget));
  }

  private void start(ArtifactBackend backend, ArtifactJettyHandler.BodySending sending) throws Exception {
    service = ArtifactService.builder().backend(backend).store(new InMemoryArtifactStore())
        .maxArtifactBytes(1L << 30).build();
    ArtifactHandler handler = ArtifactHandler.builder().service(service)
        .authenticator(InMemoryAuthenticator.builder().worker(WORKER, SECRET).build())
        .servedExperiments(experiment)
        .addExchangeListener(new ExchangeListener() {
          @Override
          public void exchangeFinished(ExchangeEvent event) {
            events.add(event);
          }
        })
        .build();
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty,
        new HttpConnectionFactory(ExactRequestHeaders.apply(new HttpConfiguration())));
    connector.setHost("127.0.0.1");
    jetty.addConnector(connector);
    jettyHandler = new ArtifactJettyHandler(handler, null, sending);
    jetty.setHandler(around == null ? jettyHandler : around.apply(jettyHandler));
    jetty.start();
    port = connector.getLocalPort();
  }

  private void startOnFiles() throws Exception {
    start(new FileArtifactBackend(dir.resolve("blobs")), SLICE);
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private String deposit(byte[] bytes) throws IOException {
    return service.deposit(experiment, Principal.worker(WORKER), "a.bin", "application/octet-stream",
        new ByteArrayInputStream(bytes)).artifactsUri();
  }

  private Path blobFile(String uri) {
    String id = uri.substring(uri.lastIndexOf('/') + 1);
    return dir.resolve("blobs").resolve(id.substring(0, 2)).resolve(id);
  }

  private String target(String uri) {
    return "/v0/experiments/" + experiment + "/artifacts?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8);
  }

  private HttpResponse<byte[]> fetch(String uri, String range) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target(uri)))
        .header(ArtifactHandler.EXPERIMENT_HEADER, experiment.toString())
        .header("Authorization", "Bearer " + WORKER + ":" + SECRET);
    if (range != null) {
      request.header("Range", range);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private String rawRequest(String uri) {
    return "GET " + target(uri) + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
        + ArtifactHandler.EXPERIMENT_HEADER + ": " + experiment + "\r\n"
        + "Authorization: Bearer " + WORKER + ":" + SECRET + "\r\n\r\n";
  }

  /** The {@code n}th finished exchange (from 1), once it is over: the answer may reach the client first. */
  private ExchangeEvent event(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (events.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(events).as("finished exchanges").hasSizeGreaterThanOrEqualTo(n);
    return events.get(n - 1);
  }

  @ParameterizedTest(name = "{0} bytes")
  @CsvSource({
    "0",        // no body at all
    "1",
    "4096",     // the benchmark's small fetch: one buffer with the headers
    "65536",    // exactly the small-body size
    "65537",    // one mapped slice
    "1048576",  // exactly one slice
    "3670023",  // three and a half slices
  })
  void aFileArrivesWholeAndExact(int size) throws Exception {
    startOnFiles();
    byte[] bytes = random(size, size);
    HttpResponse<byte[]> response = fetch(deposit(bytes), null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(size);
    assertThat(response.body()).isEqualTo(bytes);
    assertThat(event(1).bytesOut()).isEqualTo(size);
    assertThat(event(1).completed()).isTrue();
    // Above the small-body size the bytes went out as mapped slices, one per started slice.
    assertThat(jettyHandler.slicesMapped()).isEqualTo(size <= SMALL ? 0 : (size + SLICE - 1) / SLICE);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "bytes=0-0",                 // the first byte
    "bytes=1835011-1835011",     // a middle byte
    "bytes=3670022-3670022",     // the last byte
    "bytes=-1",                  // the last byte, as a suffix
    "bytes=0-3670022",           // the whole artifact as a range
    "bytes=1048570-2097157",     // across two slice boundaries of the range's own slices
    "bytes=100-70000",           // larger than one small body, less than a slice
    "bytes=2000000-",            // from the middle to the end
  })
  void aRangeOfAFileArrivesExact(String range) throws Exception {
    startOnFiles();
    byte[] bytes = random(3_670_023, 5);
    HttpResponse<byte[]> response = fetch(deposit(bytes), range);
    assertThat(response.statusCode()).isEqualTo(206);
    String contentRange = response.headers().firstValue("Content-Range").orElseThrow();
    String[] span = contentRange.substring("bytes ".length(), contentRange.indexOf('/')).split("-");
    int first = Integer.parseInt(span[0]);
    int last = Integer.parseInt(span[1]);
    assertThat(response.body()).isEqualTo(Arrays.copyOfRange(bytes, first, last + 1));
    assertThat(event(1).bytesOut()).isEqualTo(last + 1 - first);
  }

  /**
   * Mappings are undone only by the garbage collector, so the bytes mapped and not yet collected
   * are bounded: past the budget a body goes on through buffers, exact all the same.
   */
  @Test
  void pastTheMappingBudgetABodyGoesOnThroughBuffers() throws Exception {
    start(new FileArtifactBackend(dir.resolve("blobs")), SLICE, 2L * SLICE);
    byte[] bytes = random(5 * SLICE + 123, 12);
    String uri = deposit(bytes);
    for (int i = 1; i <= 3; i++) {
      HttpResponse<byte[]> response = fetch(uri, null);
      assertThat(response.body()).as("fetch %d", i).isEqualTo(bytes);
      assertThat(event(i).bytesOut()).isEqualTo(bytes.length);
    }
    assertThat(jettyHandler.mappedBytes()).isLessThanOrEqualTo(2L * SLICE);
    assertThat(jettyHandler.slicesMapped()).as("the first fetch maps up to the budget").isGreaterThanOrEqualTo(2);
  }

  /**
   * A handler around the adapter that wraps the response (Jetty's {@code GzipHandler} does) may
   * read the content in Java, which a mapping of a file cut behind the server's back would fail:
   * such a response gets no mapped slice, and every byte all the same.
   */
  @Test
  void aWrappedResponseGetsNoMappedSlice() throws Exception {
    List<ByteBuffer> written = new CopyOnWriteArrayList<>();
    around = inner -> new Handler.Wrapper(inner) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return super.handle(request, new Response.Wrapper(request, response) {
          @Override
          public void write(boolean last, ByteBuffer content, Callback done) {
            written.add(content);
            super.write(last, content, done);
          }
        }, callback);
      }
    };
    startOnFiles();
    byte[] bytes = random(3 * SLICE + 5, 13);
    assertThat(fetch(deposit(bytes), null).body()).isEqualTo(bytes);
    // A mapped slice is read-only; the pool's buffers are not (and every direct buffer is a MappedByteBuffer).
    assertThat(written).isNotEmpty().noneMatch(ByteBuffer::isReadOnly);
    assertThat(jettyHandler.mappedBytes()).isZero();
  }

  /**
   * A buffer larger than the largest Jetty's pool keeps (64 KiB by default) is allocated afresh,
   * direct, for every body and freed only by the garbage collector, while direct memory is capped
   * at the heap's size: the default buffers come from the pool.
   */
  @Test
  void theDefaultBuffersComeFromJettysPool() throws Exception {
    start(new InMemoryArtifactBackend(), ArtifactJettyHandler.BodySending.DEFAULT);
    ArrayByteBufferPool pool = (ArrayByteBufferPool) jetty.getByteBufferPool();
    pool.setStatisticsEnabled(true);
    byte[] bytes = random(3 * SLICE + 7, 14);
    assertThat(fetch(deposit(bytes), null).body()).isEqualTo(bytes);
    assertThat(pool.getNoBucketDirectAcquires()).as("direct buffers the pool could not give").isEmpty();
  }

  @Test
  void aBackendWithoutFilesSendsThroughItsDefaultChannel() throws Exception {
    start(new InMemoryArtifactBackend(), SLICE);
    byte[] small = random(4096, 1);
    byte[] big = random(3 * SMALL + 17, 2);
    String smallUri = deposit(small);
    String bigUri = deposit(big);
    assertThat(fetch(smallUri, null).body()).isEqualTo(small);
    assertThat(fetch(bigUri, null).body()).isEqualTo(big);
    HttpResponse<byte[]> range = fetch(bigUri, "bytes=65530-131080");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(big, 65530, 131081));
    assertThat(event(2).bytesOut()).isEqualTo(big.length);
  }

  @Test
  void aClientGoneMidBodyIsADisconnectAndTheServerGoesOn() throws Exception {
    startOnFiles();
    byte[] bytes = random(16 * SLICE, 7); // far more than the socket buffers hold
    String uri = deposit(bytes);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(rawRequest(uri).getBytes(StandardCharsets.US_ASCII));
      assertThat(socket.getInputStream().readNBytes(64 * 1024)).hasSize(64 * 1024);
      socket.setSoLinger(true, 0); // hang up hard
    }
    ExchangeEvent gone = event(1);
    assertThat(gone.outcome()).isEqualTo("disconnected");
    assertThat(gone.incident()).isNull();
    assertThat(gone.bytesOut()).isGreaterThan(0).isLessThan(bytes.length);
    assertThat(fetch(uri, null).body()).isEqualTo(bytes);
  }

  @Test
  void aBlobFileCutBeforeTheFetchIsA500() throws Exception {
    startOnFiles();
    byte[] bytes = random(SLICE / 2, 8);
    String uri = deposit(bytes);
    try (FileChannel file = FileChannel.open(blobFile(uri), StandardOpenOption.WRITE)) {
      file.truncate(1000);
    }
    HttpResponse<byte[]> response = fetch(uri, null);
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(event(1).incident()).isNotNull();
    byte[] other = random(SLICE + 3, 9);
    assertThat(fetch(deposit(other), null).body()).isEqualTo(other);
  }

  /**
   * The file is cut while the server is blocked writing a mapped slice of it to a client that reads
   * slowly: the kernel fails the write of the vanished pages (a Java read of them would raise an
   * {@link InternalError}), the response is cut short, the failure is the blob's (an incident),
   * and the server goes on serving.
   */
  @Test
  void aBlobFileCutWhileItIsSentCutsTheResponseAndTheServerGoesOn() throws Exception {
    start(new FileArtifactBackend(dir.resolve("blobs")), 16 * SLICE); // the default slice
    byte[] bytes = random(40 * SLICE, 10);
    String uri = deposit(bytes);
    long received = 0;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setReceiveBufferSize(64 * 1024);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(rawRequest(uri).getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      received += in.readNBytes(256 * 1024).length;
      Thread.sleep(200); // the server is blocked in the first slice's write
      try (FileChannel file = FileChannel.open(blobFile(uri), StandardOpenOption.WRITE)) {
        file.truncate(SLICE);
      }
      byte[] chunk = new byte[64 * 1024];
      for (int n; (n = in.read(chunk)) >= 0; ) {
        received += n;
      }
    } catch (SocketException reset) {
      // the server aborts the connection; that may arrive as a reset
    }
    assertThat(received).isLessThan(bytes.length);
    ExchangeEvent cut = event(1);
    assertThat(cut.completed()).isFalse();
    assertThat(cut.incident()).as("a blob fault, not a client gone").isNotNull();
    byte[] other = random(3 * SLICE, 11);
    assertThat(fetch(deposit(other), null).body()).isEqualTo(other);
  }
}
