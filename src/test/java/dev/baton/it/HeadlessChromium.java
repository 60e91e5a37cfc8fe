package dev.baton.it;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Debian's chromium, headless, driven by its chromedriver: no browser download, no DevTools binding
 * of one Chrome version (the performance log gives the network requests instead). When either
 * binary is missing the test is skipped with how to install them, or fails when CI=true.
 */
public final class HeadlessChromium implements AutoCloseable {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ChromeDriver driver;

  private HeadlessChromium(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Skips (or, on CI, fails) the calling test when chromium or chromedriver is missing. */
  static void require() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    String why =
        "the dashboard's browser test needs "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + ": apt-get install chromium chromium-driver";
    if (!present && "true".equals(System.getenv("CI"))) {
      fail(why + " (CI=true: not skipped)");
    }
    assumeTrue(present, why);
  }

  /** A new browser of its own profile in {@code profile}, its window 1280×720. */
  public static HeadlessChromium start(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,720",
        "--user-data-dir=" + profile.toAbsolutePath());
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(60))
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    return new HeadlessChromium(driver);
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Sets the size of the page's viewport (the window is made larger by its frame, if any). */
  public void viewport(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
    Object inner =
        driver.executeScript("return [window.innerWidth, window.innerHeight, window.outerWidth];");
    List<?> sizes = (List<?>) inner;
    long dw = width - ((Number) sizes.get(0)).longValue();
    long dh = height - ((Number) sizes.get(1)).longValue();
    if (dw != 0 || dh != 0) {
      driver.manage().window().setSize(new Dimension((int) (width + dw), (int) (height + dh)));
    }
  }

  /** Saves a screenshot of the viewport as a PNG file. */
  void screenshot(Path file) {
    File shot = driver.getScreenshotAs(OutputType.FILE);
    try {
      Files.createDirectories(file.getParent());
      Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The URLs of every request the page sent since the last call (Network.requestWillBeSent). */
  List<String> requestedUrls() {
    List<String> urls = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
      JsonNode message = JSON.readTree(entry.getMessage()).path("message");
      if (message.path("method").asString().equals("Network.requestWillBeSent")) {
        urls.add(message.path("params").path("request").path("url").asString());
      }
    }
    return urls;
  }

  /** The console's errors since the last call (a CSP violation is one). */
  List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  @Override
  public void close() {
    driver.quit();
  }
}
