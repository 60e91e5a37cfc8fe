package dev.baton.git.internal;

import dev.baton.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a worktree holds that its base does not, and its full state saved as a commit and brought
 * back. Reads need no queue; {@link #save} and {@link #restore} change refs and run in the
 * repository's {@link GitQueue}. Thread-safe.
 */
final class WorkState {
  static final String SAVED_PREFIX = "refs/baton/saved/";
  private static final Map<String, String> IDENTITY =
      Map.of(
          "GIT_AUTHOR_NAME", "baton",
          "GIT_AUTHOR_EMAIL", "baton@localhost",
          "GIT_COMMITTER_NAME", "baton",
          "GIT_COMMITTER_EMAIL", "baton@localhost");

  private final Git git;

  WorkState(Git git) {
    this.git = git;
  }

  /** Changed tracked files and untracked, not ignored, files of a worktree. */
  record Changes(int uncommitted, int untracked) {}

  Changes changes(Path worktree) {
    int uncommitted = 0;
    int untracked = 0;
    for (String line :
        git.run(worktree, "status", "--porcelain=v1", "--untracked-files=all").lines()) {
      if (line.startsWith("??")) {
        untracked++;
      } else {
        uncommitted++;
      }
    }
    return new Changes(uncommitted, untracked);
  }

  /** {ahead, behind} of {@code branch} against {@code base}; zeros when either is missing. */
  int[] aheadBehind(Path workspace, String base, String branch) {
    Git.Result r =
        git.tryRun(
            workspace,
            "rev-list",
            "--left-right",
            "--count",
            "refs/heads/" + branch + "...refs/heads/" + base);
    if (!r.ok()) {
      return new int[] {0, 0};
    }
    String[] counts = r.first().split("\\s+");
    return new int[] {Integer.parseInt(counts[0]), Integer.parseInt(counts[1])};
  }

  /**
   * How many commits of {@code branch} are not in {@code base}: none when the base reaches them
   * (ancestry), when each has an equal patch in the base ({@code git cherry}: rebased,
   * cherry-picked), or when merging the branch into the base would change nothing (equal trees:
   * squash-merged). Otherwise the commits {@code git cherry} marks {@code +}.
   */
  int notLanded(Path workspace, String base, String branch) {
    String b = "refs/heads/" + base;
    String h = "refs/heads/" + branch;
    if (!git.tryRun(workspace, "rev-parse", "--verify", "-q", h).ok()) {
      return 0;
    }
    if (!git.tryRun(workspace, "rev-parse", "--verify", "-q", b).ok()) {
      return -1; // nothing to compare with: counts as not landed
    }
    if (git.run(workspace, "rev-list", b + ".." + h).lines().isEmpty()) {
      return 0;
    }
    long unmatched =
        git.run(workspace, "cherry", b, h).lines().stream().filter(l -> l.startsWith("+")).count();
    if (unmatched == 0) {
      return 0;
    }
    Git.Result merged = git.tryRun(workspace, "merge-tree", "--write-tree", b, h);
    String baseTree = git.run(workspace, "rev-parse", b + "^{tree}").first();
    if (merged.ok() && merged.first().equals(baseTree)) {
      return 0;
    }
    return (int) unmatched;
  }

  /**
   * Saves everything in the worktree, tracked and untracked (not ignored), as a commit whose first
   * parent is the branch's head (and second, HEAD, when the worktree has something else checked
   * out), under {@code refs/baton/saved/<instance>/<stamp>}. A worktree whose directory is gone is
   * saved as its branch's tree.
   *
   * @return the ref
   */
  String save(Path workspace, Path worktree, String branch, String instance, String stamp) {
    String head = git.run(workspace, "rev-parse", "--verify", "refs/heads/" + branch).first();
    String tree = head + "^{tree}";
    List<String> parents = new ArrayList<>(List.of("-p", head));
    if (Files.isDirectory(worktree)) {
      tree = snapshotTree(worktree);
      Git.Result checkedOut = git.tryRun(worktree, "rev-parse", "--verify", "-q", "HEAD");
      if (checkedOut.ok() && !checkedOut.first().equals(head)) {
        parents.addAll(List.of("-p", checkedOut.first()));
      }
    }
    List<String> args = new ArrayList<>(List.of("commit-tree", tree));
    args.addAll(parents);
    args.addAll(List.of("-m", "baton: saved state of " + instance + " at " + stamp));
    String commit = git.run(workspace, IDENTITY, args).first();
    String ref = SAVED_PREFIX + instance + "/" + stamp;
    git.run(workspace, "update-ref", ref, commit, "");
    return ref;
  }

  /** The tree of the worktree's files as they are, through an index of its own. */
  private String snapshotTree(Path worktree) {
    Path index = null;
    try {
      index = Files.createTempFile("baton-save-", ".index");
      Path real =
          Path.of(
              git.run(worktree, "rev-parse", "--path-format=absolute", "--git-path", "index")
                  .first());
      Map<String, String> env = Map.of("GIT_INDEX_FILE", index.toString());
      if (Files.isRegularFile(real)) {
        Files.copy(real, index, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.delete(index);
        git.run(worktree, env, List.of("read-tree", "HEAD"));
      }
      git.run(worktree, env, List.of("add", "-A", "--", "."));
      return git.run(worktree, env, List.of("write-tree")).first();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the state of " + worktree, e);
    } finally {
      if (index != null) {
        try {
          Files.deleteIfExists(index);
        } catch (IOException e) {
          // a temporary file left behind loses nothing
        }
      }
    }
  }

  /** The instance's saved refs, newest first. */
  List<String> savedRefs(Path workspace, String instance) {
    return git.run(
            workspace,
            "for-each-ref",
            "--sort=-refname",
            "--format=%(refname)",
            SAVED_PREFIX + instance + "/")
        .lines();
  }

  /** The commit a ref names, refusing one that is not there. */
  String commit(Path workspace, String ref) {
    Git.Result r = git.tryRun(workspace, "rev-parse", "--verify", "-q", ref + "^{commit}");
    if (!r.ok()) {
      throw new InvalidInputException(
          "ref '"
              + ref
              + "' is not a commit of "
              + workspace
              + "; 'git for-each-ref "
              + SAVED_PREFIX
              + "' lists the saved states",
          Map.of("field", "ref", "ref", ref));
    }
    return r.first();
  }

  /** The saved commit's first parent: where its branch was. */
  String branchHead(Path workspace, String saved) {
    return git.run(workspace, "rev-parse", "--verify", saved + "^1").first();
  }

  /**
   * Puts a saved commit's files into a worktree checked out at its first parent: the working tree
   * becomes the saved tree (files deleted included), the index stays at HEAD, so the saved changes
   * show as uncommitted and the untracked files as untracked.
   */
  void restore(Path worktree, String saved) {
    git.run(worktree, "read-tree", "-u", "--reset", saved + "^{tree}");
    git.run(worktree, "reset", "-q");
  }
}
