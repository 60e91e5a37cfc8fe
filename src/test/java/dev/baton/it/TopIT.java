package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.api.InstanceJson;
import dev.baton.api.client.BrokerClient;
import dev.baton.testing.GitRepos;
import dev.baton.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton top} in the control pane of a fleet that {@code baton up} made, on a tmux server of
 * the test's own, read back with {@code capture-pane}: what a person sees.
 */
class TopIT {
  private static final Duration SCREEN = Duration.ofSeconds(20);

  @TempDir Path tmp;

  private final String tmuxSocket = "baton-top-" + UUID.randomUUID().toString().substring(0, 8);
  private BrokerSandbox sandbox;
  private Path repo;
  private BrokerProcess broker;

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
    if (broker != null && broker.isAlive()) {
      baton("down");
    }
    tmux("kill-server");
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void theControlPaneShowsEachInstanceAndALeaseTakenInAPaneAndTheQueueBehindIt() {
    broker = sandbox.start();
    List<InstanceJson> fleet = up();
    InstanceJson first = fleet.get(0);
    InstanceJson second = fleet.get(1);
    await()
        .atMost(SCREEN)
        .until(
            () ->
                fleet.stream()
                    .allMatch(
                        i -> lineOf(i.id()).contains(i.role().equals("reviewer") ? "REV" : "DEV")));

    typeIn(first, "lease acquire src/app.py --reason refactor");
    await().atMost(SCREEN).until(() -> lineOf(first.id()).contains("src/app.py"));
    assertThat(control()).contains("1 file leased");

    typeIn(second, "lease acquire src/app.py --wait 60s");
    await()
        .atMost(SCREEN)
        .until(
            () ->
                lineOf(second.id()).contains("◔ waiting") && control().contains("lease queue (1)"));

    typeIn(first, "lease release src/app.py");
    await()
        .atMost(SCREEN)
        .until(
            () ->
                lineOf(second.id()).contains("src/app.py")
                    && !lineOf(first.id()).contains("src/app.py")
                    && control().contains("lease queue (0)"));

    List<ProcessHandle> fleetProcesses = new ArrayList<>();
    tmux("list-panes", "-a", "-F", "#{pane_pid}")
        .stdout()
        .lines()
        .map(String::strip)
        .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)).stream())
        .forEach(
            h -> {
              fleetProcesses.add(h);
              h.descendants().forEach(fleetProcesses::add);
            });
    assertThat(fleetProcesses)
        .as("the panes' shells, baton top and the fleet's heartbeats")
        .hasSizeGreaterThanOrEqualTo(6);
    BrokerSandbox.assertExit(baton("down"), 0, "down");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(fleetProcesses).noneMatch(ProcessHandle::isAlive));
    fleet.forEach(i -> assertThat(Path.of(i.worktree())).isDirectory());
  }

  @Test
  void throughABrokerKilledAndStartedAgainItSaysBrokerDownThenShowsTheFleetAgain() {
    broker = sandbox.start();
    List<InstanceJson> fleet = up();
    await().atMost(SCREEN).until(() -> control().contains(fleet.get(0).id()));

    broker.sigkill();
    broker.waitFor(Duration.ofSeconds(30));
    await().atMost(SCREEN).until(() -> control().contains("broker down"));
    assertThat(control()).contains(fleet.get(0).id()).contains("showing the last state known");

    broker = sandbox.start();
    await()
        .atMost(SCREEN)
        .until(
            () ->
                !control().contains("broker down")
                    && fleet.stream().allMatch(i -> control().contains(i.id())));
  }

  @Test
  void onceItPrintsOneFrameAndBadPlacesSayWhy() throws Exception {
    Processes.Result noBroker = baton("top", "--once");
    assertThat(noBroker.exitCode()).isEqualTo(4);
    assertThat(noBroker.stderr()).contains("broker is not running");

    broker = sandbox.start();
    BrokerSandbox.assertExit(
        baton("register", "--role", "developer", "--workspace", repo.toString()), 0, "register");
    Processes.Result once =
        BrokerSandbox.assertExit(baton("top", "--once", "--width", "100"), 0, "top --once");
    assertThat(once.stdout())
        .contains("baton top · repo · 1 instance")
        .contains("DEV")
        .contains("lease queue (0)");
    assertThat(once.stdout().lines()).allMatch(l -> l.length() <= 100);

    Processes.Result noTerminal = baton("top");
    assertThat(noTerminal.exitCode()).isEqualTo(1);
    assertThat(noTerminal.stderr()).contains("needs a terminal").contains("--once");

    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Processes.Result outside = sandbox.cliIn(plain, Map.of(), "top", "--once");
    assertThat(outside.exitCode()).isEqualTo(1);
    assertThat(outside.stderr()).contains("is not in a git repository");
  }

  private List<InstanceJson> up() {
    BrokerSandbox.assertExit(
        baton("up", "--roles", "developer,developer,reviewer", "--agent", "shell"), 0, "up");
    try (BrokerClient client =
        BrokerClient.overUnixSocket(sandbox.socket(), false, Duration.ofSeconds(10))) {
      List<InstanceJson> all = new ArrayList<>(client.instances(null, null).instances());
      all.sort(java.util.Comparator.comparing(InstanceJson::role));
      assertThat(all).hasSize(3);
      return all;
    }
  }

  /** Types a baton command into the instance's pane, as a person would. */
  private void typeIn(InstanceJson instance, String command) {
    String pane =
        tmux("list-panes", "-a", "-F", "#{pane_id} #{pane_current_path}")
            .stdout()
            .lines()
            .filter(l -> l.endsWith(" " + instance.worktree()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no pane in " + instance.worktree()))
            .split(" ")[0];
    tmux("send-keys", "-t", pane, BrokerSandbox.launcher() + " " + command, "Enter");
  }

  /** The control pane's screen: the fleet's first pane. */
  private String control() {
    String first =
        tmux("list-panes", "-a", "-F", "#{pane_id}").stdout().lines().findFirst().orElse("");
    return tmux("capture-pane", "-p", "-t", first).stdout();
  }

  private String lineOf(String id) {
    return control().lines().filter(l -> l.contains(id)).findFirst().orElse("");
  }

  private Processes.Result baton(String... args) {
    return sandbox.cliIn(repo, Map.of(), args);
  }

  private Processes.Result tmux(String... args) {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", tmuxSocket));
    command.addAll(List.of(args));
    return Processes.run(tmp, Map.of(), command);
  }
}
