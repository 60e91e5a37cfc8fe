package dev.baton.it;

import static dev.baton.it.BrokerSandbox.assertExit;
import static dev.baton.testing.GitRepos.git;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.GitRepos;
import dev.baton.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Landing through a real broker and the real CLI: two agents in their own worktrees land, the
 * second conflicts and is told on which file and who landed it, answers the conflict and lands;
 * {@code baton land --wait} exits 0 landed, 3 conflicted, 1 failed, and {@code baton lands} shows
 * the queue. The broker runs without a git identity of its own, as a service would.
 */
class LandIT {
  private static final String A = "claude-1a0d0001";
  private static final String B = "claude-1a0d0002";

  @TempDir Path tmp;

  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private Path repo;

  @BeforeEach
  void start() {
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    broker = sandbox.start();
    repo = GitRepos.create(tmp.resolve("repo"));
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  private Path agent(String id) throws Exception {
    Path wt = GitRepos.addWorktree(repo, tmp.resolve("wt").resolve(id), "instance/" + id);
    assertExit(
        sandbox.cliIn(wt, Map.of(), "register", "--role", "developer", "--id", id),
        0,
        "register " + id);
    return wt;
  }

  private static void commit(Path wt, String file, String text) throws Exception {
    Files.writeString(wt.resolve(file), text);
    git(wt, "add", "-A");
    git(wt, "commit", "-q", "-m", "edit " + file + " in " + wt.getFileName());
  }

  private Processes.Result land(String id, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("land", "--instance", id));
    args.addAll(List.of(more));
    return sandbox.cliIn(repo, Map.of(), args.toArray(String[]::new));
  }

  @Test
  void twoAgentsLandOneConflictIsAnsweredAndWaitExitsByOutcome() throws Exception {
    Path a = agent(A);
    Path b = agent(B);
    commit(a, "src/app.py", "print('a')\n");
    commit(b, "src/app.py", "print('b')\n");
    commit(b, "b.txt", "b\n");

    Processes.Result first = assertExit(land(A, "--wait"), 0, "baton land --wait (A)");
    assertThat(first.stdout()).contains("landed: instance/" + A + " onto main", "(1 file)");
    assertThat(Files.readString(repo.resolve("src/app.py"))).isEqualTo("print('a')\n");

    Processes.Result second = assertExit(land(B, "--wait", "2m"), 3, "baton land --wait (B)");
    assertThat(second.stdout())
        .contains("conflicted", "src/app.py  (last landed by " + A + ")", "git rebase main");
    assertThat(Files.readString(repo.resolve("src/app.py"))).isEqualTo("print('a')\n");

    // B answers the conflict in its own worktree and lands again
    assertThat(Processes.run(b, Map.of(), List.of("git", "rebase", "main")).exitCode()).isNotZero();
    Files.writeString(b.resolve("src/app.py"), "print('a')\nprint('b')\n");
    git(b, "add", "src/app.py");
    git(b, "-c", "core.editor=true", "rebase", "--continue");
    Processes.Result third =
        assertExit(
            sandbox.cliIn(b, Map.of("BATON_INSTANCE", B), "land", "--wait"),
            0,
            "baton land --wait (B, resolved)");
    assertThat(third.stdout()).contains("landed", "(2 files)");
    assertThat(Files.readString(repo.resolve("src/app.py"))).isEqualTo("print('a')\nprint('b')\n");
    assertThat(git(repo, "rev-list", "--merges", "main")).isBlank();
    assertThat(git(repo, "log", "--format=%s", "main").strip().split("\n")).hasSize(4);

    // a dirty main worktree: refused, exit 1, the base as it was
    commit(a, "a.txt", "a\n");
    Files.writeString(repo.resolve("b.txt"), "a human's edit\n");
    String main = git(repo, "rev-parse", "main").strip();
    Processes.Result refused = assertExit(land(A, "--wait"), 1, "baton land --wait (dirty main)");
    assertThat(refused.stdout()).contains("failed", "uncommitted changes in b.txt");
    assertThat(git(repo, "rev-parse", "main").strip()).isEqualTo(main);

    Processes.Result lands = sandbox.expect(0, "lands", "--workspace", repo.toString());
    assertThat(lands.stdout().lines().skip(1).map(l -> l.split("\\s+")[1]).toList())
        .containsExactly("landed", "conflicted", "landed", "failed");
    Processes.Result json = sandbox.expect(0, "lands", "--instance", B, "--json");
    assertThat(json.stdout()).contains("\"lastLandedBy\" : \"" + A + "\"");
  }

