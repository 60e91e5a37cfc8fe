package dev.baton.git.internal;

import dev.baton.git.GitException;
import dev.baton.git.Land;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The git work of one land: rebase the branch onto the base in a scratch worktree of baton's own,
 * run the land-check there, then move the base with a compare-and-swap and the instance's branch to
 * the landed commits. What touches shared state (worktree add and remove, the base and branch refs)
 * runs on the repository's {@link GitQueue}; the rebase and the check do not hold it up.
 */
final class Landing {
  /** How often a land starts over when the base moved under it (someone else committed). */
  private static final int ATTEMPTS = 3;

  /** Settings that keep a rebase to what landing means: no hooks, no side effects on refs. */
  private static final List<String> QUIET =
      List.of(
          "-c", "core.hooksPath=/dev/null",
          "-c", "rebase.updateRefs=false",
          "-c", "rebase.autoSquash=false",
          "-c", "rebase.autoStash=false",
          "-c", "gc.auto=0",
          "-c", "maintenance.auto=false");

  /** How a land ended, as far as git is concerned. */
  sealed interface Outcome {
    /** The base moved to {@code land.newHead()}. */
    record Landed(Land land, List<String> files, String note) implements Outcome {}

    /** The rebase stopped on these files; nothing changed. */
    record Conflicted(List<String> files, String why) implements Outcome {}

    /** Nothing changed, for this reason. */
    record Failed(String why) implements Outcome {}
  }

  /** What moving the base came to. */
  private sealed interface Advance {
    record Done() implements Advance {}

    record Moved() implements Advance {}

    record Refused(String why) implements Advance {}
  }

  private final Refs refs;
  private final Git git;
  private final GitQueue queue;
  private final Path scratchRoot;
  private final LandCheck check;

  Landing(Refs refs, GitQueue queue, Path scratchRoot, LandCheck check) {
    this.refs = refs;
    this.git = refs.git();
    this.queue = queue;
    this.scratchRoot = scratchRoot;
    this.check = check;
  }

  /**
   * Lands {@code land}, which has started.
   *
   * @param record stores the land once rebased (before the base moves), and returns it stored
   */
  Outcome run(Land land, UnaryOperator<Land> record) {
    Path repo = land.workspace();
    // a broker killed while landing this land may have left its scratch worktree behind
    Path stale = scratchRoot.resolve("land-" + land.id());
    queue.call(repo, () -> removeScratch(repo, stale));
    if (land.newHead() != null) {
      String base = refs.branch(repo, land.base());
      if (base != null && refs.isAncestor(repo, land.newHead(), base)) {
        // an earlier broker moved the base and stopped before it could say so
        return landed(land);
      }
    }
    for (int attempt = 1; ; attempt++) {
      String baseTip = refs.branch(repo, land.base());
      String branchTip = refs.branch(repo, land.branch());
      if (baseTip == null) {
        return new Outcome.Failed(
            "base branch " + land.base() + " no longer exists in " + repo + "; nothing landed");
      }
      if (branchTip == null) {
        return new Outcome.Failed(
            "branch " + land.branch() + " no longer exists in " + repo + "; nothing landed");
      }
      if (refs.isAncestor(repo, branchTip, baseTip)) {
        return new Outcome.Failed(nothingToLand(land));
      }
      Path scratch = scratchRoot.resolve("land-" + land.id());
      Outcome outcome;
      Advance advance;
      try {
        queue.call(repo, () -> addScratch(repo, scratch, branchTip));
        String rebased = rebase(land, scratch, baseTip);
        if (rebased == null) {
          return conflicted(land, scratch);
        }
        if (rebased.equals(baseTip)) {
          return new Outcome.Failed(nothingToLand(land));
        }
        Land stored = record.apply(land.rebased(branchTip, baseTip, rebased));
        String failed = check.run(scratch, scratchRoot.resolve("land-" + land.id() + ".log"));
        if (failed != null) {
          return new Outcome.Failed(failed);
        }
        advance = queue.call(repo, () -> advance(stored));
        outcome = advance instanceof Advance.Done ? landed(stored) : null;
      } finally {
        queue.call(repo, () -> removeScratch(repo, scratch));
      }
      if (advance instanceof Advance.Refused r) {
        return new Outcome.Failed(r.why());
      }
      if (outcome != null) {
        return outcome;
      }
      if (attempt == ATTEMPTS) {
        return new Outcome.Failed(
            land.base()
                + " moved while landing "
                + land.branch()
                + ", "
                + ATTEMPTS
                + " times; someone else keeps committing to it. Land again");
      }
    }
  }

  private static String nothingToLand(Land land) {
    return "nothing to land: every commit of "
        + land.branch()
        + " is already on "
        + land.base()
        + "; commit your work first";
  }

  /** Rebases in the scratch worktree; the new commit, or null when it stopped on conflicts. */
  private String rebase(Land land, Path scratch, String onto) {
    Map<String, String> env = refs.committer(land.workspace());
    Git.Result r = git.tryRun(scratch, env, args("rebase", onto));
    if (r.ok()) {
      return git.run(scratch, "rev-parse", "HEAD").first();
    }
    if (git.run(scratch, "diff", "--name-only", "--diff-filter=U").lines().isEmpty()) {
      git.tryRun(scratch, "rebase", "--abort");
      throw new GitException(scratch, args("rebase", onto), r.exit(), r.err() + r.out());
    }
    return null;
  }

