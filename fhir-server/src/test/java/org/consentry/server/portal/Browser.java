package org.consentry.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.util.FileSystemUtils;

/**
 * Debian's headless Chromium, driven through Debian's ChromeDriver (nothing is downloaded), with
 * what the portal's tests need: waits, keyboard-only moves, axe-core checks and screenshots.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Dimension DESKTOP = new Dimension(1280, 900);
  static final Dimension PHONE = new Dimension(390, 844);

  /** WCAG 2.1 A and AA rules of axe-core. */
  private static final List<String> WCAG = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");

  private static final ObjectMapper JSON = new ObjectMapper();

  final ChromeDriver driver;
  final Path downloads;
  private final Path profile;
  private final WebDriverWait wait;

  Browser() throws IOException {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as(
            "the portal tests need Debian's chromium and chromium-driver (the build installs them:"
                + " fhir-server/src/test/scripts/ensure-chromium.sh)")
        .isTrue();
    downloads = Files.createTempDirectory("portal-downloads");
    profile = Files.createTempDirectory("portal-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + profile);
    options.setExperimentalOption(
        "prefs",
        Map.of(
            "download.default_directory",
            downloads.toString(),
            "download.prompt_for_download",
            false));
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(DESKTOP);
    wait = new WebDriverWait(driver, Duration.ofSeconds(30));
  }

  void open(String url) {
    driver.get(url);
  }

  WebElement waitFor(By by) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  void waitForText(By by, String text) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  void waitUntil(Predicate<ChromeDriver> condition) {
    wait.until(d -> condition.test(driver));
  }

  void click(By by) {
    wait.until(ExpectedConditions.elementToBeClickable(by)).click();
  }

  void type(By by, String text) {
    WebElement field = waitFor(by);
    field.clear();
    field.sendKeys(text);
  }

  String text(By by) {
    return waitFor(by).getText();
  }

  Object script(String source, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(source, args);
  }

  /**
   * The keyboard only: the focused element if it matches, else Tab (up to 80 times) until the
   * focused element matches; fails otherwise.
   */
  WebElement tabTo(String description, Predicate<WebElement> target) {
    return moveFocus(description, target, Keys.TAB);
  }

  /** As {@link #tabTo}, backwards (Shift+Tab): to reach the navigation from the content. */
  WebElement shiftTabTo(String description, Predicate<WebElement> target) {
    return moveFocus(description, target, Keys.chord(Keys.SHIFT, Keys.TAB));
  }

  private WebElement moveFocus(String description, Predicate<WebElement> target, CharSequence key) {
    WebElement current = driver.switchTo().activeElement();
    if (target.test(current)) {
      return current;
    }
    for (int i = 0; i < 80; i++) {
      new Actions(driver).sendKeys(key).perform();
      WebElement focused = driver.switchTo().activeElement();
      if (target.test(focused)) {
        return focused;
      }
    }
    throw new AssertionError("Tab never reached " + description);
  }

  void press(CharSequence... keys) {
    new Actions(driver).sendKeys(keys).perform();
  }

  /** axe-core's WCAG 2.1 A/AA violations of the page as it is now (empty: none). */
  List<String> accessibilityViolations() {
    script(axeSource());
    String json =
        (String)
            ((JavascriptExecutor) driver)
                .executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                        + "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
                        + ".then(r => done(JSON.stringify(r.violations)))"
                        + ".catch(e => done(JSON.stringify([{id: 'axe-error', help: String(e)}])));",
                    WCAG);
    List<String> violations = new ArrayList<>();
    try {
      for (JsonNode violation : JSON.readTree(json)) {
        StringBuilder line =
            new StringBuilder(violation.path("id").asText())
                .append(": ")
                .append(violation.path("help").asText());
        for (JsonNode node : violation.path("nodes")) {
          line.append(" | ").append(node.path("target").toString());
        }
        violations.add(line.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return violations;
  }

  private static String axeScript;

  private static synchronized String axeSource() {
    if (axeScript == null) {
      try (InputStream in = Browser.class.getResourceAsStream("/axe.min.js")) {
        assertThat(in).as("axe.min.js on the test classpath (com.deque.html.axe-core)").isNotNull();
        axeScript = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return axeScript;
  }

  /** Saves a screenshot of the whole page as target/portal-screens/NAME.png. */
  Path screenshot(String name) throws IOException {
    Path folder = Files.createDirectories(Path.of("target", "portal-screens"));
    Path file = folder.resolve(name + ".png");
    Dimension before = driver.manage().window().getSize();
    Number height = (Number) script("return document.documentElement.scrollHeight");
    driver
        .manage()
        .window()
        .setSize(new Dimension(before.getWidth(), Math.min(4000, height.intValue() + 120)));
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    driver.manage().window().setSize(before);
    return file;
  }

  @Override
  public void close() throws IOException {
    driver.quit();
    // Chromium's profile is a few megabytes; every test run would leave one behind
    FileSystemUtils.deleteRecursively(profile);
    FileSystemUtils.deleteRecursively(downloads);
  }
}
