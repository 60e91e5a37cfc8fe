package dev.baton.git.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What landing reads of a repository: commits of refs, ancestry, where a branch is checked out and
 * whether a worktree has uncommitted changes. Reads only; they need not queue. Thread-safe.
 */
final class Refs {
  /** Who commits the rebased commits when the broker's user has no git identity of their own. */
  private static final Map<String, String> BATON_COMMITTER =
      Map.of("GIT_COMMITTER_NAME", "baton", "GIT_COMMITTER_EMAIL", "baton@localhost");

  private final Git git;

  Refs(Git git) {
    this.git = git;
  }

  Git git() {
    return git;
  }

  /** The commit {@code ref} names, or null when it does not exist. */
  String commit(Path repo, String ref) {
    Git.Result r = git.tryRun(repo, "rev-parse", "--verify", "-q", ref + "^{commit}");
    return r.ok() ? r.first() : null;
  }

  /** The commit of branch {@code name}, or null when there is no such branch. */
  String branch(Path repo, String name) {
    return commit(repo, "refs/heads/" + name);
  }

  /** True when {@code ancestor} is {@code descendant} or one of its ancestors. */
  boolean isAncestor(Path repo, String ancestor, String descendant) {
    Git.Result r = git.tryRun(repo, "merge-base", "--is-ancestor", ancestor, descendant);
    if (r.exit() > 1) {
      git.run(repo, "merge-base", "--is-ancestor", ancestor, descendant); // throws with git's words
    }
    return r.ok();
  }

  /** How many commits {@code to} has that {@code from} lacks. */
  int count(Path repo, String from, String to) {
    return Integer.parseInt(git.run(repo, "rev-list", "--count", from + ".." + to).first());
  }

  /** The files that differ between two commits, renames as a deletion and an addition. */
  List<String> changedFiles(Path repo, String from, String to) {
    return git.run(repo, "diff", "--name-only", "--no-renames", from, to).lines();
  }

  /** The worktree that has {@code branch} checked out, or null when none has. */
  Path checkedOutAt(Path repo, String branch) {
    String wanted = "branch refs/heads/" + branch;
    Path current = null;
    for (String line : git.run(repo, "worktree", "list", "--porcelain").lines()) {
      if (line.startsWith("worktree ")) {
        current = Path.of(line.substring("worktree ".length()));
      } else if (line.equals(wanted)) {
        return current;
      }
    }
    return null;
  }

  /** The tracked files with uncommitted changes in the worktree at {@code dir}. */
  List<String> uncommitted(Path dir) {
    List<String> files = new ArrayList<>();
    for (String line :
        git.run(dir, "status", "--porcelain", "--untracked-files=no", "--no-renames").lines()) {
      files.add(line.length() > 3 ? line.substring(3) : line);
    }
    return files;
  }

  /** Extra environment for commands that commit: an identity when git has none. */
  Map<String, String> committer(Path repo) {
    return git.tryRun(repo, "var", "GIT_COMMITTER_IDENT").ok() ? Map.of() : BATON_COMMITTER;
  }

  /** A short form of a commit id for messages. */
  static String shortId(String commit) {
    return commit == null ? "none" : commit.substring(0, Math.min(10, commit.length()));
  }

  /** Up to five names, then how many more. */
  static String some(List<String> names) {
    if (names.size() <= 5) {
      return String.join(", ", names);
    }
    return String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
  }
}