  private Outcome conflicted(Land land, Path scratch) {
    List<String> files = git.run(scratch, "diff", "--name-only", "--diff-filter=U").lines();
    git.tryRun(scratch, "rebase", "--abort");
    return new Outcome.Conflicted(
        files,
        land.branch()
            + " conflicts with "
            + land.base()
            + " in "
            + Refs.some(files)
            + "; rebase it yourself (git rebase "
            + land.base()
            + " in your worktree), resolve, commit and land again");
  }

  private Outcome landed(Land land) {
    Path repo = land.workspace();
    List<String> files = refs.changedFiles(repo, land.oldBase(), land.newHead());
    String note = queue.call(repo, () -> resetBranch(land));
    return new Outcome.Landed(land, files, note);
  }

  /** On the queue: moves the base from the commit rebased onto to the rebased one. */
  private Advance advance(Land land) {
    Path repo = land.workspace();
    String ref = "refs/heads/" + land.base();
    if (!land.oldBase().equals(refs.commit(repo, ref))) {
      return new Advance.Moved();
    }
    Path checkedOut = refs.checkedOutAt(repo, land.base());
    Git.Result r;
    if (checkedOut != null) {
      List<String> dirty = refs.uncommitted(checkedOut);
      if (!dirty.isEmpty()) {
        return new Advance.Refused(
            land.base()
                + " is checked out in "
                + checkedOut
                + " with uncommitted changes in "
                + Refs.some(dirty)
                + "; commit or stash them there, then land again");
      }
      r = git.tryRun(checkedOut, Map.of(), args("merge", "--ff-only", "-q", land.newHead()));
    } else {
      r =
          git.tryRun(
              repo,
              "update-ref",
              "-m",
              "baton: land #" + land.id() + " of " + land.branch(),
              ref,
              land.newHead(),
              land.oldBase());
    }
    if (r.ok()) {
      return new Advance.Done();
    }
    if (!land.oldBase().equals(refs.commit(repo, ref))) {
      return new Advance.Moved();
    }
    return new Advance.Refused(
        "could not move "
            + land.base()
            + (checkedOut == null ? "" : " in " + checkedOut)
            + ": "
            + (r.err() + r.out()).strip());
  }

  /**
   * On the queue: moves the instance's branch to the landed commits, unless that could lose work
   * (the branch moved on, or its worktree has uncommitted changes); says what it did.
   */
  private String resetBranch(Land land) {
    Path repo = land.workspace();
    String branch = land.branch();
    String now = refs.branch(repo, branch);
    String landed = Refs.shortId(land.newHead());
    if (now == null) {
      return branch + " no longer exists; nothing was reset";
    }
    if (now.equals(land.newHead())) {
      return branch + " is at the landed commits (" + landed + ")";
    }
    String leftAlone = "left " + branch + " at " + Refs.shortId(now) + ": ";
    String howTo = "; run 'git rebase " + land.base() + "' in its worktree when ready";
    if (!now.equals(land.branchHead())) {
      return leftAlone + "it has commits newer than the ones that landed" + howTo;
    }
    Path checkedOut = refs.checkedOutAt(repo, branch);
    if (checkedOut == null) {
      Git.Result r =
          git.tryRun(
              repo,
              "update-ref",
              "-m",
              "baton: landed #" + land.id(),
              "refs/heads/" + branch,
              land.newHead(),
              land.branchHead());
      return r.ok()
          ? "reset " + branch + " to the landed commits (" + landed + ")"
          : leftAlone + "it moved while landing" + howTo;
    }
    List<String> dirty = refs.uncommitted(checkedOut);
    if (!dirty.isEmpty()) {
      return leftAlone
          + "its worktree "
          + checkedOut
          + " has uncommitted changes in "
          + Refs.some(dirty)
          + howTo;
    }
    Git.Result r = git.tryRun(checkedOut, Map.of(), args("reset", "-q", "--keep", land.newHead()));
    if (!r.ok()) {
      return leftAlone + (r.err() + r.out()).strip() + howTo;
    }
    // The agent may have committed between the check and the reset: its commit goes back.
    String before = refs.commit(repo, "refs/heads/" + branch + "@{1}");
    if (before != null && !before.equals(land.branchHead())) {
      git.tryRun(checkedOut, Map.of(), args("reset", "-q", "--keep", before));
      return "left " + branch + " at " + Refs.shortId(before) + ": it moved while landing" + howTo;
    }
    return "reset " + branch + " in " + checkedOut + " to the landed commits (" + landed + ")";
  }

  /** On the queue: a fresh scratch worktree at {@code commit}, detached. */
  private Void addScratch(Path repo, Path scratch, String commit) {
    removeScratch(repo, scratch);
    try {
      Files.createDirectories(scratchRoot);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + scratchRoot, e);
    }
    git.run(
        repo,
        Map.of(),
        args("worktree", "add", "-q", "--force", "--detach", scratch.toString(), commit));
    return null;
  }

  /**
   * Removes the scratch worktree of {@code land} that this broker's scratch root may still hold.
   */
  void removeScratch(Land land) {
    Path repo = land.workspace();
    queue.call(repo, () -> removeScratch(repo, scratchRoot.resolve("land-" + land.id())));
  }

  /** On the queue: removes a scratch worktree of baton's own, if there is one. */
  private Void removeScratch(Path repo, Path scratch) {
    if (!Files.exists(scratch)) {
      return null;
    }
    if (!git.tryRun(repo, "worktree", "remove", "--force", scratch.toString()).ok()) {
      deleteTree(scratch);
      git.tryRun(repo, "worktree", "prune");
    }
    return null;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the scratch worktree " + dir, e);
    }
  }

  private static List<String> args(String... args) {
    List<String> all = new java.util.ArrayList<>(QUIET);
    all.addAll(List.of(args));
    return all;
  }
}
