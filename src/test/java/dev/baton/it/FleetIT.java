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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton up}, {@code --add} and {@code down} through the real CLI, a real broker (started by
 * {@code baton up}) and a tmux server of the test's own ({@code tmux -L}).
 */
class FleetIT {
  private static final Pattern PID = Pattern.compile("running \\(pid (\\d+)");

  @TempDir Path tmp;

  private final String tmuxSocket = "baton-it-" + UUID.randomUUID().toString().substring(0, 8);
  private BrokerSandbox sandbox;
  private Path repo;
  private BrokerProcess started;

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
    if (started != null) {
      started.close();
    }
    Processes.Result status = sandbox.cli("status");
    Matcher m = PID.matcher(status.stdout());
    if (m.find()) {
      ProcessHandle.of(Long.parseLong(m.group(1)))
          .ifPresent(
              h -> {
                h.destroy();
                h.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
              });
    }
  }

  private Processes.Result tmux(String... args) {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", tmuxSocket));
    command.addAll(List.of(args));
    return Processes.run(tmp, Map.of(), command);
  }

  /** Up to four instances, the control pane is as wide as the window and 40% of its height. */
  private void assertControlPaneSpansTheWindowOnTop(String control) {
    String[] size =
        tmux(
                "display-message",
                "-p",
                "-t",
                control,
                "#{pane_top} #{pane_width} #{window_width} #{pane_height} #{window_height}")
            .stdout()
            .strip()
            .split(" ");
    // row 1 under the pane border's title line
    assertThat(Integer.parseInt(size[0])).as("the control pane's top row").isLessThanOrEqualTo(1);
    assertThat(size[1]).as("its width, the window's").isEqualTo(size[2]);
    assertThat(Integer.parseInt(size[3]))
        .as("its height, of the window's %s rows", size[4])
        .isGreaterThanOrEqualTo(Integer.parseInt(size[4]) * 3 / 10);
  }

  private List<String> panes() {
    Processes.Result r = tmux("list-panes", "-a", "-F", "#{pane_id} #{pane_current_path}");
    return r.exitCode() == 0 ? r.stdout().lines().toList() : List.of();
  }

  /** The sessions where the broker reminds the person of breaks, as JSON text. */
  private String fleetSessions() {
    try (BrokerClient broker =
        BrokerClient.overUnixSocket(sandbox.socket(), false, Duration.ofSeconds(10))) {
      return broker.call("GET", "/v1/fleet/sessions", null, Object.class).toString();
    }
  }

  private List<InstanceJson> instances() {
    try (BrokerClient broker =
        BrokerClient.overUnixSocket(sandbox.socket(), false, Duration.ofSeconds(10))) {
      return broker.instances(null, null).instances();
    }
  }

  private Processes.Result baton(String... args) {
    return sandbox.cliIn(repo, Map.of(), args);
  }

  @Test
  void upStartsTheBrokerAndAFleetThatAddGrowsAndDownEndsKeepingTheWorktrees() {
    Processes.Result up =
        BrokerSandbox.assertExit(
            baton("up", "--roles", "developer,developer,reviewer", "--agent", "shell"), 0, "up");
    assertThat(up.stderr()).contains("started one in the background");
    assertThat(up.stdout())
        .contains("started fleet baton-repo (tmux session baton-repo")
        .contains("attach with: tmux -L");
    assertThat(panes()).hasSize(4);
    List<InstanceJson> fleet = instances();
    assertThat(fleet)
        .extracting(InstanceJson::role)
        .containsExactlyInAnyOrder("developer", "developer", "reviewer");
    for (InstanceJson i : fleet) {
      assertThat(Path.of(i.worktree())).isDirectory();
      assertThat(panes()).anyMatch(p -> p.endsWith(" " + i.worktree()));
    }
    String pane =
        panes().stream()
            .filter(p -> p.endsWith(fleet.get(0).worktree()))
            .findFirst()
            .orElseThrow()
            .split(" ")[0];
    tmux("send-keys", "-t", pane, "echo \"in:$BATON_INSTANCE:$BATON_ROLE\"", "Enter");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                tmux("capture-pane", "-p", "-t", pane)
                    .stdout()
                    .contains("in:" + fleet.get(0).id() + ":" + fleet.get(0).role()));
    String control = panes().get(0).split(" ")[0];
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              String screen = tmux("capture-pane", "-p", "-t", control).stdout();
              return fleet.stream().allMatch(i -> screen.contains(i.id()));
            });
    assertControlPaneSpansTheWindowOnTop(control);
    // a person's terminal of another size attaches: the layout is laid out again, not scaled
    tmux("resize-window", "-t", control, "-x", "80", "-y", "24");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertControlPaneSpansTheWindowOnTop(control));

    Processes.Result again =
        BrokerSandbox.assertExit(baton("up", "--agent", "shell"), 0, "up again");
    assertThat(again.stdout()).contains("nothing added");
    assertThat(panes()).hasSize(4);
    assertThat(instances()).hasSize(3);

    BrokerSandbox.assertExit(baton("up", "--add", "reviewer", "--agent", "shell"), 0, "--add");
    assertThat(panes()).hasSize(5);
    List<InstanceJson> grown = instances();
    assertThat(grown).hasSize(4);
    assertThat(grown).filteredOn(i -> i.role().equals("reviewer")).hasSize(2);
    assertControlPaneSpansTheWindowOnTop(control);

    assertThat(fleetSessions()).as("where breaks are told").contains("baton-repo");
    Processes.Result down = BrokerSandbox.assertExit(baton("down"), 0, "down");
    assertThat(fleetSessions()).as("forgotten with the fleet").doesNotContain("baton-repo");
    assertThat(down.stdout()).contains("4 instances checkpointed and deregistered");
    assertThat(panes()).isEmpty();
    assertThat(tmux("has-session", "-t", "=baton-repo").exitCode()).isNotZero();
    assertThat(instances()).isEmpty();
    grown.forEach(i -> assertThat(Path.of(i.worktree())).isDirectory());
    assertThat(baton("attach").exitCode()).isEqualTo(1);
  }

  @Test
  void badInputIsRefusedWithNothingMade() throws Exception {
    started = sandbox.start();
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Processes.Result outside = sandbox.cliIn(plain, Map.of(), "up", "--agent", "shell");
    assertThat(outside.exitCode()).isEqualTo(1);
    assertThat(outside.stderr()).contains("is not in a git repository").contains("git init");

    Processes.Result role = baton("up", "--roles", "developer,wizard", "--agent", "shell");
    assertThat(role.exitCode()).isEqualTo(2);
    assertThat(role.stderr()).contains("unknown role 'wizard'").contains("baton roles");

    Processes.Result agent = baton("up", "--agent", "no-such-agent-4711 --go");
    assertThat(agent.exitCode()).isEqualTo(2);
    assertThat(agent.stderr()).contains("'no-such-agent-4711' is not found on PATH");

    Processes.Result add = baton("up", "--add", "reviewer", "--agent", "shell");
    assertThat(add.exitCode()).isEqualTo(1);
    assertThat(add.stderr()).contains("no fleet baton-repo is running");

    assertThat(instances()).isEmpty();
    assertThat(panes()).isEmpty();
    assertThat(repo.resolveSibling("repo.worktrees")).doesNotExist();
  }

  @Test
  void withoutTmuxItSaysToInstallItAndMakesNothing() throws Exception {
    started = sandbox.start();
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    for (String tool : List.of("bash", "dirname", "readlink", "java", "git")) {
      Processes.Result where =
          Processes.run(tmp, Map.of(), List.of("bash", "-c", "command -v " + tool));
      Files.createSymbolicLink(bin.resolve(tool), Path.of(where.stdout().strip()).toRealPath());
    }
    Processes.Result up =
        sandbox.cliIn(repo, Map.of("PATH", bin.toString()), "up", "--agent", "shell");
    assertThat(up.exitCode()).isEqualTo(1);
    assertThat(up.stderr()).contains("tmux is not installed").contains("install it");
    assertThat(instances()).isEmpty();
    assertThat(repo.resolveSibling("repo.worktrees")).doesNotExist();
  }

  @Test
  void insideTmuxTheFleetIsAWindowOfTheCurrentSessionAndDownClosesOnlyIt() {
    started = sandbox.start();
    assertThat(tmux("new-session", "-d", "-s", "mine", "-x", "200", "-y", "50").exitCode())
        .isZero();
    String server = tmux("display", "-p", "-t", "mine", "#{socket_path},#{pid},0").stdout().strip();
    BrokerSandbox inside = sandbox.withEnv("BATON_TMUX_SOCKET", null).withEnv("TMUX", server);
    Processes.Result up = inside.cliIn(repo, Map.of(), "up", "--count", "2", "--agent", "shell");
    BrokerSandbox.assertExit(up, 0, "up inside tmux");
    assertThat(tmux("list-windows", "-t", "mine").stdout().lines()).hasSize(2);
    assertThat(tmux("list-sessions").stdout().lines()).hasSize(1);
    assertThat(panes()).hasSize(1 + 3);
    assertThat(instances()).hasSize(2);

    BrokerSandbox.assertExit(inside.cliIn(repo, Map.of(), "down"), 0, "down inside tmux");
    assertThat(tmux("list-windows", "-t", "mine").stdout().lines()).hasSize(1);
    assertThat(instances()).isEmpty();
  }

  @Test
  void whenTmuxFailsAfterRegisteringTheInstancesAndWorktreesAreUndone() throws Exception {
    started = sandbox.start();
    // a server whose socket directory does not exist: tmux cannot start it
    Processes.Result up =
        baton(
            "up", "--roles", "developer,reviewer", "--agent", "shell", "--tmux-socket", "no/such");
    assertThat(up.exitCode()).isEqualTo(1);
    assertThat(up.stderr()).contains("tmux new-session failed (exit 0): error creating");
    assertThat(instances()).isEmpty();
    Path worktrees = repo.resolveSibling("repo.worktrees");
    if (Files.exists(worktrees)) {
      try (var left = Files.list(worktrees)) {
        assertThat(left.toList()).isEmpty();
      }
    }
    assertThat(GitRepos.git(repo, "branch", "--list", "instance/*")).isBlank();
  }

  @Test
  void aFleetWhoseSessionWasKilledIsEndedAndMadeAgain() {
    started = sandbox.start();
    BrokerSandbox.assertExit(baton("up", "--agent", "shell"), 0, "up");
    String old = instances().get(0).id();
    assertThat(tmux("kill-server").exitCode()).isZero();

    Processes.Result again = BrokerSandbox.assertExit(baton("up", "--agent", "shell"), 0, "again");
    assertThat(again.stderr()).contains("fleet baton-repo had ended without 'baton down'");
    assertThat(again.stdout()).contains("started fleet baton-repo");
    assertThat(instances()).hasSize(1).noneMatch(i -> i.id().equals(old));
    assertThat(panes()).hasSize(2);
  }
}
