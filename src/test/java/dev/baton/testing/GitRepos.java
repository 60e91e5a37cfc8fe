package dev.baton.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Real git repositories for tests, made with the git command. */
public final class GitRepos {
  private GitRepos() {}

  /** A repository with one commit on branch {@code main} and a {@code src/} subdirectory. */
  public static Path create(Path dir) {
    try {
      Files.createDirectories(dir.resolve("src"));
      Files.writeString(dir.resolve("src/app.py"), "print('hi')\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    git(dir, "init", "-q", "-b", "main");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "init");
    return toReal(dir);
  }

  /** Adds a linked worktree on a new branch. */
  public static Path addWorktree(Path repo, Path worktree, String branch) {
    git(repo, "worktree", "add", "-q", "-b", branch, worktree.toString());
    return toReal(worktree);
  }

  public static String git(Path dir, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of("git", "-c", "user.name=baton-test", "-c", "user.email=test@baton.invalid"));
    command.addAll(List.of(args));
    return Processes.check(dir, command);
  }

  private static Path toReal(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
