package dev.baton.git.internal;

import dev.baton.git.GitException;
import dev.baton.git.Land;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

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

  /** What a rebase came to: the rebased commit, or the files it stopped on. */
  private record Rebase(Path dir, String head, List<String> conflicts) {}

  /** A base branch of a repository. */
  private record BaseKey(Path repo, String base) {}

  private final Refs refs;
  private final Git git;
  private final GitQueue queue;
  private final Scratch scratch;
  private final Path scratchRoot;
  private final LandCheck check;

  /**
   * Where each base branch was last found checked out, so that a land asks {@code git worktree
   * list} only when {@code git status} there says the base is not checked out there any more.
   */
  private final Map<BaseKey, Path> baseCheckouts = new ConcurrentHashMap<>();

  Landing(Refs refs, GitQueue queue, Path scratchRoot, LandCheck check) {
    this.refs = refs;
    this.git = refs.git();
    this.queue = queue;
    this.scratch = new Scratch(git, queue, scratchRoot);
    this.scratchRoot = scratchRoot;
    this.check = check;
  }

  /**
   * Lands {@code land}, which has started.
   *
   * @param record stores the land once rebased (before the base moves), and returns it stored
   * @param more whether more lands of the repository are queued after this one: the scratch
   *     worktree is then handed on to the next, else removed
   */
  Outcome run(Land land, UnaryOperator<Land> record, BooleanSupplier more) {
    Path repo = land.workspace();
    // a broker stopped or killed while landing may have left its scratch worktree behind
    scratch.removeLeftovers(repo, land.id());
    try {
      return land(land, record);
    } finally {
      scratch.release(repo, more.getAsBoolean());
    }
  }

  private Outcome land(Land land, UnaryOperator<Land> record) {
    Path repo = land.workspace();
    if (land.newHead() != null) {
      String base = refs.branch(repo, land.base());
      if (base != null && refs.isAncestor(repo, land.newHead(), base)) {
        // an earlier broker moved the base and stopped before it could say so
        return landed(land);
      }
    }
    for (int attempt = 1; ; attempt++) {
      Map<String, String> tips = refs.branches(repo, land.base(), land.branch());
      String baseTip = tips.get(land.base());
      String branchTip = tips.get(land.branch());
      if (baseTip == null) {
        return new Outcome.Failed(
            "base branch " + land.base() + " no longer exists in " + repo + "; nothing landed");
      }
      if (branchTip == null) {
        return new Outcome.Failed(
            "branch " + land.branch() + " no longer exists in " + repo + "; nothing landed");
      }
      Rebase rebase = rebase(land, baseTip, branchTip);
      if (rebase.head() == null) {
        return conflicted(land, rebase.conflicts());
      }
      // a branch with nothing the base lacks rebases to the base itself
      if (rebase.head().equals(baseTip)) {
        return new Outcome.Failed(nothingToLand(land));
      }
      Land stored = record.apply(land.rebased(branchTip, baseTip, rebase.head()));
      String failed = check(land, rebase.dir());
      if (failed != null) {
        return new Outcome.Failed(failed);
      }
      Advance advance = queue.call(repo, () -> advance(stored));
      if (advance instanceof Advance.Done) {
        return landed(stored);
      }
      if (advance instanceof Advance.Refused r) {
        return new Outcome.Failed(r.why());
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

  /**
   * Rebases {@code branchTip} onto {@code onto} in the scratch worktree, in one git process: {@code
   * git rebase ONTO COMMIT} first checks the commit out, detached. A scratch worktree handed on by
   * the last land that fails to rebase for another reason than conflicts is replaced by a new one,
   * once.
   */
  private Rebase rebase(Land land, String onto, String branchTip) {
    Path repo = land.workspace();
    Map<String, String> env = refs.committer(repo);
    List<String> rebase = args("rebase", onto, branchTip);
    Scratch.Taken taken = scratch.take(repo, branchTip);
    Git.Result r = git.tryRun(taken.dir(), env, rebase);
    if (!r.ok() && taken.reused() && conflicts(taken.dir()).isEmpty()) {
      git.tryRun(taken.dir(), "rebase", "--abort");
      scratch.release(repo, false);
      taken = scratch.take(repo, branchTip);
      r = git.tryRun(taken.dir(), env, rebase);
    }
    Path dir = taken.dir();
    if (r.ok()) {
      String head = Scratch.head(dir);
      if (head == null) {
        head = git.run(dir, "rev-parse", "HEAD").first();
      }
      scratch.clean(repo);
      return new Rebase(dir, head, List.of());
    }
    List<String> conflicts = conflicts(dir);
    boolean aborted = git.tryRun(dir, "rebase", "--abort").ok();
    if (conflicts.isEmpty()) {
      refs.forgetIdentity(repo);
      throw new GitException(dir, rebase, r.exit(), r.err() + r.out());
    }
    if (aborted) {
      scratch.clean(repo);
    }
    return new Rebase(dir, null, conflicts);
  }

  private List<String> conflicts(Path dir) {
    return git.run(dir, "diff", "--name-only", "--diff-filter=U").lines();
  }

  /**
   * Runs the land-check in the rebased tree, if there is one, then removes what it left (build
   * output, changed files), so that the next land's check starts from a tree as fresh as a new
   * worktree's.
   */
  private String check(Land land, Path dir) {
    if (check.none()) {
      return null;
    }
    Path repo = land.workspace();
    scratch.dirty(repo);
    String failed = check.run(dir, scratchRoot.resolve("land-" + land.id() + ".log"));
    if (git.tryRun(dir, Map.of(), args("reset", "-q", "--hard")).ok()
        && git.tryRun(dir, "clean", "-ffdxq").ok()) {
      scratch.clean(repo);
    }
    return failed;
  }

  private Outcome conflicted(Land land, List<String> files) {
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
    // the agent's branch is reset on the queue while the landed files are read here
    CompletableFuture<String> note = queue.submit(repo, () -> resetBranch(land));
    List<String> files = refs.changedFiles(repo, land.oldBase(), land.newHead());
    return new Outcome.Landed(land, files, GitQueue.join(note));
  }

  /**
   * On the queue: moves the base from the commit rebased onto to the rebased one. Where the base is
   * checked out, one {@code git status} there says whether it still is, its commit and its
   * uncommitted changes; {@code git worktree list} is asked only when it is not known where.
   */
  private Advance advance(Land land) {
    Path repo = land.workspace();
    String ref = "refs/heads/" + land.base();
    BaseKey key = new BaseKey(repo, land.base());
    Path checkedOut = baseCheckouts.get(key);
    Refs.Checkout there = checkedOut == null ? null : refs.checkout(checkedOut);
    if (there == null || !land.base().equals(there.branch())) {
      baseCheckouts.remove(key);
      checkedOut = refs.checkedOutAt(repo, land.base());
      if (checkedOut != null) {
        there = refs.checkout(checkedOut);
        if (there == null) {
          refs.uncommitted(checkedOut); // throws with git's words
        }
        if (!land.base().equals(there.branch())) {
          return new Advance.Moved(); // switched since: look again
        }
        baseCheckouts.put(key, checkedOut);
      }
    }
    Git.Result r;
    if (checkedOut != null) {
      if (!land.oldBase().equals(there.head())) {
        return new Advance.Moved();
      }
      List<String> dirty = there.uncommitted();
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
      // a compare-and-swap: it fails if the base is not at the commit rebased onto
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
    // Where the instance works, one git status says its branch, commit and changes; git worktree
    // list is asked only when the branch is not checked out there.
    Refs.Checkout there = land.worktree() == null ? null : refs.checkout(land.worktree());
    Path checkedOut = null;
    String now;
    if (there != null && branch.equals(there.branch())) {
      checkedOut = land.worktree();
      now = there.head();
    } else {
      there = null;
      now = refs.branch(repo, branch);
    }
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
    if (there == null) {
      checkedOut = refs.checkedOutAt(repo, branch);
    }
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
    List<String> dirty = there != null ? there.uncommitted() : refs.uncommitted(checkedOut);
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
    String before = refs.previous(repo, branch);
    if (before != null && !before.equals(land.branchHead())) {
      git.tryRun(checkedOut, Map.of(), args("reset", "-q", "--keep", before));
      return "left " + branch + " at " + Refs.shortId(before) + ": it moved while landing" + howTo;
    }
    return "reset " + branch + " in " + checkedOut + " to the landed commits (" + landed + ")";
  }

  /** Removes every scratch worktree a stopped broker left; at start, before any land runs. */
  void removeLeftScratch() {
    scratch.removeAll();
  }

  /** {@code args} after the settings that keep git to what landing means. */
  static List<String> args(String... args) {
    List<String> all = new java.util.ArrayList<>(QUIET);
    all.addAll(List.of(args));
    return all;
  }
}
