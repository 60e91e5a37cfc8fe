package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.api.AcquireBody;
import dev.baton.api.FocusBody;
import dev.baton.api.HandoffRoutes;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.testing.GitRepos;
import dev.baton.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tmux status line through a real broker process: the file it keeps, {@code GET
 * /v1/status/line}, {@code baton status --tmux}, {@code baton up} under a tmux server of the test's
 * own ({@code tmux -L}), and {@code baton tmux install}.
 */
class StatusLineIT {
  @TempDir Path tmp;

  private final String tmuxSocket = "baton-sl-" + UUID.randomUUID().toString().substring(0, 8);
  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private Path repo;

  @BeforeEach
  void setUp() {
    sandbox =
        BrokerSandbox.in(tmp.resolve("b"))
            .withEnv("TMUX", null)
            .withEnv("BATON_TMUX_SOCKET", tmuxSocket);
    repo = GitRepos.create(tmp.resolve("repo"));
  }

  @AfterEach
  void tearDown() {
    tmux("kill-server");
    if (broker != null) {
      broker.close();
      return;
    }
    // a broker that baton up started in the background: stopped so that none is left behind
    try (BrokerClient client = client()) {
      ProcessHandle.of(client.health().pid())
          .ifPresent(
              h -> {
                h.destroy();
                h.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
              });
    } catch (RuntimeException e) {
      // none runs
    }
  }

  /** A broker whose focus timer stays idle, so that the lines are the fleet's alone. */
  private BrokerProcess startBroker() {
    return sandbox.start("--config", sandbox.writeConfig("baton.yaml", "").toString());
  }

  private Path file() {
    return sandbox.dataDir().resolve("tmux-status");
  }

