package dev.baton.git.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reads a land makes in one git process each, against real repositories. */
class RefsTest {
  @TempDir Path dir;

  private final Git git = new Git(Duration.ofSeconds(30));
  private final Refs refs = new Refs(git);
  private Path repo;

  @BeforeEach
  void setUp() throws Exception {
    repo = dir.resolve("repo");
    Files.createDirectories(repo);
    git.run(repo, "init", "-q", "-b", "main");
    commit(repo, "a.txt", "a\n");
  }

  private String commit(Path wt, String file, String text) throws Exception {
    Files.writeString(wt.resolve(file), text);
    git.run(wt, "add", "-A");
    git.run(wt, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", file);
    return git.run(wt, "rev-parse", "HEAD").first();
  }

  /** What a land reads of the agent's branch after resetting it: as git's own name@{1} says. */
  @Test
  void previousIsWhatGitCallsTheBranchAtOneUpdateAgo() throws Exception {
    String first = git.run(repo, "rev-parse", "HEAD").first();
    String second = commit(repo, "b.txt", "b\n");
    git.run(repo, "reset", "-q", "--keep", first);

    assertThat(refs.previous(repo, "main"))
        .isEqualTo(second)
        .isEqualTo(git.run(repo, "rev-parse", "main@{1}").first());
    assertThat(refs.previous(repo, "no-such-branch")).isNull();
  }

  @Test
  void branchesReadsSeveralTipsAndLeavesOutWhatIsNoBranchOrOnlyAPrefix() throws Exception {
    String main = git.run(repo, "rev-parse", "HEAD").first();
    git.run(repo, "branch", "instance/a");

    Map<String, String> tips = refs.branches(repo, "main", "instance", "nope");

    assertThat(tips).containsExactly(Map.entry("main", main));
  }

  @Test
  void checkoutSaysTheBranchTheCommitAndTheUncommittedFiles() throws Exception {
    String head = commit(repo, "with space.txt", "x\n");
    Files.writeString(repo.resolve("with space.txt"), "changed\n");
    Files.writeString(repo.resolve("untracked.txt"), "not counted\n");

    Refs.Checkout c = refs.checkout(repo);

    assertThat(c.branch()).isEqualTo("main");
    assertThat(c.head()).isEqualTo(head);
    assertThat(c.uncommitted()).containsExactly("with space.txt");
    git.run(repo, "checkout", "-q", "--detach");
    assertThat(refs.checkout(repo).branch()).isNull();
    assertThat(refs.checkout(dir.resolve("gone"))).isNull();
  }

  @Test
  void aheadCountsInOneProcessAndLeavesWhatItCannotReadToTheSlowerChecks() throws Exception {
    git.run(repo, "branch", "instance/a");
    Path wt = dir.resolve("wt");
    git.run(repo, "worktree", "add", "-q", wt.toString(), "instance/a");
    commit(wt, "b.txt", "b\n");
    commit(wt, "c.txt", "c\n");

    assertThat(refs.ahead(repo, "main", "instance/a")).isEqualTo(2);
    assertThat(refs.ahead(repo, "instance/a", "main")).isZero();
    assertThat(refs.ahead(repo, "nope", "instance/a")).isNull();
    assertThat(refs.ahead(repo, "main~1", "instance/a")).isNull();
    assertThat(refs.ahead(repo, "main..x", "instance/a")).isNull();
  }

  @Test
  void aScratchWorktreesHeadIsReadFromItsHeadFileAsGitWouldSayIt() throws Exception {
    Path scratch = dir.resolve("scratch");
    git.run(repo, "worktree", "add", "-q", "--detach", scratch.toString(), "main");
    commit(scratch, "d.txt", "d\n");

    assertThat(Scratch.head(scratch)).isEqualTo(git.run(scratch, "rev-parse", "HEAD").first());
    assertThat(Scratch.head(repo)).isNull(); // a main worktree's .git is a directory
    git.run(scratch, "checkout", "-q", "-b", "on-a-branch");
    assertThat(Scratch.head(scratch)).isNull();
  }
}
