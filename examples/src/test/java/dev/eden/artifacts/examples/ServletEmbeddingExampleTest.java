package dev.eden.artifacts.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.UnauthorizedException;
import dev.eden.artifacts.client.DepositReceipt;
import dev.eden.artifacts.client.StoreClient;
import dev.eden.artifacts.server.auth.InMemoryAuthenticator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the servlet embedding example on a free port and talks to it through its context path. */
class ServletEmbeddingExampleTest {
  final String workerId = Principal.mintWorkerId();
  final ExperimentId experiment = ExperimentId.mint();
  @TempDir Path dir;
  ServletEmbeddingExample app;

  @BeforeEach
  void start() throws Exception {
    app = ServletEmbeddingExample.start(dir.resolve("data"), 0, experiment,
        InMemoryAuthenticator.builder().worker(workerId, "s3cret").build());
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  @Test
  void depositAndFetchGoThroughTheServletUnderItsContextPath() throws Exception {
    assertThat(app.baseUri().getPath()).isEqualTo("/orchestrator");
    byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8);
    try (StoreClient worker = client(workerId + ":s3cret")) {
      DepositReceipt receipt = worker.depositArtifact(svg, "chart.svg", "image/svg+xml");
      assertThat(receipt.uri()).matches("eden://artifacts/[0-9a-f]{32}");
      assertThat(receipt.contentType()).isEqualTo("image/svg+xml");
      assertThat(worker.fetchArtifactBytes(receipt.uri(), 4096)).isEqualTo(svg);
    }
    // Outside the context nothing is mounted.
    HttpResponse<String> outside = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + app.baseUri().getPort() + "/v0/experiments/" + experiment
                + "/artifacts?uri=x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(outside.statusCode()).isEqualTo(404);
  }

  @Test
  void theWorkerExampleRunsAgainstTheServlet() throws Exception {
    try (StoreClient worker = client(workerId + ":s3cret")) {
      WorkerExample.Deposited deposited = WorkerExample.run(worker,
          Files.createDirectories(dir.resolve("worker")),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertThat(deposited.bundle().contentType()).isEqualTo("application/gzip");
    }
  }

  @Test
  void aWrongSecretIsUnauthorized() {
    try (StoreClient worker = client(workerId + ":wrong")) {
      assertThatThrownBy(() -> worker.depositArtifact(new byte[] {1}, "a.bin", "application/octet-stream"))
          .isInstanceOf(UnauthorizedException.class);
    }
  }

  @Test
  void credentialsDifferingOnlyInCaseAreUnauthorizedOnAKeptAliveConnection() throws Exception {
    // One connection per variant: the server may close a connection after a refused deposit.
    for (String variant : List.of(workerId + ":S3CRET", workerId.toUpperCase(Locale.ROOT) + ":s3cret")) {
      try (Socket socket = new Socket("127.0.0.1", app.baseUri().getPort())) {
        socket.setSoTimeout(20_000);
        assertThat(deposit(socket, workerId + ":s3cret")).isEqualTo(201);
        // The container must not hand back the earlier, differently cased header value.
        assertThat(deposit(socket, variant)).as(variant).isEqualTo(401);
      }
    }
  }

  /** One deposit written by hand on {@code socket}; returns the status and skips the answer's body. */
  private int deposit(Socket socket, String bearer) throws IOException {
    byte[] body = ("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n"
        + "hello\r\n--b--\r\n").getBytes(StandardCharsets.US_ASCII);
    String head = "POST " + app.baseUri().getPath() + "/v0/experiments/" + experiment + "/artifacts HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nX-Eden-Experiment-Id: " + experiment + "\r\nAuthorization: Bearer " + bearer
        + "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: " + body.length + "\r\n\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    InputStream in = socket.getInputStream();
    int status = -1;
    long length = 0;
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      if (status < 0) {
        status = Integer.parseInt(line.split(" ")[1]);
      } else if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Long.parseLong(line.substring("content-length:".length()).trim());
      }
    }
    in.skipNBytes(length);
    return status;
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed mid-answer");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  private StoreClient client(String bearer) {
    return StoreClient.builder()
        .baseUrl(app.baseUri().toString())
        .experimentId(experiment)
        .bearer(bearer)
        .build();
  }
}
