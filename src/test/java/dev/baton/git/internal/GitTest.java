package dev.baton.git.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.ErrorCode;
import dev.baton.git.GitException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitTest {
  @TempDir Path dir;

  private final Git git = new Git(Duration.ofSeconds(30));

  @Test
  void runsGitInTheDirectoryAndReturnsItsOutput() throws Exception {
    git.run(dir, "init", "-q", "-b", "main");
    Files.writeString(dir.resolve("a.txt"), "a\n");
    git.run(dir, "add", "a.txt");
    git.run(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first");

    Git.Result log = git.run(dir, "log", "--format=%s");
    assertThat(log.lines()).containsExactly("first");
    assertThat(git.run(dir, "rev-parse", "--abbrev-ref", "HEAD").first()).isEqualTo("main");
  }

  @Test
  void aFailingCommandNamesItselfTheDirectoryAndWhatGitSaid() throws Exception {
    git.run(dir, "init", "-q");

    assertThatThrownBy(() -> git.run(dir, "rev-parse", "--verify", "no-such-branch"))
        .isInstanceOf(GitException.class)
        .hasMessageStartingWith(
            "git rev-parse --verify no-such-branch in " + dir + " failed (exit 128)")
        .hasMessageContaining("fatal: Needed a single revision")
        .satisfies(e -> assertThat(((GitException) e).code()).isEqualTo(ErrorCode.GIT_FAILED));
    assertThat(git.tryRun(dir, "rev-parse", "--verify", "no-such-branch").exit()).isEqualTo(128);
  }

  @Test
  void aNulInAnArgumentIsRefusedAsBadInputBeforeGitStarts() throws Exception {
    git.run(dir, "init", "-q");

    assertThatThrownBy(() -> git.run(dir, "rev-parse", "--verify", "main\u0000x"))
        .isInstanceOf(dev.baton.core.InvalidInputException.class)
        .hasMessage("'main\\x00x' cannot be given to git: it holds a NUL character");
  }

  @Test
  void aGitThatRunsTooLongIsKilledAndSaysSo() {
    Git impatient = new Git(Duration.ofMillis(300));

    assertThatThrownBy(() -> impatient.run(dir, "-c", "alias.hang=!sleep 20", "hang"))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("did not finish")
        .hasMessageContaining("killed after running longer than");
  }

  @Test
  void gitNeverWaitsForAnEditor() throws Exception {
    git.run(dir, "init", "-q", "-b", "main");
    Files.writeString(dir.resolve("a.txt"), "a\n");
    git.run(dir, "add", "a.txt");
    // Without a message, commit would open an editor; GIT_EDITOR=true leaves the template, which
    // git refuses as empty, at once.
    Git.Result r = git.tryRun(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q");
    assertThat(r.ok()).isFalse();
    assertThat(r.err()).contains("empty commit message");
  }
}
