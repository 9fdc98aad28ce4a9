package dev.eden.artifacts.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** Runs the JUnit runner through the JUnit Platform, against a server that gets everything wrong. */
class WireConformanceTestsTest {
  private static volatile int port;
  private HttpServer server;

  /** What a user writes: a subclass naming the server. Not run directly (nested, no suffix). */
  static class AgainstBrokenServer extends WireConformanceTests {
    @Override
    protected ConformanceConfig config() {
      return ConformanceConfig.builder()
          .baseUrl(URI.create("http://127.0.0.1:" + port))
          .experimentId("exp_0123456789abcdefghjkmnpqrs")
          .adminBearer("admin:token")
          .workerBearer("wkr_0123456789abcdefghjkmnpqrs:one")
          .otherWorkerBearer("wkr_1123456789abcdefghjkmnpqrs:two")
          .build();
    }
  }

  /** Only the six scenarios. */
  static class PortableOnlyAgainstBrokenServer extends AgainstBrokenServer {
    @Override
    protected boolean portableOnly() {
      return true;
    }
  }

  @BeforeEach
  void startServerThatAnswersNotFoundAsHtml() throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] body = "<h1>nope</h1>".getBytes(StandardCharsets.US_ASCII);
      exchange.getResponseHeaders().set("Content-Type", "text/html");
      exchange.sendResponseHeaders(404, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void everyCheckIsADynamicTestThatFailsAndOptionalOnesAreAborted() {
    TestExecutionSummary summary = run(AgainstBrokenServer.class);

    int all = ConformanceSuite.create(new AgainstBrokenServer().config()).checks().size();
    assertThat(summary.getTestsFoundCount()).isEqualTo(all);
    assertThat(summary.getTestsAbortedCount()).isEqualTo(4);
    assertThat(summary.getTestsFailedCount()).isEqualTo(all - 4);
    assertThat(summary.getTestsSucceededCount()).isZero();
    assertThat(summary.getFailures().get(0).getException())
        .hasMessageStartingWith("portable/deposit-answers-201-with-uri-size-and-type: expected 201");
  }

  @Test
  void portableOnlyRunsTheSixScenarios() {
    TestExecutionSummary summary = run(PortableOnlyAgainstBrokenServer.class);

    assertThat(summary.getTestsFoundCount()).isEqualTo(6);
    assertThat(summary.getTestsFailedCount()).isEqualTo(6);
  }

  private static TestExecutionSummary run(Class<?> testClass) {
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(),
        listener);
    return listener.getSummary();
  }
}
