package dev.baton.git.internal;

import dev.baton.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The git work on a repository's worktrees and branches: checks before a worktree is made, {@code
 * worktree add/lock/unlock/remove/prune}, branches. Callers run the changes in the repository's
 * {@link GitQueue}. Thread-safe.
 */
final class Checkouts {
  static final String BRANCH_PREFIX = "instance/";

  private final Git git;

  Checkouts(Git git) {
    this.git = git;
  }

  /** The branch checked out in the main worktree, the default base. */
  String defaultBase(Path workspace) {
    Git.Result head = git.tryRun(workspace, "symbolic-ref", "--short", "-q", "HEAD");
    if (!head.ok() || head.first().isEmpty()) {
      throw new InvalidInputException(
          "the main worktree of "
              + workspace
              + " has no branch checked out (detached HEAD), so there is no default base;"
              + " pass --base BRANCH",
          Map.of("workspace", workspace.toString()));
    }
    return head.first();
  }

  /** Refuses a base that is not a local branch, naming the branches there are. */
  void requireBranch(Path workspace, String base) {
    if (base.isBlank() || base.startsWith("-") || !branchExists(workspace, base)) {
      List<String> branches =
          git.tryRun(workspace, "for-each-ref", "--format=%(refname:short)", "refs/heads/").lines();
      throw new InvalidInputException(
          "base '"
              + base
              + "' is not a branch of "
              + workspace
              + "; pass --base with one of: "
              + String.join(", ", branches.stream().limit(10).toList())
              + (branches.size() > 10 ? ", ..." : ""),
          Map.of("field", "base", "base", base));
    }
  }

  boolean branchExists(Path workspace, String branch) {
    return git.tryRun(
            workspace, "rev-parse", "--verify", "-q", "refs/heads/" + branch + "^{commit}")
        .ok();
  }

  /**
   * Refuses a worktree root inside the tracked tree of any worktree of the repository (an ignored
   * directory is fine).
   */
  void requireOutsideTrackedTrees(Path workspace, Path root) {
    Path real = realOrAbsolute(root);
    for (Path top : tops(workspace)) {
      if (!real.startsWith(top)) {
        continue;
      }
      if (real.equals(top)
          || !git.tryRun(top, "check-ignore", "-q", top.relativize(real).toString() + "/").ok()) {
        throw new InvalidInputException(
            "worktree root "
                + root
                + " is inside the tracked tree of "
                + top
                + "; set git.worktree-root to a directory outside the repository (by default"
                + " baton uses "
                + workspace.resolveSibling(workspace.getFileName() + ".worktrees")
                + ") or add it to .gitignore",
            Map.of("setting", "git.worktree-root", "root", root.toString()));
      }
    }
  }

  /** The top levels of every worktree of the repository, the main one first. */
  List<Path> tops(Path workspace) {
    List<Path> tops = new ArrayList<>();
    for (String line : git.run(workspace, "worktree", "list", "--porcelain").lines()) {
      if (line.startsWith("worktree ")) {
        tops.add(realOrAbsolute(Path.of(line.substring("worktree ".length()))));
      }
    }
    return tops;
  }

  /**
   * Makes the worktree on its branch, a new branch from {@code base} unless it exists, locked in
   * the same step ({@code add --lock}), so that no other git ever sees it unlocked.
   */
  void add(Path workspace, Path path, String branch, String base, String instance) {
    try {
      Files.createDirectories(path.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the worktree root " + path.getParent(), e);
    }
    List<String> args =
        new ArrayList<>(
            List.of("worktree", "add", "--lock", "--reason", "baton instance " + instance));
    if (branchExists(workspace, branch)) {
      args.addAll(List.of(path.toString(), branch));
    } else {
      args.addAll(List.of("-b", branch, path.toString(), base));
    }
    git.run(workspace, Map.of(), args);
  }

  void createBranch(Path workspace, String branch, String commit) {
    git.run(workspace, "branch", branch, commit);
  }

  /**
   * Forgets a worktree whose directory is gone, so that it can be added again; other worktrees,
   * locked, stay.
   */
  void forgetMissing(Path workspace, Path path) {
    git.tryRun(workspace, "worktree", "unlock", path.toString());
    git.run(workspace, "worktree", "prune");
  }

  /** Unlocks and removes the worktree (whatever is in it) and deletes its branch. */
  void remove(Path workspace, Path path, String branch) {
    git.tryRun(workspace, "worktree", "unlock", path.toString());
    if (Files.isDirectory(path)) {
      git.run(workspace, "worktree", "remove", "--force", "--force", path.toString());
    } else {
      git.run(workspace, "worktree", "prune");
    }
    if (branchExists(workspace, branch)) {
      git.run(workspace, "branch", "-D", branch);
    }
  }

  static Path realOrAbsolute(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(absolute));
    } catch (IOException e) {
      return absolute;
    }
  }
}
