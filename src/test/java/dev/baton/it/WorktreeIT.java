package dev.baton.it;

import static dev.baton.testing.GitRepos.git;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.GitRepos;
import dev.baton.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worktrees through the real CLI and broker: {@code eval "$(baton new developer)"} puts a shell in
 * a worktree of its own, the list says what each holds, a removal that would lose work is refused
 * with the reasons, and a forced one saves a ref from which restore brings every file back.
 */
class WorktreeIT {
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

  /** Runs {@code script} in bash in {@code dir}, with {@code baton} being the launcher. */
  private Processes.Result shell(Path dir, String script) {
    Map<String, String> env = new HashMap<>(sandbox.environment());
    env.put("PATH", BrokerSandbox.launcher().getParent() + ":" + System.getenv("PATH"));
    return Processes.run(dir, env, List.of("bash", "-c", script));
  }

  @Test
  void twoAgentsGetWorktreesOfTheirOwnAndNoWorkIsLostOnRemoval() throws IOException {
    Processes.Result first =
        BrokerSandbox.assertExit(
            shell(
                repo,
                "eval \"$(baton new developer)\" && pwd && echo \"$BATON_INSTANCE $BATON_ROLE\""),
            0,
            "eval \"$(baton new developer)\"");
    List<String> lines = first.stdout().lines().toList();
    Path wtA = Path.of(lines.get(0));
    String a = lines.get(1).split(" ")[0];
    assertThat(lines.get(1)).endsWith(" developer");
    assertThat(wtA).isEqualTo(repo.resolveSibling("repo.worktrees").resolve(a));
    assertThat(wtA.resolve(".claude/settings.local.json")).exists();

    Processes.Result second = sandbox.cliIn(repo, Map.of(), "new", "reviewer", "--base", "main");
    BrokerSandbox.assertExit(second, 0, "baton new reviewer");
    String b =
        second.stdout().lines().filter(l -> l.startsWith("export ")).findFirst().orElseThrow();
    b = b.substring(b.indexOf('=') + 1, b.indexOf(' ', b.indexOf('='))).replace("'", "");
    assertThat(b).isNotEqualTo(a);
    Path wtB = repo.resolveSibling("repo.worktrees").resolve(b);
    assertThat(second.stdout()).contains("cd '" + wtB + "'");

    Files.writeString(wtA.resolve("feature.txt"), "committed work\n");
    git(wtA, "add", "feature.txt");
    git(wtA, "commit", "-q", "-m", "feature");
    Files.writeString(wtA.resolve("scratch.txt"), "untracked work\n");

    String list = sandbox.expect(0, "worktree", "list").stdout();
    assertThat(list)
        .contains("instance/" + a)
        .contains("instance/" + b)
        .contains("instance " + a + " is live on it, 1 untracked file, 1 commit not on main");
    assertThat(sandbox.expect(0, "status").stdout()).contains("2 worktrees");

    assertThat(sandbox.expect(3, "worktree", "remove", a).stderr())
        .contains(
            "is kept: instance " + a + " is live on it, 1 untracked file, 1 commit not on main")
        .contains("--force");
    sandbox.expect(0, "deregister", a);
    assertThat(sandbox.expect(3, "worktree", "remove", a).stderr())
        .contains("1 untracked file, 1 commit not on main");
    assertThat(wtA.resolve("scratch.txt")).exists();

    String removed = sandbox.expect(0, "worktree", "remove", a, "--force").stdout();
    assertThat(removed).contains("saved as refs/baton/saved/" + a + "/");
    assertThat(wtA).doesNotExist();
    assertThat(git(repo, "branch", "--list", "instance/" + a)).isBlank();

    sandbox.expect(0, "worktree", "restore", a);
    assertThat(wtA.resolve("feature.txt")).hasContent("committed work");
    assertThat(wtA.resolve("scratch.txt")).hasContent("untracked work");
    assertThat(git(wtA, "rev-parse", "--abbrev-ref", "HEAD").strip()).isEqualTo("instance/" + a);

    assertThat(sandbox.expect(0, "resume", "--instance", a).stdout())
        .contains("Continue there: cd '" + wtA + "'");

    // B did nothing but have its agent set up: it goes without --force
    sandbox.expect(0, "deregister", b);
    sandbox.expect(0, "worktree", "remove", b);
    assertThat(wtB).doesNotExist();

    assertThat(sandbox.expect(1, "worktree", "remove", "nobody").stderr())
        .contains("instance nobody has no worktree");
    assertThat(sandbox.cliIn(repo, Map.of(), "new", "developer", "--base", "nope").stderr())
        .contains("base 'nope' is not a branch of " + repo);
  }
}
