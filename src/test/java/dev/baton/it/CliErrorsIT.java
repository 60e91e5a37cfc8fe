package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.Json;
import dev.baton.testing.GitRepos;
import dev.baton.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when something is wrong: bad input (exit 1), a usage error (exit 2), a conflict
 * (exit 3) and a broker that is not running (exit 4), through the real launcher. Bad input never
 * changes what is registered.
 */
class CliErrorsIT {
  private static final List<String> BUILT_IN_ROLES =
      List.of("architect", "debugger", "developer", "ops", "planner", "research", "reviewer");

  @TempDir Path tmp;

  private final List<BrokerProcess> brokers = new ArrayList<>();
  private BrokerSandbox sandbox;
  private Path repo;

  @BeforeEach
  void createSandboxAndRepository() {
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    repo = GitRepos.create(tmp.resolve("repo"));
  }

  @AfterEach
  void stopBrokers() {
    brokers.forEach(BrokerProcess::close);
  }

  @Test
  void unknownInstanceIdIsAnErrorThatNamesTheId() {
    start();

    assertThat(sandbox.expect(1, "heartbeat", "cli-00000000").stderr())
        .contains("instance cli-00000000 is not registered");
    assertThat(sandbox.expect(1, "deregister", "cli-00000000").stderr())
        .contains("instance cli-00000000 is not registered");
  }

  @Test
  void reusingAnIdForAnotherRoleIsAConflict() {
    start();
    String dir = repo.toString();

    Processes.Result first =
        sandbox.expect(
            0, "register", "--id", "shared-1", "--role", "developer", "--workspace", dir);
    Processes.Result again =
        sandbox.expect(
            0, "register", "--id", "shared-1", "--role", "developer", "--workspace", dir);
    Processes.Result conflict =
        sandbox.expect(3, "register", "--id", "shared-1", "--role", "research", "--workspace", dir);

    assertThat(first.stdout()).isEqualTo("shared-1\n");
    assertThat(again.stdout()).isEqualTo("shared-1\n");
    assertThat(conflict.stderr()).contains("shared-1", "developer", "research");
    assertThat(sandbox.expect(0, "instances", "--role", "research").stdout())
        .startsWith("no instances match");
    assertThat(instanceCount()).isEqualTo(1);
  }

  @Test
  void unknownRoleIsRefusedWithTheListOfValidRoles() {
    start();

    Processes.Result r =
        sandbox.expect(1, "register", "--role", "wizard", "--workspace", repo.toString());

    assertThat(r.stderr()).contains("unknown role 'wizard'").contains(BUILT_IN_ROLES);
    assertThat(r.stdout()).isEmpty();
    assertThat(instanceCount()).isZero();
  }

  @Test
  void workspaceThatIsNotAGitRepositoryIsRefused() throws IOException {
    start();
    Path plain = Files.createDirectories(tmp.resolve("plain/dir"));
    Path missing = tmp.resolve("missing");

    Processes.Result notGit =
        sandbox.expect(1, "register", "--role", "developer", "--workspace", plain.toString());
    Processes.Result absent =
        sandbox.expect(1, "register", "--role", "developer", "--workspace", missing.toString());

    assertThat(notGit.stderr()).contains(plain.toString(), "not inside a git repository");
    assertThat(absent.stderr()).contains(missing.toString(), "does not exist");
    assertThat(instanceCount()).isZero();
  }

  @Test
  void usageErrorsExitWithTwoAndSayWhatIsWrong() {
    assertThat(sandbox.expect(2, "register", "--workspace", repo.toString()).stderr())
        .contains("Missing required option: '--role=ROLE'", "Try 'baton register --help'");
    assertThat(sandbox.expect(2, "heartbeat").stderr()).contains("pass ID or set BATON_INSTANCE");
    assertThat(sandbox.expect(2, "deregister").stderr()).contains("pass ID or set BATON_INSTANCE");
    assertThat(sandbox.expect(2, "status", "--json", "--tmux").stderr())
        .contains("mutually exclusive");
    assertThat(sandbox.expect(2, "frobnicate").stderr()).contains("frobnicate");
    assertThat(sandbox.expect(2).stderr()).contains("a command is required");
  }

  @Test
  void clientCommandsSayTheBrokerIsNotRunningAndHowToStartIt() {
    for (List<String> command :
        List.of(
            List.of("status"),
            List.of("status", "--json"),
            List.of("instances"),
            List.of("register", "--role", "developer", "--workspace", repo.toString()),
            List.of("heartbeat", "cli-00000000"),
            List.of("deregister", "cli-00000000"))) {
      Processes.Result r = sandbox.expect(4, command.toArray(String[]::new));
      assertThat(r.stderr())
          .as("baton %s", command)
          .contains("not running", sandbox.socket().toString(), "baton serve");
      assertThat(r.stdout()).as("baton %s", command).isEmpty();
    }
    Processes.Result tmux = sandbox.expect(4, "status", "--tmux");
    assertThat(tmux.stdout()).hasLineCount(1).contains("down");
    assertThat(tmux.stdout().strip()).hasSizeLessThanOrEqualTo(20);
    assertThat(sandbox.expect(1, "token").stderr()).contains("baton serve");
  }

  @Test
  void clientCommandsSayTheBrokerIsNotRunningWhenItDiedAndLeftItsSocket() {
    BrokerProcess broker = start();
    broker.sigkill();
    broker.waitFor(Duration.ofSeconds(30));
    assertThat(sandbox.socket()).as("the socket a killed broker leaves").exists();

    Processes.Result status = sandbox.expect(4, "status");
    Processes.Result tmux = sandbox.expect(4, "status", "--tmux");

    assertThat(status.stderr()).contains("not running", "baton serve");
    assertThat(tmux.stdout()).contains("down");
  }

  private BrokerProcess start() {
    BrokerProcess broker = sandbox.start();
    brokers.add(broker);
    return broker;
  }

  private int instanceCount() {
    return Json.MAPPER
        .readTree(sandbox.expect(0, "instances", "--json").stdout())
        .path("count")
        .asInt();
  }
}
