package dev.eden.artifacts.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.eden.artifacts.DepositResult;
import dev.eden.artifacts.Principal;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in a real headless Chromium (Debian's {@code chromium} driven through its
 * {@code chromedriver} by Selenium), against the embedded Jetty server with the admin API on SQLite:
 * signing in, the summary, a deposited artifact's row, paging through 250 artifacts, the depositor
 * filter, a byte-exact download through the fetch endpoint, a hostile filename that must stay text,
 * and the page's own CSP never being violated. Without Chromium the class is skipped, saying so,
 * except under {@code CI=true}, where it fails. Screenshots go to {@code
 * target/console-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String HOSTILE_NAME = "<img src=x onerror=alert(1)>.html";
  private static final String HOSTILE_TYPE = "text/html\"><script>alert(2)</script>";
  private static final int TOTAL = 250;

  @TempDir static Path dir;
  @TempDir static Path downloads;
  private TestDatabases.Store database;
  private AdminServer server;
  private ChromeDriver browser;
  private WebDriverWait wait;
  private final Set<String> allUris = new HashSet<>();
  private DepositResult plan;
  private DepositResult data;
  private DepositResult hostile;
  private byte[] dataBytes;

  @BeforeAll
  void startServerAndBrowser() throws Exception {
    requireChromium();
    database = TestDatabases.sqlite(dir);
    server = new AdminServer(dir, database.store(), true);
    Principal a = Principal.worker(AdminServer.WORKER_A);
    Principal b = Principal.worker(AdminServer.WORKER_B);
    for (int i = 0; i < TOTAL - 3; i++) {
      allUris.add(server.deposit(Principal.admin(), String.format("bulk-%03d.txt", i),
          ("bulk " + i).getBytes(StandardCharsets.UTF_8)).artifactsUri());
    }
    dataBytes = new byte[200_000];
    new Random(15).nextBytes(dataBytes);
    data = server.deposit(server.experiment, b, "data.bin", "application/octet-stream", dataBytes);
    hostile = server.deposit(server.experiment, b, HOSTILE_NAME, HOSTILE_TYPE,
        "<script>alert(3)</script>".getBytes(StandardCharsets.UTF_8));
    plan = server.deposit(server.experiment, a, "plan.txt", "text/plain", new byte[1536]);
    allUris.addAll(List.of(data.artifactsUri(), hostile.artifactsUri(), plan.artifactsUri()));
    server.deposit(server.otherExperiment, a, "other-experiment.txt", "text/plain", new byte[3]);

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
        "--window-size=1400,1000", "--disable-gpu");
    options.setExperimentalOption("prefs", Map.of(
        "download.default_directory", downloads.toString(),
        "download.prompt_for_download", false,
        "download.directory_upgrade", true));
    LoggingPreferences logging = new LoggingPreferences();
    logging.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logging);
    ChromeDriverService driverService = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    browser = new ChromeDriver(driverService, options);
    browser.executeCdpCommand("Browser.setDownloadBehavior",
        Map.of("behavior", "allow", "downloadPath", downloads.toString()));
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
    if (database != null) {
      database.close();
    }
  }

  /** Every test starts on a fresh page with nothing in the tab's session storage. */
  @BeforeEach
  void freshPage() {
    browser.get(consoleUrl());
    browser.executeScript("sessionStorage.clear()");
    browser.navigate().refresh();
    wait.until(d -> d.findElement(By.id("bearer")).isDisplayed());
  }

  /**
   * Nothing the page did, from its first load on, may have been refused by its own
   * Content-Security-Policy (reading the log empties it, so each test sees its own entries).
   */
  @AfterEach
  void noPolicyViolations() {
    List<String> violations = new ArrayList<>();
    for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
      String message = entry.getMessage();
      if (message.contains("Content Security Policy") || message.contains("Refused to")) {
        violations.add(message);
      }
    }
    assertThat(violations).as("CSP violations reported by the browser").isEmpty();
  }

  @Test
  void signingInShowsTheSummaryAndADepositedArtifactWithItsFilenameAndSize() throws Exception {
    signIn(AdminServer.admin());
    assertThat(text(By.id("summary-count"))).isEqualTo("250 artifacts");
    assertThat(text(By.id("who"))).isEqualTo("signed in as admin");
    assertThat(text(By.id("summary-depositors")))
        .contains(AdminServer.WORKER_A + " 1 artifact, 1.5 KiB")
        .contains(AdminServer.WORKER_B + " 2 artifacts");
    List<String> cells = cells(row(plan.artifactsUri()));
    assertThat(cells.subList(0, 6)).containsExactly("plan.txt", AdminServer.WORKER_A, "1.5 KiB",
        "text/plain", plan.metadata().createdAtText().replace('T', ' ').substring(0, 19),
        plan.sha256().substring(0, 12));
    assertThat(row(plan.artifactsUri()).findElements(By.tagName("td")).get(5).getAttribute("title"))
        .isEqualTo(plan.sha256());
    assertThat(rows()).hasSize(50);
    assertThat(text(By.id("page-info"))).isEqualTo("Page 1 \u00b7 rows 1\u201350");
    screenshot("console.png");

    // the bearer lives in this tab's session storage only: not in the URL, a cookie or the form
    assertThat(browser.getCurrentUrl()).isEqualTo(consoleUrl());
    assertThat(browser.executeScript("return document.cookie")).isEqualTo("");
    assertThat(browser.executeScript("return localStorage.length")).isEqualTo(0L);
    assertThat(browser.executeScript("return sessionStorage.getItem('eden-artifacts.console.bearer')"))
        .isEqualTo(AdminServer.admin());
    assertThat(browser.findElement(By.id("bearer")).getAttribute("value")).isEmpty();

    // a reload in the same tab keeps the session
    browser.navigate().refresh();
    wait.until(d -> d.findElements(By.cssSelector("#rows tr")).size() == 50);
    assertThat(text(By.id("summary-count"))).isEqualTo("250 artifacts");
  }

  @Test
  void anAdminsMemberMaySignInButAPlainWorkerOrAWrongSecretIsTurnedAway() {
    typeBearer(AdminServer.workerA());
    wait.until(d -> d.findElement(By.id("sign-in-error")).isDisplayed());
    assertThat(text(By.id("sign-in-error"))).contains("not admin-class (403)");
    assertThat(browser.findElement(By.id("console")).isDisplayed()).isFalse();
    assertThat(browser.executeScript("return sessionStorage.length")).isEqualTo(0L);

    typeBearer("admin:not-the-token");
    wait.until(d -> text(By.id("sign-in-error")).contains("(401)"));
    assertThat(browser.findElement(By.id("console")).isDisplayed()).isFalse();

    signIn(AdminServer.adminsMember());
    assertThat(text(By.id("who"))).isEqualTo("signed in as " + AdminServer.ADMINS_MEMBER);
    assertThat(rows()).hasSize(50);
  }

  @Test
  void pagingVisitsEachOfTheTwoHundredFiftyArtifactsOnce() {
    signIn(AdminServer.admin());
    List<List<String>> pages = new ArrayList<>();
    while (true) {
      pages.add(rowUris());
      WebElement next = browser.findElement(By.id("next"));
      if (!next.isEnabled()) {
        break;
      }
      String info = text(By.id("page-info"));
      next.click();
      wait.until(d -> !text(By.id("page-info")).equals(info));
    }
    assertThat(pages).hasSize(5).allSatisfy(page -> assertThat(page).hasSize(50));
    List<String> seen = pages.stream().flatMap(List::stream).toList();
    assertThat(new HashSet<>(seen)).hasSameSizeAs(seen).isEqualTo(allUris);
    assertThat(text(By.id("page-info"))).isEqualTo("Page 5 \u00b7 rows 201\u2013250");

    browser.findElement(By.id("previous")).click();
    wait.until(d -> text(By.id("page-info")).startsWith("Page 4 "));
    assertThat(rowUris()).isEqualTo(pages.get(3));
    browser.findElement(By.id("newest")).click();
    wait.until(d -> text(By.id("page-info")).startsWith("Page 1 "));
    assertThat(rowUris()).isEqualTo(pages.get(0));
  }

  @Test
  void theDepositorFilterShowsOneDepositorsArtifactsOnly() throws Exception {
    signIn(AdminServer.admin());
    new Select(browser.findElement(By.id("depositor"))).selectByValue(AdminServer.WORKER_B);
    wait.until(d -> rows().size() == 2);
    assertThat(rowUris()).containsExactly(hostile.artifactsUri(), data.artifactsUri());
    assertThat(rows()).allSatisfy(r -> assertThat(cells(r).get(1)).isEqualTo(AdminServer.WORKER_B));
    assertThat(browser.findElement(By.id("next")).isEnabled()).isFalse();
    screenshot("console-filtered.png");

    new Select(browser.findElement(By.id("depositor"))).selectByValue("admin");
    wait.until(d -> text(By.id("page-info")).equals("Page 1 \u00b7 rows 1\u201350")
        && cells(rows().get(0)).get(1).equals("admin"));
    assertThat(rows()).allSatisfy(r -> assertThat(cells(r).get(1)).isEqualTo("admin"));

    new Select(browser.findElement(By.id("depositor"))).selectByValue("");
    wait.until(d -> rowUris().contains(plan.artifactsUri()));

    // another experiment has its own artifacts
    new Select(browser.findElement(By.id("experiment"))).selectByValue(server.otherExperiment.value());
    wait.until(d -> rows().size() == 1);
    assertThat(cells(rows().get(0)).get(0)).isEqualTo("other-experiment.txt");
    assertThat(text(By.id("summary-count"))).isEqualTo("1 artifact");
  }

  @Test
  void downloadingSavesExactlyTheDepositedBytes() throws Exception {
    signIn(AdminServer.admin());
    row(data.artifactsUri()).findElement(By.cssSelector("button.download")).click();
    Path saved = downloads.resolve("data.bin");
    wait.withTimeout(Duration.ofSeconds(60)).until(d -> Files.exists(saved) && noPartialDownloads());
    assertThat(Files.readAllBytes(saved)).isEqualTo(dataBytes);
    wait.until(d -> text(By.id("status")).startsWith("Downloaded data.bin"));
  }

  @Test
  void copyingAUriShowsItReadyToCopy() {
    signIn(AdminServer.admin());
    row(plan.artifactsUri()).findElement(By.cssSelector("button.copy")).click();
    wait.until(d -> d.findElement(By.id("copy-box")).isDisplayed());
    assertThat(browser.findElement(By.id("copied-uri")).getAttribute("value")).isEqualTo(plan.artifactsUri());
  }

  @Test
  void aHostileFilenameAndTypeRenderAsTextAndRunNoScript() throws Exception {
    // if the page ever turned the name into markup, its handler would call this
    browser.executeScript("window.__alerts = []; window.alert = function (m) { window.__alerts.push(String(m)); };");
    signIn(AdminServer.admin());
    WebElement row = row(hostile.artifactsUri());
    assertThat(cells(row).get(0)).isEqualTo(HOSTILE_NAME);
    assertThat(cells(row).get(3)).isEqualTo(HOSTILE_TYPE);
    assertThat(browser.findElements(By.cssSelector("#artifacts img, #artifacts script"))).isEmpty();
    assertThat(browser.executeScript("return document.querySelectorAll('img').length")).isEqualTo(0L);
    assertThat(browser.executeScript("return window.__alerts")).asList().isEmpty();
    screenshot("console-hostile-filename.png");

    // and downloading it saves its bytes without rendering them anywhere
    row.findElement(By.cssSelector("button.download")).click();
    wait.withTimeout(Duration.ofSeconds(60)).until(d -> downloadedFiles().size() >= 1 && noPartialDownloads()
        && downloadedFiles().stream().anyMatch(p -> p.getFileName().toString().endsWith(".html")));
    Path file = downloadedFiles().stream().filter(p -> p.getFileName().toString().endsWith(".html"))
        .findFirst().orElseThrow();
    assertThat(Files.readString(file)).isEqualTo("<script>alert(3)</script>");
    assertThat(browser.getCurrentUrl()).isEqualTo(consoleUrl());
    assertThat(browser.executeScript("return window.__alerts")).asList().isEmpty();
  }

  @Test
  void signingOutForgetsTheBearer() {
    signIn(AdminServer.admin());
    browser.findElement(By.id("sign-out")).click();
    wait.until(d -> d.findElement(By.id("bearer")).isDisplayed());
    assertThat(browser.executeScript("return sessionStorage.length")).isEqualTo(0L);
    assertThat(rows()).isEmpty();
    browser.navigate().refresh();
    wait.until(d -> d.findElement(By.id("bearer")).isDisplayed());
    assertThat(browser.findElement(By.id("console")).isDisplayed()).isFalse();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static void requireChromium() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
      return;
    }
    String why = "the console's browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
        + " (Debian packages chromium and chromium-driver; .ci/run installs them)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true but " + why);
    }
    assumeTrue(false, "skipped: " + why);
  }

  private String consoleUrl() {
    return server.baseUri() + "/console/";
  }

  private void typeBearer(String bearer) {
    WebElement field = browser.findElement(By.id("bearer"));
    field.clear();
    field.sendKeys(bearer);
    browser.findElement(By.id("sign-in-button")).click();
  }

  private void signIn(String bearer) {
    typeBearer(bearer);
    wait.until(d -> d.findElement(By.id("console")).isDisplayed()
        && !d.findElements(By.cssSelector("#rows tr")).isEmpty()
        && !text(By.id("summary-count")).isEmpty());
  }

  private String text(By by) {
    return browser.findElement(by).getText();
  }

  private List<WebElement> rows() {
    return browser.findElements(By.cssSelector("#rows tr"));
  }

  private List<String> rowUris() {
    return rows().stream().map(r -> r.getAttribute("data-uri")).toList();
  }

  private WebElement row(String uri) {
    return rows().stream().filter(r -> uri.equals(r.getAttribute("data-uri"))).findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + uri + " on " + text(By.id("page-info"))));
  }

  /** The text of each cell, read as the DOM holds it (textContent, not the rendering). */
  private List<String> cells(WebElement row) {
    return row.findElements(By.tagName("td")).stream().map(td -> td.getDomProperty("textContent")).toList();
  }

  private List<Path> downloadedFiles() {
    try (Stream<Path> files = Files.list(downloads)) {
      return files.toList();
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  private boolean noPartialDownloads() {
    return downloadedFiles().stream().noneMatch(p -> p.getFileName().toString().endsWith(".crdownload"));
  }

  private void screenshot(String name) throws Exception {
    Path folder = Path.of(System.getProperty("basedir", "."), "target", "console-screenshots");
    Files.createDirectories(folder);
    File shot = browser.getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), folder.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