  private String line() {
    try {
      return Files.exists(file()) ? Files.readString(file(), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file's inode and modification time: both stay while it is not rewritten. */
  private String identity() {
    try {
      Object inode = Files.getAttribute(file(), "unix:ino");
      FileTime modified = Files.getLastModifiedTime(file());
      return inode + "@" + modified.toInstant();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Processes.Result tmux(String... args) {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", tmuxSocket));
    command.addAll(List.of(args));
    return Processes.run(tmp, Map.of(), command);
  }

  private BrokerClient client() {
    return BrokerClient.overUnixSocket(sandbox.socket(), false, Duration.ofSeconds(10));
  }

  private void register(BrokerClient client, String id, String role) {
    client.register(new RegisterBody(role, repo.toString(), id, "claude"));
  }

  private void message(BrokerClient client, String text, String importance) {
    client.call(
        "POST",
        "/v1/messages",
        new HandoffRoutes.MessageBody("human", repo.toString(), "all", text, importance, false),
        Object.class);
  }

  @Test
  void theFocusTimerShowsTheNextBreakAndABreakInReverseVideo() {
    broker = startBroker();
    await().atMost(Duration.ofSeconds(5)).until(() -> line().equals("no instances │ 0 files\n"));
    try (BrokerClient client = client()) {
      client.focus(new FocusBody("start", "10m"));
      await()
          .atMost(Duration.ofSeconds(2))
          .until(() -> line().equals("no instances │ 0 files · break in 10m\n"));

      client.focus(new FocusBody("break", "5m"));
      await().atMost(Duration.ofSeconds(2)).until(() -> line().contains("on break"));
      assertThat(line())
          .matches(
              "no instances │ 0 files · #\\[reverse] on break until \\d\\d:\\d\\d \\(5m\\)"
                  + " #\\[noreverse]\n");
      assertThat(client.statusLine()).isEqualTo(line().strip());

      client.focus(new FocusBody("stop", null));
      await().atMost(Duration.ofSeconds(2)).until(() -> line().equals("no instances │ 0 files\n"));
    }
  }

  @Test
  void aRegisteredInstanceShowsWithinASecondAndItsLeaseChangesTheTotals() {
    broker = startBroker();
    await().atMost(Duration.ofSeconds(5)).until(() -> line().equals("no instances │ 0 files\n"));
    try (BrokerClient client = client()) {
      register(client, "claude-1a2b3c4d", "developer");
      await().atMost(Duration.ofSeconds(1)).until(() -> line().startsWith("[dev:1a2b ●] │"));
      assertThat(line()).isEqualTo("[dev:1a2b ●] │ 0 files\n");

      client.acquire(
          new AcquireBody(
              "claude-1a2b3c4d",
              null,
              List.of("src/a.py", "src/b.py"),
              null,
              null,
              null,
              "x",
              null));
      await().atMost(Duration.ofSeconds(1)).until(() -> line().endsWith("│ 2 files\n"));

      register(client, "codex-9f3c0000", "reviewer");
      message(client, "stop #1", "urgent");
      await()
          .atMost(Duration.ofSeconds(1))
          .until(() -> line().equals("[dev:1a2b ●] [rev:9f3c ●] │ 2 files · 2 urgent\n"));
    }
  }

  @Test
  void aWaitingLeaseRequestAndAnOpenHandoffShowAsTheInstancesStates() throws Exception {
    broker = startBroker();
    try (BrokerClient client = client()) {
      register(client, "claude-1a2b3c4d", "developer");
      register(client, "claude-9f3c0000", "reviewer");
      String held =
          client
              .acquire(
                  new AcquireBody(
                      "claude-1a2b3c4d", null, List.of("src/a.py"), null, null, null, "x", null))
              .leases()
              .get(0)
              .id();
      CompletableFuture<?> waits =
          CompletableFuture.runAsync(
              () -> {
                try (BrokerClient other =
                    BrokerClient.overUnixSocket(sandbox.socket(), false, Duration.ofSeconds(90))) {
                  other.acquire(
                      new AcquireBody(
                          "claude-9f3c0000",
                          null,
                          List.of("src/a.py"),
                          null,
                          null,
                          60_000L,
                          "y",
                          null));
                }
              });
      // the lease capability's lease.waiting event makes the line recompute at once
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(line()).isEqualTo("[dev:1a2b ●] [rev:9f3c ◔] │ 1 file · 1 waiting\n"));

      client.release(held, "claude-1a2b3c4d", false, null);
      waits.get(30, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(1))
          .until(() -> line().equals("[dev:1a2b ●] [rev:9f3c ●] │ 1 file\n"));

      client.call(
          "POST",
          "/v1/handoffs",
          new HandoffRoutes.HandoffBody(
              "claude-9f3c0000",
              "claude-1a2b3c4d",
              "review",
              "look at a.py",
              List.of(),
              false,
              false),
          Object.class);
      await()
          .atMost(Duration.ofSeconds(1))
          .until(() -> line().startsWith("[dev:1a2b ●] [rev:9f3c →] │"));
    }
  }

  @Test
  void theFileIsNotRewrittenWhenNothingShownChanged() {
    broker = startBroker();
    try (BrokerClient client = client()) {
      register(client, "claude-1a2b3c4d", "developer");
      await().atMost(Duration.ofSeconds(1)).until(() -> line().startsWith("[dev:1a2b ●]"));
      String before = identity();
      // an event (a message of normal importance) makes the broker recompute the same line
      message(client, "hi", "normal");
      await()
          .during(Duration.ofMillis(800))
          .atMost(Duration.ofSeconds(3))
          .until(() -> identity().equals(before));
      assertThat(line()).isEqualTo("[dev:1a2b ●] │ 0 files\n");
    }
  }

  @Test
  void theRouteAndStatusTmuxAnswerTheFilesLineAndAStoppedBrokerLeavesBatonDown() {
    broker = startBroker();
    try (BrokerClient client = client()) {
      register(client, "claude-1a2b3c4d", "developer");
    }
    await().atMost(Duration.ofSeconds(1)).until(() -> line().startsWith("[dev:1a2b ●]"));
    Processes.Result curl =
        Processes.run(
            tmp,
            Map.of(),
            List.of(
                "curl",
                "-sS",
                "--unix-socket",
                sandbox.socket().toString(),
                "-w",
                "%{content_type}",
                "http://localhost/v1/status/line"));
    assertThat(curl.exitCode()).isZero();
    assertThat(curl.stdout()).isEqualTo(line() + "text/plain; charset=utf-8");

    Processes.Result status = sandbox.expect(0, "status", "--tmux");
    assertThat(status.stdout()).isEqualTo(line());

    broker.sigterm();
    assertThat(broker.waitFor(Duration.ofSeconds(30))).isIn(0, 143);
    assertThat(line()).isEqualTo("○ baton down\n");
    Processes.Result down = sandbox.cli("status", "--tmux");
    assertThat(down.exitCode()).isEqualTo(4);
    assertThat(down.stdout()).isEqualTo("○ baton down\n");
  }

  @Test
  void upShowsTheLineInTheFleetsSessionAndItsStatusBarShowsTheInstances() {
    Processes.Result up =
        BrokerSandbox.assertExit(
            sandbox.cliIn(repo, Map.of(), "up", "--count", "2", "--agent", "shell", "--no-attach"),
            0,
            "up");
    String session = "baton-repo";
    assertThat(up.stdout()).contains("started fleet " + session);
    assertThat(tmux("show-options", "-t", session, "status-right").stdout())
        .contains("#(cat '" + file() + "')");
    assertThat(tmux("show-options", "-v", "-t", session, "status-interval").stdout().strip())
        .isEqualTo("2");
    // a client attached from another session of the same server draws the fleet's status bar
    assertThat(
            tmux(
                    "new-session",
                    "-d",
                    "-s",
                    "viewer",
                    "-x",
                    "200",
                    "-y",
                    "10",
                    "env -u TMUX tmux -L " + tmuxSocket + " attach -t " + session)
                .exitCode())
        .isZero();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              String screen = tmux("capture-pane", "-p", "-t", "viewer").stdout();
              return screen
                  .lines()
                  .anyMatch(l -> l.matches(".*\\[dev:\\w{4} ●] \\[dev:\\w{4} ●] │ 0 files.*"));
            });
    BrokerSandbox.assertExit(sandbox.cliIn(repo, Map.of(), "down"), 0, "down");
  }

  @Test
  void insideTheUsersOwnSessionTheLineTakesASecondStatusLineThatDownTakesAwayAgain() {
    broker = startBroker();
    assertThat(tmux("new-session", "-d", "-s", "mine", "-x", "200", "-y", "50").exitCode())
        .isZero();
    String server = tmux("display", "-p", "-t", "mine", "#{socket_path},#{pid},0").stdout().strip();
    BrokerSandbox inside = sandbox.withEnv("BATON_TMUX_SOCKET", null).withEnv("TMUX", server);
    BrokerSandbox.assertExit(
        inside.cliIn(repo, Map.of(), "up", "--agent", "shell", "--no-attach"), 0, "up inside");

    String options = tmux("show-options", "-t", "mine").stdout();
    assertThat(options)
        .contains("status 2")
        .contains("status-format[1] \"#[align=left]#(cat '" + file() + "')\"");
    assertThat(tmux("show-options", "-t", "mine", "status-right").stdout())
        .as("the user's status-right is not set in the session")
        .isBlank();
    assertThat(tmux("show-options", "-g", "status").stdout().strip()).isEqualTo("status on");
    String first = tmux("show-options", "-gv", "status-format[0]").stdout().strip();
    assertThat(tmux("show-options", "-v", "-t", "mine", "status-format[0]").stdout().strip())
        .as("the first status line stays as it was")
        .isEqualTo(first);

    BrokerSandbox.assertExit(inside.cliIn(repo, Map.of(), "down"), 0, "down inside");
    assertThat(tmux("show-options", "-t", "mine").stdout())
        .doesNotContain("status-format")
        .doesNotContain("status 2");
  }

  @Test
  void tmuxInstallPrintsTheSnippetAndAppendsItOnceOnly() throws IOException {
    Processes.Result printed = sandbox.expect(0, "tmux", "install");
    assertThat(printed.stdout())
        .contains("set -g status-interval 2")
        .contains("set -g status-right \"#(cat '" + file() + "')\"");
    Path conf = sandbox.home().resolve(".tmux.conf");
    Files.writeString(conf, "set -g mouse on");

    Processes.Result appended = sandbox.expect(0, "tmux", "install", "--append");
    assertThat(appended.stdout()).contains("appended baton's status line to " + conf);
    String text = Files.readString(conf);
    assertThat(text)
        .startsWith("set -g mouse on\n\n# baton status line")
        .endsWith(printed.stdout());

    Processes.Result again = sandbox.cli("tmux", "install", "--append");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.stderr())
        .contains("has baton's status line already")
        .contains(conf.toString());
    assertThat(Files.readString(conf)).isEqualTo(text);
    // tmux itself reads the lines
    assertThat(tmux("-f", conf.toString(), "new-session", "-d", "-s", "conf").exitCode()).isZero();
    assertThat(tmux("show-options", "-gv", "status-right").stdout()).contains(file().toString());
  }
}
