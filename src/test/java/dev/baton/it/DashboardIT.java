package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.api.AcquireBody;
import dev.baton.api.FocusBody;
import dev.baton.api.InstanceJson;
import dev.baton.api.LandBody;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.testing.GitRepos;
import dev.baton.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * The live dashboard in a real browser (Debian's chromium, headless) against a real broker process:
 * opened with the link {@code baton dashboard} prints, it shows the fleet and follows it without
 * reloading; without the cookie, with a used link or without the CSRF token nothing is shown or
 * changed; and no request leaves 127.0.0.1.
 */
class DashboardIT {
  /** A functional bound (the page follows the event stream), not a benchmark. */
  private static final Duration LIVE = Duration.ofSeconds(1);

  private static final Duration LOAD = Duration.ofSeconds(20);
  private static final Path ARTIFACTS = Path.of("target", "dashboard");

  @TempDir Path tmp;
  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private HeadlessChromium browser;
  private BrokerClient client;
  private Path repo;

  @BeforeEach
  void setUp() {
    HeadlessChromium.require();
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    repo = GitRepos.create(tmp.resolve("repo"));
  }

  @AfterEach
  void tearDown() {
    if (browser != null) {
      browser.close();
    }
    if (client != null) {
      client.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private void startBroker() {
    broker = sandbox.start();
    client = broker.unixClient();
  }

  private WebDriver open() {
    if (broker == null) {
      startBroker();
    }
    browser = HeadlessChromium.start(tmp.resolve("profile"));
    browser.viewport(1280, 720);
    browser.driver().get(link());
    return browser.driver();
  }

  /** A fresh link from {@code baton dashboard}. */
  private String link() {
    Processes.Result r = sandbox.expect(0, "dashboard");
    String url = r.stdout().strip();
    assertThat(url).matches("http://127\\.0\\.0\\.1:" + broker.tcpPort() + "/\\?code=[\\w-]{43}");
    return url;
  }

  private InstanceJson register(String role, boolean worktree) {
    return client
        .register(new RegisterBody(role, repo.toString(), null, "claude", worktree, null))
        .instance();
  }

  /** Read in one script, so that a redraw between finding and reading cannot interfere. */
  private boolean shows(WebDriver page, String css) {
    return (Boolean)
        browser.driver().executeScript("return !!document.querySelector(arguments[0]);", css);
  }

  private String text(WebDriver page, String css) {
    Object text =
        browser
            .driver()
            .executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';",
                css);
    return String.valueOf(text);
  }

  private String attribute(String css, String name) {
    return String.valueOf(
        browser
            .driver()
            .executeScript(
                "const e = document.querySelector(arguments[0]);"
                    + " return e ? e.getAttribute(arguments[1]) : null;",
                css,
                name));
  }

  @Test
  void thePageShowsTheFleetAndFollowsItLiveWithoutReloading() throws Exception {
    startBroker();
    InstanceJson first = register("developer", false);
    WebDriver page = open();
    assertThat(page.getCurrentUrl()).endsWith(":" + broker.tcpPort() + "/");
    await().atMost(LOAD).until(() -> shows(page, "tr[data-instance='" + first.id() + "']"));
    await().atMost(LOAD).until(() -> text(page, "#connection").contains("live"));
    assertThat(text(page, "tr[data-instance='" + first.id() + "']")).contains("DEV", "● working");
    browser.driver().executeScript("window.batonNotReloaded = true;");

    InstanceJson second = register("reviewer", false);
    await()
        .atMost(LIVE)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> shows(page, "tr[data-instance='" + second.id() + "']"));
    assertThat(text(page, "tr[data-instance='" + second.id() + "']")).contains("REV");

    client.acquire(
        new AcquireBody(first.id(), "src/app.py", null, null, null, null, "refactor auth", null));
    await()
        .atMost(LIVE)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> text(page, "#lease-list").contains("src/app.py"));
    assertThat(text(page, "tr[data-instance='" + first.id() + "'] td.files"))
        .contains("src/app.py");

    InstanceJson lander = register("developer", true);
    Path worktree = Path.of(lander.worktree());
    Files.writeString(worktree.resolve("feature.txt"), "a change\n");
    GitRepos.git(worktree, "add", "feature.txt");
    GitRepos.git(worktree, "commit", "-q", "-m", "feature");
    long land = client.land(new LandBody(lander.id(), null)).id();
    await()
        .atMost(LIVE)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> shows(page, "li[data-land='" + land + "']"));

    // a request queued behind the lease, a message and a decision, for the screenshot
    CompletableFuture<?> waiting =
        CompletableFuture.runAsync(
            () -> {
              try (BrokerClient c = broker.unixClient()) {
                c.acquire(
                    new AcquireBody(
                        second.id(), "src/app.py", null, null, null, 30_000L, "review", null));
              } catch (RuntimeException e) {
                // the broker stops before the wait ends
              }
            });
    await().atMost(LOAD).until(() -> shows(page, "li[data-waiting='" + second.id() + "']"));
    client.call(
        "POST",
        "/v1/messages",
        Map.of("from", first.id(), "to", "all", "text", "auth refactor lands at 10:30"),
        Object.class);
    client.call(
        "POST",
        "/v1/memory/decisions",
        Map.of("instance", first.id(), "summary", "Sessions move to signed cookies"),
        Object.class);
    client.call("POST", "/v1/focus", new FocusBody("start", "25m"), Object.class);
    await()
        .atMost(LIVE)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> "working".equals(attribute("#focus-now", "data-mode")));
    await().atMost(LOAD).until(() -> text(page, "#talk-list").contains("auth refactor lands"));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> text(page, "#memory-list").contains("signed cookies"));
    browser.screenshot(ARTIFACTS.resolve("dashboard.png"));

    client.call("POST", "/v1/focus", new FocusBody("break", null), Object.class);
    await()
        .atMost(LIVE)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> "break".equals(attribute("#focus-now", "data-mode")));
    assertThat(text(page, "#focus-now")).contains("Break");

    assertThat(browser.driver().executeScript("return window.batonNotReloaded === true;"))
        .as("the page was never reloaded")
        .isEqualTo(true);
    String origin = "http://127.0.0.1:" + broker.tcpPort() + "/";
    // what went to the network (chrome:// and data: are the browser's own, its new-tab page)
    List<String> requests =
        browser.requestedUrls().stream()
            .filter(u -> u.matches("(?i)(https?|wss?|ftp):.*"))
            .toList();
    assertThat(requests).isNotEmpty().allMatch(u -> u.startsWith(origin));
    @SuppressWarnings("unchecked")
    List<String> resources =
        (List<String>)
            browser
                .driver()
                .executeScript("return performance.getEntriesByType('resource').map(e => e.name);");
    assertThat(resources).isNotEmpty().allMatch(u -> u.startsWith(origin));
    assertThat(browser.consoleErrors()).as("console errors (CSP violations among them)").isEmpty();

    browser.viewport(390, 844);
    await()
        .atMost(LOAD)
        .until(
            () ->
                (Boolean)
                    browser
                        .driver()
                        .executeScript(
                            "return document.documentElement.scrollWidth <= window.innerWidth;"));
    browser.screenshot(ARTIFACTS.resolve("dashboard-phone.png"));
    waiting.cancel(true);
  }

  @Test
  void withoutTheCookieWithAUsedLinkOrWithoutTheCsrfTokenNothingIsShownOrChanged() {
    WebDriver page = open();
    await().atMost(LOAD).until(() -> text(page, "#connection").contains("live"));
    String origin = "http://127.0.0.1:" + broker.tcpPort();

    // an action from the page's own origin, with the cookie but without the CSRF token
    Object status =
        browser
            .driver()
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "fetch('/v1/focus', {method: 'POST', headers: {'Content-Type':"
                    + " 'application/json'}, body: '{\"action\":\"start\"}'})"
                    + ".then(r => done(r.status), e => done(String(e)));");
    assertThat(status).isEqualTo(403L);
    assertThat(client.call("GET", "/v1/focus", null, Map.class).get("mode")).isEqualTo("idle");

    // the link it came with is used up
    String used = page.getCurrentUrl();
    String link = link();
    page.get(link);
    await().atMost(LOAD).until(() -> shows(page, "tr, #fleet-empty"));
    page.get(link);
    assertThat(text(page, "#refusal")).startsWith("this dashboard code was already used at");
    assertThat(used).isEqualTo(origin + "/");

    // --open without a graphical session prints the link and says why it opened nothing
    Processes.Result opened =
        sandbox
            .withEnv("DISPLAY", null)
            .withEnv("WAYLAND_DISPLAY", null)
            .expect(0, "dashboard", "--open");
    assertThat(opened.stdout().strip()).startsWith(origin + "/?code=");
    assertThat(opened.stderr())
        .contains("not opened: no graphical session (neither DISPLAY nor WAYLAND_DISPLAY is set)");

    // another browser, without the cookie
    page.manage().deleteAllCookies();
    page.get(origin + "/");
    assertThat(text(page, "#refusal")).startsWith("No dashboard session: run 'baton dashboard'");
    assertThat(page.findElements(By.id("fleet"))).isEmpty();
  }

  @Test
  void withoutATcpListenerBatonDashboardSaysHowToTurnItOn() {
    broker = sandbox.withEnv("BATON_TCP", "off").start();

    Processes.Result r = sandbox.withEnv("BATON_TCP", "off").cli("dashboard");

    BrokerSandbox.assertExit(r, 1, "baton dashboard");
    assertThat(r.stderr())
        .contains("this broker has no TCP listener")
        .contains("baton serve --tcp 127.0.0.1:8090")
        .contains("server.tcp");
  }
}