  @Test
  void landsQueuedAndStartedWhenTheBrokerIsKilledLandAfterItsRestart() throws Exception {
    broker.close();
    Path marker = tmp.resolve("check-ran");
    // the first check blocks until the broker is killed; the ones after pass at once
    String config =
        "git:\n  land-check: \"if [ ! -f "
            + marker
            + " ]; then touch "
            + marker
            + "; sleep 20; fi\"\n";
    Path file = sandbox.writeConfig("baton.yaml", config);
    broker = sandbox.start("--config", file.toString());
    Path a = agent(A);
    Path b = agent(B);
    commit(a, "a.txt", "a\n");
    commit(b, "b.txt", "b\n");
    String before = git(repo, "rev-parse", "main").strip();
    assertThat(assertExit(land(A), 0, "land A").stdout()).contains("land #1 queued");
    assertThat(assertExit(land(B), 0, "land B").stdout()).contains("land #2 queued");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> Files.exists(marker));

    broker.sigkill();
    broker.waitFor(java.time.Duration.ofSeconds(30));
    assertThat(git(repo, "rev-parse", "main").strip()).isEqualTo(before);
    broker = sandbox.start("--config", file.toString());

    try (dev.baton.api.client.BrokerClient c = broker.unixClient()) {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(60))
          .until(() -> c.land(1).finished() && c.land(2).finished());
      assertThat(c.land(1).status()).isEqualTo("landed");
      assertThat(c.land(2).status()).isEqualTo("landed");
    }
    assertThat(git(repo, "log", "--format=%s", "main").strip().split("\n"))
        .containsExactlyInAnyOrder("edit a.txt in " + A, "edit b.txt in " + B, "init");
    assertThat(git(repo, "rev-list", "--merges", "main")).isBlank();
    assertThat(git(repo, "worktree", "list")).doesNotContain("land-");
    assertThat(Processes.run(repo, Map.of(), List.of("git", "fsck", "--no-progress")).exitCode())
        .isZero();
    assertThat(sandbox.expect(0, "lands").stdout().lines().skip(1).toList())
        .hasSize(2)
        .allMatch(l -> l.contains("landed"));
  }

  @Test
  void anAgentLandsOverMcpAndIsToldTheOutcome() throws Exception {
    Path a = agent(A);
    commit(a, "a.txt", "a\n");
    try (McpClients clients = new McpClients()) {
      io.modelcontextprotocol.client.McpSyncClient c =
          clients.connect(broker, "developer", A, a, java.util.function.UnaryOperator.identity());
      io.modelcontextprotocol.spec.McpSchema.Tool tool =
          c.listTools().tools().stream().filter(t -> t.name().equals("land")).findFirst().get();
      assertThat(tool.outputSchema()).containsEntry("type", "object");

      io.modelcontextprotocol.spec.McpSchema.CallToolResult r =
          c.callTool(
              io.modelcontextprotocol.spec.McpSchema.CallToolRequest.builder("land")
                  .arguments(Map.of("wait_s", 60))
                  .build());

      assertThat(r.isError()).as(McpClients.text(r)).isNotEqualTo(Boolean.TRUE);
      assertThat(r.structuredContent()).isInstanceOf(Map.class);
      assertThat(McpClients.text(r)).contains("\"status\":\"landed\"", "\"files\":[\"a.txt\"]");
      io.modelcontextprotocol.spec.McpSchema.CallToolResult again =
          c.callTool(
              io.modelcontextprotocol.spec.McpSchema.CallToolRequest.builder("land")
                  .arguments(Map.of())
                  .build());
      assertThat(again.isError()).isTrue();
      assertThat(McpClients.text(again)).contains("nothing to land");
    }
    assertThat(Files.readString(repo.resolve("a.txt"))).isEqualTo("a\n");
  }

  @Test
  void anInstanceWithoutAWorktreeOrWithNothingToLandIsRefusedWithWhatToDo() throws Exception {
    assertExit(
        sandbox.cliIn(repo, Map.of(), "register", "--role", "developer", "--id", "claude-0000aaaa"),
        0,
        "register in the main worktree");
    Processes.Result r = assertExit(land("claude-0000aaaa", "--wait"), 1, "land from main");
    assertThat(r.stderr()).contains("not in a worktree on a branch of its own");
    agent(A);
    Processes.Result nothing = assertExit(land(A), 1, "land with nothing to land");
    assertThat(nothing.stderr()).contains("nothing to land", "commit your work");
    assertThat(sandbox.expect(0, "lands").stdout()).contains("no lands");
  }
}
