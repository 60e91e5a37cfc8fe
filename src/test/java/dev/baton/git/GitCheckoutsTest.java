package dev.baton.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.ErrorCode;
import dev.baton.testing.GitRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitCheckoutsTest {
  @TempDir Path dir;

  @Test
  void theTopLevelOfARepositoryIsItsOwnWorkspace() {
    Path repo = GitRepos.create(dir.resolve("repo"));

    GitCheckout c = GitCheckouts.locate(repo);

    assertThat(c.workspace()).isEqualTo(repo);
    assertThat(c.top()).isEqualTo(repo);
    assertThat(c.branch()).isEqualTo("main");
    assertThat(c.isLinkedWorktree()).isFalse();
  }

  @Test
  void aSubdirectoryResolvesToTheTopLevel() {
    Path repo = GitRepos.create(dir.resolve("repo"));

    assertThat(GitCheckouts.locate(repo.resolve("src")).workspace()).isEqualTo(repo);
    assertThat(GitCheckouts.locate(repo.resolve("src/app.py")).workspace()).isEqualTo(repo);
  }

  @Test
  void aLinkedWorktreeResolvesToTheMainRepositoryAndKeepsItsOwnTopAndBranch() throws Exception {
    Path repo = GitRepos.create(dir.resolve("repo"));
    Path worktree = GitRepos.addWorktree(repo, dir.resolve("wt"), "instance/claude-1");
    Files.createDirectories(worktree.resolve("src/deep"));

    GitCheckout c = GitCheckouts.locate(worktree.resolve("src/deep"));

    assertThat(c.workspace()).isEqualTo(repo);
    assertThat(c.top()).isEqualTo(worktree);
    assertThat(c.branch()).isEqualTo("instance/claude-1");
    assertThat(c.isLinkedWorktree()).isTrue();
  }

  @Test
  void aDetachedHeadHasNoBranch() {
    Path repo = GitRepos.create(dir.resolve("repo"));
    GitRepos.git(repo, "checkout", "-q", "--detach");

    assertThat(GitCheckouts.locate(repo).branch()).isNull();
  }

  @Test
  void aSymlinkIntoTheRepositoryResolvesToTheRealPath() throws Exception {
    Path repo = GitRepos.create(dir.resolve("repo"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), repo.resolve("src"));

    assertThat(GitCheckouts.locate(link).workspace()).isEqualTo(repo);
  }

  @Test
  void aSubmoduleIsItsOwnWorkspace() {
    Path inner = GitRepos.create(dir.resolve("inner"));
    Path outer = GitRepos.create(dir.resolve("outer"));
    GitRepos.git(
        outer,
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        inner.toString(),
        "lib");

    assertThat(GitCheckouts.locate(outer.resolve("lib")).workspace())
        .isEqualTo(outer.resolve("lib"));
  }

  @Test
  void aDirectoryOutsideAnyRepositoryIsRefusedWithItsPath() throws Exception {
    Path plain = Files.createDirectories(dir.resolve("plain"));

    assertThatThrownBy(() -> GitCheckouts.locate(plain))
        .isInstanceOf(NotAGitCheckoutException.class)
        .hasMessage(
            "workspace "
                + plain
                + " is not inside a git repository; run 'git init' there or pass the repository's directory")
        .satisfies(
            e ->
                assertThat(((NotAGitCheckoutException) e).code())
                    .isEqualTo(ErrorCode.INVALID_WORKSPACE));
  }

  @Test
  void aMissingDirectoryIsRefusedWithItsPath() {
    Path missing = dir.resolve("missing");

    assertThatThrownBy(() -> GitCheckouts.locate(missing))
        .isInstanceOf(NotAGitCheckoutException.class)
        .hasMessage("workspace " + missing + " does not exist");
  }
}
