package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the console's files are served with, over HTTP on the embedded server: the policy that
 * keeps the page to itself, and files written so that the policy never has to bend (no inline
 * script or style, no markup built from strings).
 */
class ConsoleResponsesTest {
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  @TempDir Path dir;
  private TestDatabases.Store database;
  private AdminServer server;
  private final OkHttpClient http = WireBodies.checkedClientBuilder().followRedirects(false).build();

  @BeforeEach
  void start() throws Exception {
    database = TestDatabases.sqlite(dir);
    server = new AdminServer(dir, database.store(), true);
  }

  @AfterEach
  void stop() throws Exception {
    http.connectionPool().evictAll();
    server.close();
    database.close();
  }

  @Test
  void everyConsoleFileComesWithTheStrictPolicyAndItsType() throws IOException {
    for (List<String> file : List.of(
        List.of("/console/", "text/html; charset=utf-8"),
        List.of("/console/console.js", "text/javascript; charset=utf-8"),
        List.of("/console/console.css", "text/css; charset=utf-8"),
        List.of("/console/favicon.svg", "image/svg+xml"))) {
      try (Response r = get(file.get(0))) {
        assertThat(r.code()).as(file.get(0)).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo(file.get(1));
        assertSecurityHeaders(r);
        assertThat(r.body().bytes()).isNotEmpty();
      }
    }
  }

  @Test
  void theBarePathRedirectsRelativelyAndUnknownFilesAreNotFound() throws IOException {
    try (Response r = get("/console")) {
      assertThat(r.code()).isEqualTo(308);
      assertThat(r.header("Location")).isEqualTo("console/");
      assertSecurityHeaders(r);
    }
    for (String path : List.of("/console/index.htm", "/console/x/console.js",
        "/console/%2e%2e/secret")) {
      try (Response r = get(path)) {
        assertThat(r.code()).as(path).isEqualTo(404);
        assertThat(new ObjectMapper().readTree(r.body().string()).get("type").asText())
            .isEqualTo("eden://error/not-found");
      }
    }
    try (Response r = http.newCall(new Request.Builder().url(server.baseUri() + "/console/")
        .post(okhttp3.RequestBody.create(new byte[0])).build()).execute()) {
      assertThat(r.code()).isEqualTo(405);
      assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
    }
  }

  @Test
  void thePageHasNoInlineScriptOrStyleAndTheScriptBuildsNoMarkupFromStrings() throws IOException {
    String html = body("/console/");
    Matcher scripts = Pattern.compile("<script\\b([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
    int count = 0;
    while (scripts.find()) {
      count++;
      assertThat(scripts.group(1)).as("a script loads a file").contains("src=\"console.js\"");
      assertThat(scripts.group(2)).as("and holds nothing inline").isBlank();
    }
    assertThat(count).isEqualTo(1);
    assertThat(html).doesNotContainPattern("(?i)<style\\b").doesNotContainPattern("(?i)\\sstyle\\s*=")
        .doesNotContainPattern("(?i)\\son[a-z]+\\s*=").doesNotContainIgnoringCase("javascript:");
    String script = body("/console/console.js");
    for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
        "new Function", "setAttribute('style'", ".style.", "localStorage", "document.cookie")) {
      assertThat(script).as("console.js must not use %s", sink).doesNotContain(sink);
    }
    assertThat(body("/console/console.css")).doesNotContain("@import").doesNotContain("url(");
  }

  private static void assertSecurityHeaders(Response r) {
    assertThat(r.header("Content-Security-Policy")).isEqualTo(CSP);
    assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
  }

  private String body(String path) throws IOException {
    try (Response r = get(path)) {
      assertThat(r.code()).isEqualTo(200);
      return r.body().string();
    }
  }

  private Response get(String path) throws IOException {
    return http.newCall(new Request.Builder().url(server.baseUri() + path).build()).execute();
  }
}
